"""Hospital information systems are reached over TLS only, configured per hospital from CDK context;
video rooms are the platform's own signaling channels only."""

from __future__ import annotations

import json

import pytest

from infrastructure.settings import DeploySettings
from tests.infrastructure.conftest import Synth


def test_his_endpoints_must_be_https() -> None:
    ok = DeploySettings(his_endpoints=json.dumps({"HOS01": "https://his.hos01.example/fhir"}))
    assert json.loads(ok.his_endpoints or "{}") == {"HOS01": "https://his.hos01.example/fhir"}
    with pytest.raises(ValueError, match="HOS02"):
        DeploySettings(his_endpoints=json.dumps({"HOS02": "http://his.hos02.example/fhir"}))


def test_the_functions_may_manage_only_the_platforms_video_rooms(synth: Synth) -> None:
    from infrastructure.constructs.grants import VIDEO_ROOMS

    videos = [s for s in synth.function_statements() if "kinesisvideo:CreateSignalingChannel" in s["Action"]]
    assert [s for s in synth.function_statements("APIHandler") if s in videos]  # consultations are API routes
    for video in videos:
        assert sorted(video["Action"]) == sorted(VIDEO_ROOMS)
        assert "channel/ems-*/*" in json.dumps(video["Resource"])

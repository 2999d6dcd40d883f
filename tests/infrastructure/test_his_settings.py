"""Hospital information systems are reached over TLS only, configured per hospital from CDK context."""

from __future__ import annotations

import json

import pytest

from infrastructure.settings import DeploySettings


def test_his_endpoints_must_be_https() -> None:
    ok = DeploySettings(his_endpoints=json.dumps({"HOS01": "https://his.hos01.example/fhir"}))
    assert json.loads(ok.his_endpoints or "{}") == {"HOS01": "https://his.hos01.example/fhir"}
    with pytest.raises(ValueError, match="HOS02"):
        DeploySettings(his_endpoints=json.dumps({"HOS02": "http://his.hos02.example/fhir"}))

"""Device message schemas: what an onboard device may publish, and how bad messages are named."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.telemetry.schemas import DeviceStatus, Position, Vitals, WrongUnit, parse

TS = "2026-11-25T03:00:00+08:00"


def fix(**kw: Any) -> dict[str, Any]:
    return {"unit_id": "AMB01", "seq": 7, "ts": TS, "lat": 24.51, "lon": 117.65, **kw}


def failing_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {".".join(str(p) for p in e["loc"][1:]) for e in exc.value.errors()}


def test_each_topic_reads_its_own_message() -> None:
    assert isinstance(parse("ems/units/AMB01/telemetry", fix(speed_kmh=42, heading_deg=90)), Position)
    vitals = parse(
        "ems/units/AMB01/vitals",
        {"unit_id": "AMB01", "seq": 1, "ts": TS, "hr": 128, "spo2": 91, "rhythm": {"label": "sinus", "stemi": True}},
    )
    assert isinstance(vitals, Vitals) and vitals.rhythm is not None and vitals.rhythm.stemi
    status = parse("ems/units/AMB01/status", {"unit_id": "AMB01", "seq": 3, "ts": TS, "battery_pct": 80})
    assert isinstance(status, DeviceStatus)


def test_a_device_cannot_speak_for_another_unit() -> None:
    with pytest.raises(WrongUnit):
        parse("ems/units/AMB02/telemetry", fix())


@pytest.mark.parametrize(
    ("topic", "payload", "field"),
    [
        ("ems/units/AMB01/telemetry", fix(lat=91), "lat"),
        ("ems/units/AMB01/telemetry", fix(speed_kmh=-1), "speed_kmh"),
        ("ems/units/AMB01/telemetry", fix(ts="2026-11-25T03:00:00"), "ts"),  # no zone: ambiguous
        ("ems/units/AMB01/telemetry", fix(altitude=12), "altitude"),  # unknown fields are refused
        ("ems/units/AMB01/telemetry", {"unit_id": "AMB01", "seq": 1, "ts": TS, "hr": 80}, "lat"),  # vitals on GPS
        ("ems/units/AMB01/vitals", {"unit_id": "AMB01", "seq": 1, "ts": TS, "spo2": 140}, "spo2"),
        ("ems/units/AMB01/vitals", {"unit_id": "AMB01", "seq": 1, "ts": TS, "hr": -3}, "hr"),
        ("ems/units/AMB01/vitals", {"unit_id": "AMB01", "seq": 1, "ts": TS, "rhythm": {"label": "x"}}, "rhythm.label"),
        ("ems/units/AMB01/status", {"unit_id": "AMB01", "seq": -1, "ts": TS}, "seq"),
    ],
)
def test_a_broken_message_names_its_field(topic: str, payload: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse(topic, payload)
    assert any(f == field or f.startswith(field) for f in failing_fields(exc))


@pytest.mark.parametrize("topic", ["ems/units/AMB01", "ems/units/AMB01/dispatch", "other/units/AMB01/vitals"])
def test_only_device_topics_are_read(topic: str) -> None:
    with pytest.raises(ValueError, match="not a device topic"):
        parse(topic, fix())


@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    seq=st.integers(0, 2**40),
    speed=st.none() | st.floats(0, 250),
    heading=st.none() | st.floats(0, 359.99),
)
def test_every_fix_a_sensor_can_report_is_accepted_unchanged(
    lat: float, lon: float, seq: int, speed: float | None, heading: float | None
) -> None:
    msg = parse("ems/units/AMB01/telemetry", fix(lat=lat, lon=lon, seq=seq, speed_kmh=speed, heading_deg=heading))
    # Coordinates to 7 decimals (about 1 cm), readings to 6: finer is noise, and unstorable when tiny.
    assert isinstance(msg, Position) and (msg.lat, msg.lon, msg.seq) == (round(lat, 7), round(lon, 7), seq)
    assert msg.speed_kmh == (None if speed is None else round(speed, 6))


def test_the_documentation_lists_every_field() -> None:
    from pathlib import Path

    from chalicelib.telemetry.schemas import Rhythm

    doc = (Path(__file__).resolve().parents[3] / "docs" / "telemetry.md").read_text(encoding="utf-8")
    for model in (Position, Vitals, DeviceStatus, Rhythm):
        missing = [n for n in model.model_fields if n != "kind" and f"| `{n}` |" not in doc]
        assert not missing, f"{model.__name__}: {missing} not in docs/telemetry.md"

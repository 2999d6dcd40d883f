"""The strict edge: unreadable bodies are 400, contract breaks 422 naming the field, nothing coerced."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core import errors
from chalicelib.core.parsing import MAX_DEPTH, json_depth, parse_body
from chalicelib.hospitals.schemas import CapacityUpdate
from chalicelib.incidents.schemas import CallRequest, IncidentRequest
from chalicelib.triage.schemas import AssessmentInput


@dataclass
class Req:
    raw_body: bytes
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})


def parse(model: type[Any], body: Any) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_body(Req(raw), model)


def refused(model: type[Any], body: Any) -> errors.DomainError:
    with pytest.raises(errors.DomainError) as exc:
        parse(model, body)
    return exc.value


def fields(err: errors.DomainError) -> set[str]:
    return {d["field"] for d in err.details or []}


# --- depth and size -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "depth"),
    [(b"{}", 1), (b'{"a": [1, {"b": []}]}', 4), (b'{"a": "[[[[{{{{"}', 1), (b'{"a": "\\"[["}', 1), (b"1", 0)],
)
def test_depth_counts_brackets_outside_strings(raw: bytes, depth: int) -> None:
    assert json_depth(raw) == depth


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
def test_given_nesting_beyond_the_limit_then_400_too_deep_not_a_recursion_error(depth: int) -> None:
    err = refused(CallRequest, b"[" * depth + b"]" * depth)
    assert (err.status, err.code) == (400, "too_deep")
    err = refused(CallRequest, b'{"note": ' + b"[" * depth)  # unterminated too
    assert err.status == 400


def test_given_nesting_at_the_limit_then_it_reaches_the_model() -> None:
    nested: Any = "x"
    for _ in range(MAX_DEPTH - 1):
        nested = [nested]
    err = refused(CallRequest, {"note": nested})
    assert (err.status, err.code) == (422, "validation_failed")


def test_the_depth_scan_of_a_full_body_is_fast() -> None:
    raw = json.dumps({"note": "x" * 200_000, "list": [[1, 2]] * 5_000}).encode()[: 256 * 1024]
    start = time.perf_counter()
    json_depth(raw)
    assert time.perf_counter() - start < 0.5


def test_given_a_body_over_the_size_limit_then_413() -> None:
    err = refused(CallRequest, b" " * (256 * 1024 + 1))
    assert (err.status, err.code) == (413, "payload_too_large")


@pytest.mark.parametrize("raw", [b"{", b'{"note": "\\ud800"}', b'{"note": "\xff"}', b"{'a': 1}", b"nul"])
def test_given_unreadable_json_then_400_malformed_json(raw: bytes) -> None:
    err = refused(CallRequest, raw)
    assert (err.status, err.code) == (400, "malformed_json")


# --- no coercion -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "body", "field_path"),
    [
        (AssessmentInput, {"vitals": {"hr": True, "sbp": True}}, "vitals.hr"),
        (AssessmentInput, {"vitals": {"hr": "80"}}, "vitals.hr"),
        (AssessmentInput, {"vitals": {"gcs": 14.0}}, "vitals.gcs"),
        (CapacityUpdate, {"ed_beds": True, "icu_beds": 1, "ct_available": True}, "ed_beds"),
        (CapacityUpdate, {"ed_beds": 1, "icu_beds": 1, "ct_available": 1}, "ct_available"),
        (CallRequest, {"phone": 13800000000}, "phone"),
        (CallRequest, {"phone": [None]}, "phone"),
        (IncidentRequest, {"phone": 13800000000}, "phone"),
        (IncidentRequest, {"phone": [None]}, "phone"),
        (CallRequest, {"note": 5}, "note"),
    ],
)
def test_given_a_wrong_type_then_422_naming_the_field_never_coerced(model: Any, body: Any, field_path: str) -> None:
    err = refused(model, body)
    assert (err.status, err.code) == (422, "validation_failed")
    assert any(f.startswith(field_path) for f in fields(err)), err.details


def test_the_details_never_echo_the_submitted_value() -> None:
    err = refused(IncidentRequest, {"phone": "139SECRET5678"})
    assert fields(err) == {"phone"}
    assert "SECRET" not in json.dumps(err.body())


@pytest.mark.parametrize(
    "phone", ["139SECRET5678", "138-0000-000O", "\uff11\uff13\uff18" + "\uff10" * 8, "+86 138 0000 0000 ext"]
)
def test_given_letters_in_a_phone_then_refused_not_stripped(phone: str) -> None:
    assert fields(refused(CallRequest, {"phone": phone})) == {"phone"}


@pytest.mark.parametrize(
    ("phone", "kept"),
    [("138 0000 0000", "13800000000"), ("+86 138-0000-0000", "+8613800000000"), ("(0596) 2345678", "05962345678")],
)
def test_separators_in_a_phone_are_normalised(phone: str, kept: str) -> None:
    assert parse(IncidentRequest, {"phone": phone}).phone == kept


def test_json_times_enums_and_dates_still_read_from_strings() -> None:
    at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    body = parse(AssessmentInput, {"vitals": {"hr": 80, "consciousness": "alert"}, "findings": {"last_known_well": at}})
    assert body.vitals.hr == 80.0 and body.findings.last_known_well == datetime.fromisoformat(at)


# --- numbers DynamoDB can store -------------------------------------------------------------------


def test_given_a_tiny_coordinate_then_it_is_rounded_to_zero_not_a_failed_write() -> None:
    from chalicelib.aeds.schemas import AedSubmission

    aed = parse(AedSubmission, {"name_zh": "大厅", "lat": 1e-200, "lon": -1e-200})
    assert (aed.lat, aed.lon) == (0.0, 0.0)
    assert parse(AedSubmission, {"name_zh": "大厅", "lat": 24.512345678, "lon": 117.6}).lat == 24.5123457


@pytest.mark.parametrize("value", [b"1e-200", b"NaN", b"Infinity", b"-Infinity", b"1e400", b"1" + b"0" * 60])
def test_given_an_unstorable_measurement_then_422_naming_the_field(value: bytes) -> None:
    err = refused(AssessmentInput, b'{"vitals": {"spo2": ' + value + b"}}")
    assert err.status in (400, 422)
    if err.status == 422:
        assert fields(err) == {"vitals.spo2"}


def test_given_a_huge_integer_where_an_int_is_unbounded_then_422() -> None:
    from chalicelib.devicefiles.schemas import UploadRequest

    body = {"kind": "ecg_12lead", "content_type": "application/pdf", "size_bytes": 10**40}
    assert fields(refused(UploadRequest, body)) == {"size_bytes"}


# --- times in a sane window ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "at", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-12:00", "1999-12-31T00:00:00Z"]
)
def test_given_a_time_out_of_the_window_then_422_naming_the_field(at: str) -> None:
    from chalicelib.fleet.schemas import TimeCorrection

    err = refused(TimeCorrection, {"incident_id": "INC1", "node": "eTimes.03", "at": at})
    assert (err.status, fields(err)) == (422, {"at"})


def test_given_last_known_well_in_year_9999_then_refused() -> None:
    err = refused(AssessmentInput, {"findings": {"last_known_well": "9999-01-01T00:00:00+08:00"}})
    assert fields(err) == {"findings.last_known_well"}


def test_a_time_within_a_day_ahead_reaches_the_logic_for_its_own_code() -> None:
    from chalicelib.fleet.schemas import TimeCorrection

    ahead = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    assert parse(TimeCorrection, {"incident_id": "INC1", "node": "eTimes.03", "at": ahead}).at is not None


def test_a_birth_date_must_be_a_birth_date() -> None:
    from chalicelib.archive.schemas import IdentifyInput

    body = {"phone": "13800000000", "family_name": "王", "birth_date": "9999-01-01"}
    assert fields(refused(IdentifyInput, body)) == {"birth_date"}
    assert fields(refused(IdentifyInput, {**body, "birth_date": "1950-01-01", "phone": "139SECRET5678"})) == {"phone"}


def test_internal_reads_stay_lax() -> None:
    """Items read back from DynamoDB (Decimals, ISO strings) validate as before: only bodies are strict."""
    from decimal import Decimal

    vitals = AssessmentInput.model_validate({"vitals": {"hr": Decimal("80"), "gcs": Decimal("15")}})
    assert vitals.vitals.hr == 80.0 and vitals.vitals.gcs == 15


# --- telemetry rejects ---------------------------------------------------------------------------


def test_a_telemetry_reject_too_large_for_a_queue_message_keeps_its_beginning_and_size() -> None:
    import base64

    from chalicelib.telemetry.adapters.outbound import _entry
    from chalicelib.telemetry.decode import Reason, Reject

    payload = base64.b64encode(b"z" * 200_000).decode()
    entry = _entry(0, Reject("m1", Reason.INVALID_JSON, "JSONDecodeError", topic="ems/units/A/telemetry",
                             payload_b64=payload))  # fmt: skip
    body = json.loads(str(entry["MessageBody"]))
    assert len(str(entry["MessageBody"])) < 100 * 1024
    assert body["payload_truncated"] is True and body["payload_bytes"] == 200_000
    assert base64.b64decode(body["payload"]) == b"z" * len(base64.b64decode(body["payload"]))


def test_the_local_bridge_dead_letters_a_payload_too_deep_to_read_instead_of_losing_it() -> None:
    from devstack.iot_sql import parse as parse_sql
    from devstack.mqtt_bridge import _decode, _record

    reads_fields = parse_sql("SELECT temp FROM 'ems/units/+/telemetry'")
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(ValueError, match="too deep"):
        _decode(deep, reads_fields)
    spec = {"name": "r", "errorAction": {"sqs": {"queue": "iot-rule-errors"}}}
    record = _record(spec, "ems/units/A/telemetry", deep, "now", "invalid_json", ValueError("x"), None)
    assert len(json.dumps(record)) < 256 * 1024 and record["error"]["payload_bytes"] == len(deep)


@pytest.mark.parametrize("phone", ["(0596) 2345678", "+86 138-0013-8000", "138 0013 8000"])
def test_a_crew_may_identify_by_a_phone_written_with_separators(phone: str) -> None:
    from chalicelib.archive.schemas import IdentifyInput

    assert parse(IdentifyInput, {"phone": phone, "family_name": "王", "birth_date": "1950-01-01"}).phone == phone

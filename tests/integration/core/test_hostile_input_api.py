"""Hostile bodies against every route that takes one, on the seeded city over moto: never a 5xx, and
every refusal is `{"error": {"code", "message"}}`.

Each route starts from a body that passes (or nearly passes) its contract, so a hostile value in one
field travels as far as the logic and the tables would let it; the values are the classes that once
made 500s: deep nesting, numbers DynamoDB cannot store, NaN and Infinity, bools for numbers, lists
for strings, times in year 1 or 9999, nulls, control characters and very long strings.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core import root
from chalicelib.core.http import ROUTES, RouteSpec
from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign
from tests.unit.archive.test_archive import resident_bundle

fleet = test_fleet_api.fleet  # the seeded city: AMB01.., its hospitals, volunteers V1..

INCIDENT = "INC-HOSTILE"
NOW = datetime.now(UTC)

# Raw JSON: several of these are not expressible with json.dumps (NaN, 1e400, a lone surrogate).
HOSTILE = [
    "1e-200",
    "-1e-200",
    "1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    "1" + "0" * 40,
    "-0.0",
    "1.5",
    "-1",
    "true",
    "false",
    "null",
    "[null]",
    "{}",
    '{"a": [[[]]]}',
    "13800000000",
    '"139SECRET5678"',
    '"0001-01-01T00:00:00+14:00"',
    '"0001-01-01T00:00:00Z"',
    '"9999-12-31T23:59:59-12:00"',
    '"2026-01-01T00:00:00"',
    '"\\u202e\\ud83d\\ude91\\u0000\\u0007<script>"',
    '"\\ud800"',
    '""',
    json.dumps("长" * 30_000),
    "[" * 40 + "]" * 40,
    "[" * 31 + "1" + "]" * 31,
]
WHOLE_BODIES = [
    b"[" * 5_000 + b"]" * 5_000,
    b'{"a": ' * 3_000 + b"1" + b"}" * 3_000,
    b"[]",
    b"1e-200",
    b"NaN",
    b'"x"',
    b"null",
    b"{}",
    b"{",
    b'{"a": 1, "a": [1]}',
    b"\xff\xfe",
    b'{"x": "' + b"y" * (300 * 1024) + b'"}',
]


def _at(minutes: float = -1) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


BASELINES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/calls"): {"location": {"lat": 24.51, "lon": 117.65, "accuracy_m": 10}, "symptoms": ["other"]},
    ("POST", "/v1/incidents"): {
        "location": {"lat": 24.51, "lon": 117.65},
        "phone": "138 0000 0000",
        "symptoms": ["chest_pain"],
        "note": "n",
    },
    ("POST", "/v1/aeds"): {"name_zh": "大厅一楼", "lat": 24.51, "lon": 117.65, "hours": "24h"},
    ("POST", "/v1/units/{unit_id}/times"): {"incident_id": INCIDENT, "node": "eTimes.05", "at": _at()},
    ("POST", "/v1/units/{unit_id}/position"): {"lat": 24.51, "lon": 117.65, "at": _at(), "accuracy_m": 5},
    ("POST", "/v1/units/{unit_id}/status"): {"status": "out_of_service", "at": _at()},
    ("PUT", "/v1/hospitals/{hospital_id}/capacity"): {"ed_beds": 3, "icu_beds": 1, "ct_available": True},
    ("POST", "/v1/incidents/{incident_id}/assessments"): {
        "vitals": {"hr": 90, "sbp": 120, "spo2": 96, "rr": 18, "temp_c": 37, "gcs": 15, "glucose_mmol": 6},
        "findings": {"chest_pain": True, "last_known_well": _at(-60), "age_years": 60, "lams": 2},
    },
    ("POST", "/v1/incidents/{incident_id}/patient"): {
        "phone": "13800138000",
        "family_name": "王",
        "birth_date": "1950-03-07",
    },
    ("POST", "/v1/incidents/{incident_id}/responders/position"): {
        "lat": 24.51,
        "lon": 117.65,
        "at": _at(-0.1),
        "callsign": "E12",
        "heading": 10,
        "speed": 3,
    },
    ("POST", "/v1/incidents/{incident_id}/files"): {
        "kind": "ecg_12lead",
        "content_type": "application/pdf",
        "size_bytes": 1000,
        "captured_at": _at(),
    },
    ("POST", "/v1/volunteers"): {
        "volunteer_id": "VH1",
        "name": "李",
        "phone": "13900000000",
        "tier": "registered",
        "cert_no": "C-1234",
        "cert_expiry": "2030-01-01",
        "county": "350602",
    },
    ("PUT", "/v1/volunteers/me/duty"): {"on_duty": True, "lat": 24.51, "lon": 117.65},
    ("PUT", "/v1/volunteers/me/location"): {"lat": 24.51, "lon": 117.65},
    ("POST", "/v1/wristbands"): {"band_id": "WB-9001", "incident_id": INCIDENT},
    ("POST", "/v1/wristbands/{band_id}/scans"): {"node": "door", "at": _at()},
    ("PUT", "/v1/incidents/{incident_id}/scene-safety"): {"unsafe": False, "note": "ok"},
    ("POST", "/v1/incidents/{incident_id}/assign"): {"unit_id": "AMB02", "reason": "nearer"},
    ("POST", "/v1/incidents/{incident_id}/cancel"): {"reason": "duplicate call"},
    ("POST", "/v1/addresses/{code}/qr/revoke"): {"reason": "plate stolen"},
    ("POST", "/v1/qr-keys/{kid}/revoke"): {"reason": "key leaked"},
    ("POST", "/v1/aeds/{aed_id}/verification"): {"verified": True},
    ("POST", "/v1/incidents/{incident_id}/bookings"): {"orders": ["ecg"], "note": "n"},
    ("POST", "/v1/incidents/{incident_id}/referrals"): {
        "to_hospital_id": "HOS02",
        "direction": "up",
        "reason": "needs PCI",
        "orders": ["ecg"],
    },
    ("POST", "/v1/bookings/{booking_id}/accept"): {"note": "ok"},
    ("POST", "/v1/bookings/{booking_id}/decline"): {"reason": "no_capacity", "note": "full"},
    ("POST", "/v1/bookings/{booking_id}/cancel"): {"reason": "patient refused"},
    ("POST", "/v1/incidents/{incident_id}/consultations"): {"specialties": ["cardiology"], "question": "PCI?"},
    ("POST", "/v1/consultations/{consultation_id}/close"): {"outcome": "advice given"},
    ("POST", "/v1/calls/{call_id}/cpr/progress"): {"event": "compressions_started", "at": _at()},
    ("POST", "/v1/incidents/{incident_id}/cpr/progress"): {"event": "compressions_started", "at": _at()},
    ("POST", "/v1/incidents/{incident_id}/break-glass"): {"reason": "unconscious, no card at hand", "minutes": 15},
    ("POST", "/v1/alerts/{alert_id}/status"): {"node": "en_route", "at": _at()},
    ("POST", "/v1/platform/canary-runs"): {"checks": ["dynamodb"]},
}
# What ends or moves the incident the others act on goes last.
LAST = ("/v1/incidents/{incident_id}/assign", "/v1/incidents/{incident_id}/cancel")
SCOPES = {
    "crew": "unit:AMB01",
    "hospital": "hospital:HOS01",
    "volunteer": "volunteer:VOL00001",
    "responder": "agency:fire",
}
PARAMS = {"unit_id": "AMB01", "hospital_id": "HOS01", "incident_id": INCIDENT, "band_id": "WB-9001"}


def body_routes() -> list[RouteSpec]:
    import app  # noqa: F401  (declares every route)

    routes = [r for r in ROUTES if r.method in ("POST", "PUT", "PATCH") and r.body is not None]
    return sorted(routes, key=lambda r: (r.path in LAST, LAST.index(r.path) if r.path in LAST else 0))


def baseline(spec: RouteSpec) -> dict[str, Any]:
    if (spec.method, spec.path) == ("POST", "/v1/archive/bundles"):
        return resident_bundle()
    return BASELINES.get((spec.method, spec.path), {})


def field_paths(spec: RouteSpec, body: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every top-level field of the model and of the baseline, and one level into nested objects."""
    assert spec.body is not None
    names = list(dict.fromkeys([*spec.body.model_fields, *body]))
    paths: list[tuple[str, ...]] = [(n,) for n in names]
    paths += [(n, k) for n in names if isinstance(body.get(n), dict) for k in body[n]]
    return paths


def with_raw(body: dict[str, Any], path: tuple[str, ...], raw: str) -> bytes:
    marker = "\x00HOSTILE\x00"
    mutated = json.loads(json.dumps(body))
    target = mutated
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = marker
    return json.dumps(mutated).replace(json.dumps(marker), raw).encode()


_TOKENS: dict[tuple[int, str], dict[str, str]] = {}


def headers_for(env: Any, spec: RouteSpec) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if spec.roles:
        role = spec.roles[0].value
        key = (id(env), role)  # signing is slow: one token per role and test
        if key not in _TOKENS:
            _TOKENS[key] = env.token(role, SCOPES.get(role))
        headers |= _TOKENS[key]
    return headers


def url(spec: RouteSpec) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS.get(m.group(1), "X-1"), spec.path)


def send(client: Any, env: Any, spec: RouteSpec, raw: bytes) -> Any:
    call = getattr(client.http, spec.method.lower())
    return call(url(spec), headers=headers_for(env, spec), body=raw)


def check(resp: Any, what: str) -> None:
    assert resp.status_code < 500, f"{what}: {resp.status_code} {resp.body[:300]!r}"
    if resp.status_code >= 400:
        error = json.loads(resp.body)["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str), what


@pytest.fixture
def city(fleet: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from chalicelib.core.root import reset

    monkeypatch.setenv("EMS_VIDEO_PROVIDER", "local")  # moto has no Kinesis Video signaling
    monkeypatch.setenv("EMS_MQTT_PUBLISH", "mqtt://127.0.0.1:1883")
    root.reset()
    reset()
    _TOKENS.clear()  # each test has its own signing key
    assign("AMB01", INCIDENT)
    yield fleet
    reset()


def test_every_route_refuses_hostile_bodies_without_a_5xx(city: Any, client: Any) -> None:
    started, sent = time.perf_counter(), 0
    routes = body_routes()
    assert len(routes) >= 30, [r.path for r in routes]
    for spec in routes:
        body = baseline(spec)
        plain = send(client, city, spec, json.dumps(body).encode())
        check(plain, f"{spec.method} {spec.path} baseline")
        for raw_body in WHOLE_BODIES:
            check(send(client, city, spec, raw_body), f"{spec.method} {spec.path} whole body {raw_body[:20]!r}")
            sent += 1
        for path in field_paths(spec, body):
            for raw in HOSTILE:
                check(
                    send(client, city, spec, with_raw(body, path, raw)), f"{spec.method} {spec.path} {path}={raw[:40]}"
                )
                sent += 1
    elapsed = time.perf_counter() - started
    print(f"{sent} hostile requests in {elapsed:.1f} s")


def test_the_listed_findings_are_refused_with_the_field_named(city: Any, client: Any) -> None:
    crew = {**city.token("crew", "unit:AMB01"), "Content-Type": "application/json"}
    desk = {**city.token("dispatcher"), "Content-Type": "application/json"}
    hospital = {**city.token("hospital", "hospital:HOS01"), "Content-Type": "application/json"}

    def fields(resp: Any) -> set[str]:
        assert resp.status_code == 422, resp.body
        return {d["field"] for d in resp.json_body["error"]["details"]}

    times = "/v1/units/AMB01/times"
    for at in ("0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z", "9999-01-01T00:00:00Z"):
        body = {"incident_id": INCIDENT, "node": "eTimes.05", "at": at}
        assert fields(client.http.post(times, headers=crew, body=json.dumps(body))) == {"at"}
    timeline = client.http.get(f"/v1/incidents/{INCIDENT}/timeline", headers=desk)
    assert "-63931905189" not in timeline.body.decode()

    for phone in (13800000000, [None], "139SECRET5678"):
        resp = client.http.post("/v1/incidents", headers=desk, body=json.dumps({"phone": phone}))
        assert fields(resp) == {"phone"} and "SECRET" not in resp.body.decode()
        resp = client.http.post("/v1/calls", headers={"Content-Type": "application/json"},
                                body=json.dumps({"phone": phone}))  # fmt: skip
        assert "phone" in fields(resp)

    aed = client.http.post("/v1/aeds", headers=desk, body='{"name_zh": "大厅", "lat": 1e-200, "lon": 117.65}')
    assert aed.status_code == 201 and aed.json_body["lat"] == 0.0

    assess = f"/v1/incidents/{INCIDENT}/assessments"
    assert fields(client.http.post(assess, headers=crew, body='{"vitals": {"hr": true, "sbp": true}}')) == {
        "vitals.hr",
        "vitals.sbp",
    }
    late = {"findings": {"be_fast": True, "last_known_well": "9999-01-01T00:00:00+08:00"}}
    assert fields(client.http.post(assess, headers=crew, body=json.dumps(late))) == {"findings.last_known_well"}

    capacity = {"ed_beds": True, "icu_beds": 1, "ct_available": True}
    resp = client.http.put("/v1/hospitals/HOS01/capacity", headers=hospital, body=json.dumps(capacity))
    assert fields(resp) == {"ed_beds"}

    deep = b'{"vitals": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    resp = client.http.post(assess, headers=crew, body=deep)
    assert resp.status_code == 400 and resp.json_body["error"]["code"] == "too_deep"
    resp = client.http.post(assess, headers=crew, body=b'{"note": "' + b"x" * (257 * 1024) + b'"}')
    assert resp.status_code == 413 and resp.json_body["error"]["code"] == "payload_too_large"

    bundle = resident_bundle()
    bundle["entry"][0]["resource"]["resourceType"] = []
    resp = client.http.post("/v1/archive/bundles", headers={**city.token("admin"), "Content-Type": "application/json"},
                            body=json.dumps(bundle))  # fmt: skip
    assert resp.status_code == 422 and resp.json_body["error"]["code"] == "unsupported_resource"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.integers(min_value=0, max_value=200), values=st.lists(_json, min_size=1, max_size=3), data=st.data())
def test_random_json_in_random_fields_never_makes_a_5xx(
    city: Any, client: Any, route: int, values: list[Any], data: Any
) -> None:
    routes = body_routes()
    spec = routes[route % len(routes)]
    body = json.loads(json.dumps(baseline(spec)))
    for value in values:
        path = data.draw(st.sampled_from(field_paths(spec, body)))
        parent = body if len(path) == 1 else body.get(path[0])
        if isinstance(parent, dict):
            parent[path[-1]] = value
    raw = json.dumps(body, allow_nan=True)  # NaN and Infinity as the literals some clients send
    check(send(client, city, spec, raw.encode()), f"{spec.method} {spec.path} {raw[:200]}")


QUERY_HOSTILE = [
    *("1e-200", "1e400", "nan", "inf", "-0", "1" + "0" * 40, "true", "", "x" * 5000, "%00", "\u202e\U0001f691"),
    *("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-01-01T00:00:00"),
]


def test_hostile_query_strings_never_make_a_5xx(city: Any, client: Any) -> None:
    from urllib.parse import urlencode

    routes = [r for r in ROUTES if r.query is not None]
    assert routes
    for spec in routes:
        assert spec.query is not None
        names = [f.alias or n for n, f in spec.query.model_fields.items()]
        for name in names:
            for value in QUERY_HOSTILE:
                others = {n: "1" for n in names if n != name}
                path = f"{url(spec)}?{urlencode({**others, name: value})}"
                resp = getattr(client.http, spec.method.lower())(path, headers=headers_for(city, spec))
                check(resp, f"{spec.method} {path[:120]}")


def test_hostile_path_parameters_never_make_a_5xx(city: Any, client: Any) -> None:
    """An id longer than a DynamoDB key (2048 bytes), or made of controls and emoji, is at most a 404."""
    from urllib.parse import quote

    for spec in [r for r in ROUTES if "{" in r.path and r.path.startswith("/v1/")]:  # /q/: the call page, HTML
        for value in ("x" * 3000, "\u202e\U0001f691\u0000", "a%2Fb", " "):
            path = re.sub(r"\{(\w+)\}", lambda m, v=value: quote(v, safe=""), spec.path)  # type: ignore[misc]
            body = b"{}" if spec.body else None
            resp = getattr(client.http, spec.method.lower())(path, headers=headers_for(city, spec), body=body)
            check(resp, f"{spec.method} {spec.path} with {value[:12]!r}")

"""The OpenAPI document as a contract, checked by schemathesis against the running devstack.

For every role (and no token at all), every operation is called with requests generated from its
schema, with real ids of the demo city in its path where it names one, and each answer must be
no server error, a documented status, a body matching the schema of that status (error codes
included: `error.code` is an enum per status), and of the documented content type.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import Devstack, scaled, start_devstack

# About 1500 requests, 2-3 minutes on two busy cores; the stack's start is in the same budget.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(scaled(480))]

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
# Examples per operation: for a role the operation admits (valid, then invalid requests), and for one it
# refuses (a 401/403 is all it can say).
ADMITTED, INVALID, REFUSED = 3, 2, 1
UNIT, HOSPITAL, VOLUNTEER, COUNTY = "AMB01", "HOS01", "VOL00001", "350602"
ROLES: dict[str, tuple[str, str | None] | None] = {
    "none": None,
    "caller": ("caller", None),
    "dispatcher-city": ("dispatcher", None),
    "dispatcher-county": ("dispatcher", f"county:{COUNTY}"),
    "crew": ("crew", f"unit:{UNIT}"),
    "hospital": ("hospital", f"hospital:{HOSPITAL}"),
    "volunteer": ("volunteer", f"volunteer:{VOLUNTEER}"),
    "admin": ("admin", None),
}


@dataclass
class Finding:
    role: str
    operation: str
    kind: str
    request: str
    status: int
    body: str


@dataclass
class Tally:
    calls: Counter[str] = field(default_factory=Counter)
    statuses: Counter[tuple[str, int, str]] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Devstack]:
    stack = start_devstack(
        tmp_path_factory.mktemp("contract"), "--addresses", "50", "--volunteers", "20", canary_interval=600
    )
    yield stack
    stack.stop()


def _ids(stack: Devstack) -> dict[str, str]:
    """Real path parameter values: the demo city's, and a call (with its incident) made for the run."""
    city = json.loads(stack.cli("fixtures", "--addresses", "50"))
    admin = stack.token("admin")
    code = city["addresses"][0]["code"]
    qr = requests.post(f"{stack.api}/addresses/{code}/qr", headers=admin, timeout=30).json()
    call = requests.post(
        f"{stack.api}/calls", json={"qr_token": qr["token"], "symptoms": ["chest_pain"]}, timeout=30
    ).json()
    return {
        "code": code,
        "token": qr["token"],
        "kid": qr.get("kid", "k1"),
        "call_id": call["call_id"],
        "caller_token": call["caller_token"],
        "incident_id": call["incident_id"],
        "unit_id": UNIT,
        "hospital_id": HOSPITAL,
        "aed_id": city["aeds"][0]["id"],
        "volunteer_id": VOLUNTEER,
    }


def _code(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


def _run_operation(
    op: Any, role: str, base: str, auth: dict[str, str], ids: dict[str, str], examples: int, mode: GenerationMode,
    tally: Tally,
) -> None:  # fmt: skip
    names = [p.name for p in op.path_parameters]
    real = {n: ids[n] for n in names if n in ids}
    strategy = op.as_strategy(mode)
    if real:
        strategy = st.one_of(op.as_strategy(mode, path_parameters=real), strategy)
    label = f"{op.method.upper()} {op.path}"

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def probe(case: Any) -> None:
        headers = dict(auth)
        if op.definition.raw.get("security") == [{"callerToken": []}] and role == "caller":
            headers = {"Authorization": f"Bearer {ids['caller_token']}"}
        response = case.call(base_url=base, headers=headers, timeout=30)
        tally.calls[role] += 1
        tally.statuses[(role, response.status_code, _code(response))] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as failure:  # one failed check, or a group of them
            kinds = {type(f).__name__ for f in getattr(failure, "exceptions", [failure])}
            tally.findings.append(
                Finding(
                    role,
                    label,
                    ",".join(sorted(kinds)),
                    f"{response.request.method} {response.request.url} body={str(response.request.body)[:300]}",
                    response.status_code,
                    response.text[:300],
                )
            )

    try:
        probe()
    except Unsatisfiable:
        # Nothing to make invalid: path parameters are any string, and there is no body or query.
        assert mode is GenerationMode.NEGATIVE, label


def test_every_role_gets_only_documented_answers(stack: Devstack) -> None:
    started = time.monotonic()
    ids = _ids(stack)
    headers = {role: stack.token(*grant) if grant else {} for role, grant in ROLES.items()}
    doc = requests.get(f"{stack.api}/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(doc)
    base = stack.api.removesuffix("/v1")
    tally = Tally()
    for role, grant in ROLES.items():
        for result in schema.get_all_operations():
            op = result.ok()
            roles = op.definition.raw.get("x-roles")
            if roles is None or (grant is not None and grant[0] in roles):
                _run_operation(op, role, base, headers[role], ids, ADMITTED, GenerationMode.POSITIVE, tally)
                _run_operation(op, role, base, headers[role], ids, INVALID, GenerationMode.NEGATIVE, tally)
            else:
                _run_operation(op, role, base, headers[role], ids, REFUSED, GenerationMode.POSITIVE, tally)
    summary = Counter((f.role, f.kind) for f in tally.findings)
    report = "\n".join(
        [f"{sum(tally.calls.values())} calls in {time.monotonic() - started:.0f} s: {dict(tally.calls)}"]
        + [f"{role} {status} {code}: {n}" for (role, status, code), n in sorted(tally.statuses.items())]
        + [f"{role}: {kind} x{n}" for (role, kind), n in sorted(summary.items())]
        + [f"{f.role} {f.operation} [{f.kind}] {f.request} -> {f.status} {f.body}" for f in tally.findings[:60]]
    )
    Path(stack.state_dir / "contract-report.txt").write_text(report, encoding="utf-8")
    print(report)
    assert not tally.findings, report

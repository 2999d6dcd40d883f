"""Scan to unit assigned: end-to-end latency on the devstack (HTTP call, the workflow's real ASL
in moto, the crew's MQTT message) and the AWS round trips of the dispatch step, with a
one-GetItem baseline in the same run.

End to end: each QR call goes to `POST /v1/calls` over HTTP; the clock stops when the
assignment for that incident arrives on `ems/units/+/dispatch`, which is what the crew's
terminal sees. The incident is then cancelled, so the unit is free for the next call and
the fleet never runs out. Doors are spread over every county, at least 200 m apart, so no
call is linked to another as a duplicate.

Round trips: the Register and Dispatch handlers run in-process on fresh incidents (stored
through the intake logic, with a starter that starts no workflow), with a botocore
`before-send` hook on every client in the process. MQTT publishes are counted apart: in AWS
they go to the IoT data plane, in the devstack to the local broker.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from local_stack import local_stack
from report import pct, write_section  # bench/ is on the path when run as a script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SPACING_M = 200.0  # well beyond the 50 m duplicate-linking radius
WAIT_S = 30.0
POLL_S = 0.02

INTRO = (
    "A QR scan from `POST /v1/calls` until the crew's terminal receives its assignment on\n"
    "`ems/units/{unit_id}/dispatch`: intake stores the incident and starts the workflow; the workflow's Register\n"
    "step marks it started; its Dispatch step reads the incident, searches free units near it, stores the ranking,\n"
    "claims the best unit in one TransactWriteItems, publishes the crew message, marks the crew notified and sends\n"
    "the co-response event. Round trips are counted per incident on the Dispatch step; the baseline is one GetItem\n"
    "in the same run."
)


@dataclass
class Door:
    code: str
    county: str
    lat: float
    lon: float
    text: str


def spread_doors(count: int) -> list[Door]:
    """Active doors taken round-robin over the counties, each at least SPACING_M from the others."""
    from chalicelib.addresses.dal import AddressRecord
    from chalicelib.addresses.schemas import AddressStatus
    from chalicelib.core.geo import distance_m
    from chalicelib.core.tables import bound

    by_county: dict[str, list[Door]] = defaultdict(list)
    for r in bound(AddressRecord).scan():
        if r.status == AddressStatus.ACTIVE.value:
            by_county[r.county].append(Door(r.address_code, r.county, float(r.lat), float(r.lon), r.text_zh))
    pools = [sorted(v, key=lambda d: d.code) for _, v in sorted(by_county.items())]
    chosen: list[Door] = []
    while len(chosen) < count and any(pools):
        for pool in pools:
            while pool:
                d = pool.pop(0)
                if all(distance_m(d.lat, d.lon, c.lat, c.lon) >= SPACING_M for c in chosen):
                    chosen.append(d)
                    break
            if len(chosen) == count:
                break
    if len(chosen) < count:
        raise SystemExit(f"only {len(chosen)} doors {SPACING_M:.0f} m apart in the seed; ask for fewer calls")
    return chosen


def qr_token(door: Door) -> str:
    from chalicelib.qr.schemas import QrClaims
    from chalicelib.qr.tokens import sign
    from chalicelib.qr.wiring import get_key_ring

    ring = get_key_ring()
    claims = QrClaims(
        address_code=door.code,
        county=door.county,
        lat=door.lat,
        lon=door.lon,
        text_zh=door.text,
        kid=ring.current_kid,
        issued_at=int(time.time()) - 60,
    )
    return sign(claims, ring)


class CrewTerminals:
    """Every unit's dispatch topic at QoS 1, as the onboard terminals subscribe: arrival times."""

    def __init__(self, port: int) -> None:
        from devstack.config import HOST
        from devstack.mqtt_client import MqttSubscriber

        self.arrived: dict[str, tuple[float, str]] = {}
        self._cond = threading.Condition()
        self._sub = MqttSubscriber(
            host=HOST, port=port, client_id="bench-crews", topic_filter="ems/units/+/dispatch", on_message=self._on
        )
        self._sub.connect()

    def _on(self, topic: str, payload: bytes) -> None:
        at = time.perf_counter()  # first thing: the crew has it now
        msg = json.loads(payload)
        if msg.get("type") != "assignment":
            return
        with self._cond:
            self.arrived.setdefault(msg["incident_id"], (at, topic.split("/")[2]))
            self._cond.notify_all()

    def wait(self, incident_id: str, timeout_s: float) -> tuple[float, str]:
        with self._cond:
            if not self._cond.wait_for(lambda: incident_id in self.arrived, timeout_s):
                raise TimeoutError(f"no crew assignment for {incident_id} within {timeout_s:.0f} s")
            return self.arrived[incident_id]

    def close(self) -> None:
        self._sub.close()


@dataclass
class Api:
    base: str
    desk: dict[str, str]
    session: requests.Session = field(default_factory=requests.Session)

    def call(self, token: str) -> str:
        resp = self.session.post(f"{self.base}/calls", json={"qr_token": token, "symptoms": ["chest_pain"]}, timeout=10)
        resp.raise_for_status()
        body = resp.json()
        assert not body["linked"], body  # a linked call would measure nothing
        return str(body["incident_id"])

    def assignment(self, incident_id: str) -> dict[str, Any] | None:
        resp = self.session.get(f"{self.base}/incidents/{incident_id}", headers=self.desk, timeout=10)
        resp.raise_for_status()
        a = resp.json()["dispatch"]["assignment"]
        return a if a and a["crew_notified"] else None

    def cancel(self, incident_id: str) -> str | None:
        url = f"{self.base}/incidents/{incident_id}/cancel"
        resp = self.session.post(url, json={"reason": "benchmark"}, headers=self.desk, timeout=10)
        resp.raise_for_status()
        return resp.json()["freed_unit_id"]  # type: ignore[no-any-return]


@dataclass
class EndToEnd:
    crew: list[float]  # call sent -> assignment message at the crew's terminal
    visible: list[float]  # call sent -> crew_notified on GET /v1/incidents/{id}
    intake: list[float]  # call sent -> 201 (incident stored, workflow started)
    first: tuple[float, float]  # the stack's first call (intake, crew): imports and caches, kept apart
    urban: list[bool]  # the city districts' search plan is shorter than the rural counties'
    units: Counter[str]
    counties: int


def one_call(api: Api, crews: CrewTerminals, door: Door) -> tuple[float, float, float, str]:
    """(intake, crew, visible) seconds for one call, and the unit the crew drives."""
    token = qr_token(door)  # signing is the doorplate's job, not the call's
    t0 = time.perf_counter()
    incident_id = api.call(token)
    intake = time.perf_counter() - t0
    arrived, unit_id = crews.wait(incident_id, WAIT_S)
    deadline = time.monotonic() + WAIT_S
    while (a := api.assignment(incident_id)) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{incident_id}: crew_notified never shown")
        time.sleep(POLL_S)
    visible = time.perf_counter() - t0
    assert a["unit_id"] == unit_id and a["assigned_by"] == "auto", a
    assert api.cancel(incident_id) == unit_id  # free again for the next call
    return intake, arrived - t0, visible, unit_id


def end_to_end(api: Api, crews: CrewTerminals, doors: list[Door]) -> EndToEnd:
    from chalicelib.dispatch.tiles import URBAN

    first = one_call(api, crews, doors[0])
    out = EndToEnd([], [], [], (first[0], first[1]), [], Counter(), len({d.county for d in doors[1:]}))
    for door in doors[1:]:
        intake, crew, visible, unit_id = one_call(api, crews, door)
        out.intake.append(intake)
        out.crew.append(crew)
        out.visible.append(visible)
        out.units[unit_id] += 1
        out.urban.append(door.county in URBAN)
    return out


class RoundTrips:
    """`before-send` on every botocore client in the process, counting the caller's thread only:
    the API, the scheduler and the workflow's handlers run on other threads of this process."""

    def __init__(self) -> None:
        self.ops: Counter[str] = Counter()
        self.publishes: Counter[str] = Counter()
        self.thread = threading.get_ident()
        self.clients = self._clients()
        for c in self.clients:
            c.meta.events.register("before-send", self._count)

    @staticmethod
    def _clients() -> list[Any]:
        from botocore.client import BaseClient

        return [o for o in gc.get_objects() if isinstance(o, BaseClient)]

    def _count(self, event_name: str, **_: Any) -> None:
        if threading.get_ident() == self.thread:
            self.ops[event_name.split(".", 2)[-1]] += 1

    def check_complete(self) -> None:
        # A client built after the hook was registered would have gone uncounted.
        late = {id(c) for c in self._clients()} - {id(c) for c in self.clients}
        assert not late, f"{len(late)} botocore clients were created after hooking: counts incomplete"

    @contextmanager
    def publishes_counted(self) -> Iterator[None]:
        from chalicelib.core.publisher import get_publisher, use_publisher

        inner, outer = get_publisher(), self

        class Counting:
            def publish(self, topic: str, payload: dict[str, object], qos: int = 1) -> None:
                if threading.get_ident() == outer.thread:
                    outer.publishes["/".join(p if i != 2 else "+" for i, p in enumerate(topic.split("/")))] += 1
                inner.publish(topic, payload, qos)

        use_publisher(Counting())  # type: ignore[arg-type]
        try:
            yield
        finally:
            use_publisher(inner)

    def take(self) -> tuple[Counter[str], Counter[str]]:
        ops, pubs = self.ops.copy(), self.publishes.copy()
        self.ops.clear()
        self.publishes.clear()
        return ops, pubs


@dataclass
class InProcess:
    register: list[Counter[str]]
    dispatch: list[Counter[str]]
    publishes: list[Counter[str]]
    handler_ms: list[float]
    search_ms: list[float]
    baseline_ms: list[float]
    outcomes: Counter[str]
    plan_tiles: list[int] = field(default_factory=list)  # tiles the search may read, per incident
    counties: int = 0


@contextmanager
def timed_search(into: list[float]) -> Iterator[None]:
    """The handler's own search, with its wall time recorded: what share the candidate queries take."""
    from chalicelib.dispatch import wiring

    original = wiring.get_search

    def get_search() -> Callable[..., Any]:
        search = original()

        def timed(*args: Any) -> Any:
            t = time.perf_counter()
            try:
                return search(*args)
            finally:
                into.append((time.perf_counter() - t) * 1000)

        return timed

    wiring.get_search = get_search  # type: ignore[assignment]
    try:
        yield
    finally:
        wiring.get_search = original


def in_process(api: Api, doors: list[Door]) -> InProcess:
    from chalicelib.core.clock import utcnow
    from chalicelib.core.tables import bound
    from chalicelib.core.workflows import WorkflowStarter
    from chalicelib.dispatch.entities import Point
    from chalicelib.dispatch.routes import dispatch_incident as entry

    dispatch_incident = entry.domain_function
    from chalicelib.dispatch.tiles import disk, plan_for
    from chalicelib.incidents import logic, service
    from chalicelib.incidents.dal import IncidentRecord
    from chalicelib.incidents.routes import incident_registered as registered
    from chalicelib.incidents.wiring import get_incident_store

    class NoWorkflow(WorkflowStarter):
        """Stores the incident without starting its execution: the handlers are driven by hand."""

        def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
            return f"arn:aws-cn:states:::execution:{machine}:{name}"

    def fresh(door: Door) -> str:
        loc = service.qr_location(qr_token(door))
        incident, _ = logic.take_call(
            store=get_incident_store(),
            starter=NoWorkflow(),
            loc=loc,
            channel="qr",
            now=utcnow(),
        )
        return incident.incident_id

    # Warm-up on the first door: every client and cache the handlers use exists before hooking.
    warm = fresh(doors[0])
    registered.domain_function({"incident_id": warm, "execution": "bench"})
    dispatch_incident({"incident_id": warm})
    api.cancel(warm)

    trips = RoundTrips()
    out = InProcess([], [], [], [], [], [], Counter(), counties=len({d.county for d in doors[1:]}))
    with trips.publishes_counted(), timed_search(out.search_ms):
        for door in doors[1:]:
            incident_id = fresh(door)
            point = Point(door.lat, door.lon)
            out.plan_tiles.append(sum(len(disk(point, res, k)) for res, k in plan_for(point, door.county)))
            trips.take()  # intake's own round trips are in the intake section
            registered.domain_function({"incident_id": incident_id, "execution": "bench"})
            out.register.append(trips.take()[0])
            t = time.perf_counter()
            bound(IncidentRecord).get(incident_id, consistent_read=True)
            out.baseline_ms.append((time.perf_counter() - t) * 1000)
            trips.take()
            t = time.perf_counter()
            result = dispatch_incident({"incident_id": incident_id})
            out.handler_ms.append((time.perf_counter() - t) * 1000)
            ops, pubs = trips.take()
            out.dispatch.append(ops)
            out.publishes.append(pubs)
            out.outcomes[result["outcome"]] += 1
            api.cancel(incident_id)
    trips.check_complete()
    return out


def per_op(samples: list[Counter[str]]) -> list[tuple[str, float, int, int]]:
    ops = sorted({op for s in samples for op in s})
    return [
        (op, statistics.median(s[op] for s in samples), min(s[op] for s in samples), max(s[op] for s in samples))
        for op in ops
    ]


def free_per_county() -> int:
    """The most free ALS units any county has (every call here needs ALS)."""
    from chalicelib.core.tables import bound
    from chalicelib.fleet.dal import UnitRecord
    from chalicelib.fleet.entities import UnitStatus, UnitType

    units = bound(UnitRecord).scan()
    free = Counter(u.county for u in units if u.status == UnitStatus.AVAILABLE.value and u.type == UnitType.ALS.value)
    return max(free.values())


def split(ms: list[float], urban: list[bool]) -> list[str]:
    rows = []
    for label, want in (("city districts", True), ("rural counties", False)):
        part = [x for x, u in zip(ms, urban, strict=True) if u is want]
        if part:
            rows.append(
                f"| ... of which {len(part)} calls in the {label} | {statistics.median(part):.0f} | "
                f"{pct(part, 99):.0f} | {max(part):.0f} |"
            )
    return rows


def report(e2e: EndToEnd, ip: InProcess, moto: str, free_als: int) -> str:
    from chalicelib.core.config import settings_of
    from chalicelib.dispatch.settings import DispatchSettings

    n, m = len(e2e.crew), len(ip.dispatch)
    ms = [x * 1000 for x in e2e.crew]
    vis = [x * 1000 for x in e2e.visible]
    taken = [x * 1000 for x in e2e.intake]
    base = statistics.median(ip.baseline_ms)
    handler = statistics.median(ip.handler_ms)
    search = statistics.median(ip.search_ms)
    totals = [sum(s.values()) for s in ip.dispatch]
    queries = [s["Query"] for s in ip.dispatch]
    register = per_op(ip.register)
    want = settings_of(DispatchSettings).dispatch_candidates
    lines = [
        f"{n} QR calls over HTTP to doors in {e2e.counties} counties, one at a time, each cancelled once its crew "
        f"had the job ({len(e2e.units)} distinct units assigned). The devstack runs moto and the Step Functions "
        "interpreter in this one process on loopback, so absolute times are not AWS latencies; the round-trip "
        "count is what carries over.",
        "",
        "| scan to ... | p50 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: |",
        f"| incident stored (`POST /v1/calls` answered) | {statistics.median(taken):.0f} | {pct(taken, 99):.0f} | "
        f"{max(taken):.0f} |",
        f"| **unit assigned, crew's MQTT message received** | **{statistics.median(ms):.0f}** | **{pct(ms, 99):.0f}** "
        f"| **{max(ms):.0f}** |",
        *split(ms, e2e.urban),
        f"| `crew_notified` on `GET /v1/incidents/{{id}}` (polled every {POLL_S * 1000:.0f} ms) | "
        f"{statistics.median(vis):.0f} | {pct(vis, 99):.0f} | {max(vis):.0f} |",
        "",
        f"Not in the table: the stack's first call ({e2e.first[0] * 1000:.0f} ms to stored, "
        f"{e2e.first[1] * 1000:.0f} ms to the crew), which pays the first imports and caches of each step.",
        "",
        f"AWS round trips of the Dispatch step, in-process on {m} fresh incidents in {ip.counties} counties ("
        f"outcomes: {', '.join(f'{k} {v}' for k, v in sorted(ip.outcomes.items()))}):",
        "",
        "| operation | per incident p50 | min | max |",
        "| --- | ---: | ---: | ---: |",
        *(f"| {op} | {p50:g} | {lo} | {hi} |" for op, p50, lo, hi in per_op(ip.dispatch)),
        f"| **total** | **{statistics.median(totals):g}** | {min(totals)} | {max(totals)} |",
        *(
            f"| MQTT publish `{t}` (IoT data plane in AWS) | {p50:g} | {lo} | {hi} |"
            for t, p50, lo, hi in per_op(ip.publishes)
        ),
        "",
        f"The county-level candidate search is one Query on the sparse `available-by-county` index (p50 "
        f"{statistics.median(queries):g} Query, up to {max(queries)}). A tile search on `available-by-cell` "
        f"restricted to the county would read {min(ip.plan_tiles)} to {max(ip.plan_tiles)} tiles for these "
        f"incidents: it stops only once {want} free units are proven nearest, and no county of the seed has more "
        f"than {free_als} free ALS units, so it would read its whole plan. Tiles remain the city-wide search.",
        "The Register step before it: "
        + ", ".join(f"{op} {p50:g}" for op, p50, _, _ in register)
        + "; intake before that: see the call intake section.",
        "",
        "| measure | p50 ms | p99 ms | ratio to baseline p50 |",
        "| --- | ---: | ---: | ---: |",
        f"| baseline: one DynamoDB GetItem | {base:.1f} | {pct(ip.baseline_ms, 99):.1f} | 1.00x |",
        f"| Dispatch handler (search, claim, notify) | {handler:.1f} | {pct(ip.handler_ms, 99):.1f} | "
        f"{handler / base:.2f}x |",
        f"| of which the candidate search | {search:.1f} | {pct(ip.search_ms, 99):.1f} | {search / base:.2f}x |",
        f"| scan to crew's MQTT message (end to end) | {statistics.median(ms):.1f} | {pct(ms, 99):.1f} | "
        f"{statistics.median(ms) / base:.2f}x |",
        "",
        f"moto {moto}, {_cpus()} CPUs, Python {platform.python_version()}.",
    ]
    return "\n".join(lines)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run(calls: int, samples: int) -> str:
    from importlib.metadata import version

    from devstack import tokens

    with local_stack() as cfg:
        api = Api(f"{cfg.api_url}/v1", {"Authorization": "Bearer " + tokens.issue(cfg.state_dir, "dispatcher")})
        crews = CrewTerminals(cfg.mqtt_port)
        try:
            # Samples first: round-robin order gives the warm-up and then one door per county.
            doors = spread_doors(samples + 1 + calls + 1)
            free_als = free_per_county()
            e2e = end_to_end(api, crews, doors[samples + 1 :])  # one more: the first call is a warm-up
            ip = in_process(api, doors[: samples + 1])
            return report(e2e, ip, version("moto"), free_als)
        finally:
            crews.close()


def write(section: str) -> None:
    write_section("dispatch", "Scan to unit assigned (`bench/dispatch.py`)", section, intro=INTRO)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--calls", type=int, default=30, help="end-to-end calls over HTTP")
    parser.add_argument("--samples", type=int, default=11, help="in-process dispatches counted (one per county)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    result = run(args.calls, args.samples)
    print(result)
    if not args.no_write:
        write(result)

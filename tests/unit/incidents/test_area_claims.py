"""Area claims of call intake: every point within the linking radius shares a claim, and a claim
held by an incident known to be another emergency costs a new call nothing."""

from __future__ import annotations

import math
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.geo import distance_m
from chalicelib.incidents import logic
from chalicelib.incidents.entities import Call, Incident
from tests.unit.incidents.fakes_incidents import FakeStarter, MemoryIncidents
from tests.unit.incidents.test_incident_logic import T0, call, loc


def _moved(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    return (
        lat + metres * math.cos(bearing) / 111_195,
        lon + metres * math.sin(bearing) / (111_195 * math.cos(math.radians(lat))),
    )


@given(
    st.floats(24.40, 24.60),
    st.floats(117.55, 117.75),
    st.floats(0, 2 * math.pi),
    st.floats(0, logic.DEDUPE_RADIUS_M),
)
def test_a_point_within_the_radius_has_its_own_claim_among_the_others_claims(
    lat: float, lon: float, bearing: float, metres: float
) -> None:
    other = _moved(lat, lon, bearing, metres)
    assert distance_m(lat, lon, *other) <= logic.DEDUPE_RADIUS_M + 0.5
    assert logic.own_claim(loc(None, *other)) in logic.area_claims(loc(None, lat, lon))
    assert logic.own_claim(loc(None, lat, lon)) in logic.area_claims(loc(None, *other))


class CountingStore(MemoryIncidents):
    creates: int = 0

    def create(self, incident: Incident, call: Call, claims: list[str], until, **kw):  # type: ignore[no-untyped-def,override]
        self.creates += 1
        super().create(incident, call, claims, until, **kw)


def test_a_call_beside_another_emergency_opens_its_own_incident_in_one_write() -> None:
    # Given an open incident 80 m away, in a neighbouring claim cell, seconds ago
    store, starter = CountingStore(), FakeStarter()
    first, _ = call(store, starter, loc("A1"))
    lat, lon = _moved(24.5109, 117.6536, math.pi / 2, 80)
    where = loc("B2", lat, lon)
    assert logic.own_claim(loc("A1")) in logic.area_claims(where)[1:]  # its claim is one this call checks

    # When a call comes from there
    second, new_call = call(store, starter, where, at=T0 + timedelta(seconds=5))

    # Then it opens its own incident, with one write: the Query showed the other one is not its emergency
    assert second.incident_id != first.incident_id and not new_call.linked
    assert store.creates == 2


def test_a_call_whose_neighbour_the_index_has_not_shown_yet_joins_it_through_the_claim() -> None:
    # Given an incident 30 m away that the county index does not show yet
    store, starter = CountingStore(), FakeStarter()
    first, _ = call(store, starter, loc("A1"))
    store.open_incidents = lambda county, since: []  # type: ignore[method-assign]
    lat, lon = _moved(24.5109, 117.6536, math.pi / 3, 30)

    # When a call comes from there
    joined, second = call(store, starter, loc("C3", lat, lon), at=T0 + timedelta(seconds=1))

    # Then its claim collides with the first one's and it joins that incident, kept as a linked call
    assert joined.incident_id == first.incident_id and second.linked
    assert {c.call_id for c in store.calls_of(first.incident_id)} >= {second.call_id}

"""The unit status machine: examples an ambulance crew would recognise, then properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.fleet.entities import UnitStatus as S
from chalicelib.fleet.logic import Actor, IllegalTransition, TimeNode, allowed, at_patient, transition

PEOPLE = [Actor.CREW, Actor.DISPATCHER, Actor.ADMIN]


def test_given_a_full_transport_then_each_move_records_its_node() -> None:
    path = [S.ASSIGNED, S.EN_ROUTE, S.ON_SCENE, S.TRANSPORTING, S.AT_HOSPITAL, S.AVAILABLE]
    nodes = [transition(S.AVAILABLE, S.ASSIGNED, Actor.DISPATCH).nodes]
    nodes += [transition(a, b, Actor.CREW).nodes for a, b in itertools.pairwise(path)]
    assert [n for ns in nodes for n in ns] == [
        TimeNode.UNIT_NOTIFIED,
        TimeNode.EN_ROUTE,
        TimeNode.ON_SCENE,
        TimeNode.LEFT_SCENE,
        TimeNode.AT_DESTINATION,
        TimeNode.BACK_IN_SERVICE,
    ]


def test_given_no_transport_then_on_scene_to_available_leaves_scene_and_returns() -> None:
    step = transition(S.ON_SCENE, S.AVAILABLE, Actor.CREW)
    assert step.nodes == (TimeNode.LEFT_SCENE, TimeNode.BACK_IN_SERVICE) and step.frees_unit


@pytest.mark.parametrize("current", [S.ASSIGNED, S.EN_ROUTE])
def test_given_a_unit_on_its_way_then_only_a_cancel_frees_it(current: S) -> None:
    for actor in PEOPLE:
        with pytest.raises(IllegalTransition):
            transition(current, S.AVAILABLE, actor)
    assert transition(current, S.AVAILABLE, Actor.DISPATCH, cancel=True).nodes == (
        TimeNode.CANCELLED,
        TimeNode.BACK_IN_SERVICE,
    )


def test_given_an_illegal_move_then_the_error_says_current_and_allowed() -> None:
    with pytest.raises(IllegalTransition) as err:
        transition(S.EN_ROUTE, S.AT_HOSPITAL, Actor.CREW)
    assert err.value.status == 409 and err.value.code == "illegal_transition"
    assert err.value.details == {"current": "EN_ROUTE", "allowed": ["ON_SCENE", "OUT_OF_SERVICE"]}


def test_out_of_service_is_for_crew_and_admin_not_dispatchers() -> None:
    assert transition(S.TRANSPORTING, S.OUT_OF_SERVICE, Actor.CREW).changed
    assert transition(S.OUT_OF_SERVICE, S.AVAILABLE, Actor.ADMIN).frees_unit
    with pytest.raises(IllegalTransition):
        transition(S.AVAILABLE, S.OUT_OF_SERVICE, Actor.DISPATCHER)
    with pytest.raises(IllegalTransition):
        transition(S.OUT_OF_SERVICE, S.AVAILABLE, Actor.DISPATCHER)


def test_at_patient_is_an_event_on_scene_or_with_arrival() -> None:
    assert at_patient(S.ON_SCENE, None).nodes == (TimeNode.AT_PATIENT,)
    assert not at_patient(S.ON_SCENE, S.ON_SCENE).changed
    assert at_patient(S.EN_ROUTE, S.ON_SCENE).nodes == (TimeNode.ON_SCENE, TimeNode.AT_PATIENT)
    with pytest.raises(IllegalTransition):
        at_patient(S.TRANSPORTING, None)


def test_a_repeated_report_is_not_a_change() -> None:
    step = transition(S.EN_ROUTE, S.EN_ROUTE, Actor.CREW)
    assert not step.changed and step.nodes == ()


requests = st.tuples(
    st.sampled_from(list(S)),
    st.sampled_from(list(Actor)),
    st.booleans(),  # cancel
    st.booleans(),  # at-patient event
)


@given(st.lists(requests, max_size=60))
def test_random_requests_never_reach_an_illegal_state(seq: list[tuple[S, Actor, bool, bool]]) -> None:
    """Given any sequence of requests, then every accepted one is a legal move, nodes of one
    incident come in eTimes order, and a crew never claims a unit."""
    status, version, incident_nodes = S.AVAILABLE, 1, list[TimeNode]()
    for target, actor, cancel, event in seq:
        try:
            step = at_patient(status, target) if event else transition(status, target, actor, cancel=cancel)
        except IllegalTransition as err:
            assert err.details["current"] == status.value
            assert target.value not in err.details["allowed"] or event
            continue
        if step.changed:
            legal = target in allowed(status, actor) or (cancel and actor is Actor.DISPATCH) or event
            assert legal and step.status is target
            assert not (target is S.ASSIGNED and actor is not Actor.DISPATCH)
            version += 1
        incident_nodes += step.nodes
        # Chronological within one incident; a cancellation (.14) and the return to service (.13)
        # happen at the same instant, so the cancellation is left out of the order check.
        ordered = [n for n in incident_nodes if n is not TimeNode.CANCELLED]
        assert ordered == sorted(ordered)
        status = step.status
        if status in (S.AVAILABLE, S.OUT_OF_SERVICE):
            incident_nodes = []
    assert status in set(S) and version >= 1

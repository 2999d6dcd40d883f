"""The unit status machine: which moves are legal, for whom, and which NEMSIS eTimes
nodes each move records. Pure: no I/O, no clock.

`ASSIGNED` is the issue's "dispatched": only the dispatch claim enters it. Leaving
ASSIGNED or EN_ROUTE for AVAILABLE is a cancellation (the incident's cancel), never a
crew's shortcut, so a unit cannot silently drop an incident on its way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.core.errors import Conflict
from chalicelib.fleet.entities import TimeNode
from chalicelib.fleet.entities import UnitStatus as S


class Actor(StrEnum):
    CREW = "crew"
    DISPATCHER = "dispatcher"
    ADMIN = "admin"
    DISPATCH = "dispatch"  # the automatic claim and the incident's cancel, not a person
    GEOFENCE = "geofence"  # an arrival seen in the unit's own position stream


_PEOPLE = frozenset({Actor.CREW, Actor.DISPATCHER, Actor.ADMIN})
# Arrivals are also detected from the position stream; the crew confirms or corrects the time.
_ARRIVALS = _PEOPLE | {Actor.GEOFENCE}
# A dispatcher may relay a crew's radio report, but taking a vehicle off the road is the crew's call.
_OFF_ROAD = frozenset({Actor.CREW, Actor.ADMIN})

# (from, to) -> (who may, nodes recorded)
_MOVES: dict[tuple[S, S], tuple[frozenset[Actor], tuple[TimeNode, ...]]] = {
    (S.AVAILABLE, S.ASSIGNED): (frozenset({Actor.DISPATCH}), (TimeNode.UNIT_NOTIFIED,)),
    (S.ASSIGNED, S.EN_ROUTE): (_PEOPLE, (TimeNode.EN_ROUTE,)),
    (S.EN_ROUTE, S.ON_SCENE): (_ARRIVALS, (TimeNode.ON_SCENE,)),
    (S.ON_SCENE, S.TRANSPORTING): (_PEOPLE, (TimeNode.LEFT_SCENE,)),
    (S.TRANSPORTING, S.AT_HOSPITAL): (_ARRIVALS, (TimeNode.AT_DESTINATION,)),
    (S.AT_HOSPITAL, S.AVAILABLE): (_PEOPLE, (TimeNode.BACK_IN_SERVICE,)),
    # Treated and released, or declined transport: the unit leaves the scene empty.
    (S.ON_SCENE, S.AVAILABLE): (_PEOPLE, (TimeNode.LEFT_SCENE, TimeNode.BACK_IN_SERVICE)),
    (S.OUT_OF_SERVICE, S.AVAILABLE): (_OFF_ROAD, ()),
}
_CANCELLABLE = frozenset({S.ASSIGNED, S.EN_ROUTE})
_CANCEL_NODES = (TimeNode.CANCELLED, TimeNode.BACK_IN_SERVICE)


class IllegalTransition(Conflict):
    code = "illegal_transition"


@dataclass(frozen=True)
class Step:
    """The outcome of a legal request: the new status and the nodes to stamp."""

    status: S
    nodes: tuple[TimeNode, ...]
    changed: bool
    destination: tuple[str, str] | None = None  # (hospital id, name): where a transporting unit goes

    @property
    def frees_unit(self) -> bool:
        return self.changed and self.status is S.AVAILABLE


def allowed(current: S, actor: Actor) -> list[S]:
    """Statuses `actor` may move a unit to from `current` (without cancelling)."""
    out = [to for (frm, to), (who, _) in _MOVES.items() if frm is current and actor in who]
    if current is not S.OUT_OF_SERVICE and actor in _OFF_ROAD:
        out.append(S.OUT_OF_SERVICE)
    return sorted(out)


def transition(current: S, target: S, actor: Actor, *, cancel: bool = False) -> Step:
    """The step from `current` to `target`, or IllegalTransition (409) with what is allowed."""
    if target is current:
        # A crew app retrying over a patchy network repeats its last report: not an error.
        return Step(current, (), False)
    if cancel and actor is Actor.DISPATCH and current in _CANCELLABLE and target is S.AVAILABLE:
        return Step(target, _CANCEL_NODES, True)
    if target is S.OUT_OF_SERVICE and current is not S.OUT_OF_SERVICE and actor in _OFF_ROAD:
        return Step(target, (), True)
    move = _MOVES.get((current, target))
    if move is not None and actor in move[0]:
        return Step(target, move[1], True)
    raise _illegal(current, target, actor)


def at_patient(current: S, target: S | None) -> Step:
    """The at-patient event (eTimes.07): recorded on scene, or on arrival together with it."""
    if current is S.ON_SCENE and target in (None, S.ON_SCENE):
        return Step(current, (TimeNode.AT_PATIENT,), False)
    if current is S.EN_ROUTE and target is S.ON_SCENE:
        return Step(target, (TimeNode.ON_SCENE, TimeNode.AT_PATIENT), True)
    raise _illegal(current, target or current, Actor.CREW, event="at_patient")


def _illegal(current: S, target: S, actor: Actor, event: str | None = None) -> IllegalTransition:
    what = f"event {event}" if event else f"{current.value} -> {target.value}"
    return IllegalTransition(
        f"{what} is not allowed for {actor.value}",
        details={"current": current.value, "allowed": [s.value for s in allowed(current, actor)]},
    )

"""Alert records as each reader may see them."""

from __future__ import annotations

from chalicelib.volunteers import notify
from chalicelib.volunteers.alerts_dal import AlertRecord, RoundRecord
from chalicelib.volunteers.models import AlertKind, AlertStatus, PlaceKind, ResponderNode
from chalicelib.volunteers.schemas import AedBrief, AlertView, Place, ResponderView

_SHOWS_PLACE = (AlertStatus.ACCEPTED, AlertStatus.DONE)


def nodes(a: AlertRecord) -> dict[ResponderNode, object]:
    return {n: at for n in ResponderNode if (at := getattr(a, f"{n.value}_at")) is not None}


def aed(rnd: RoundRecord, bring: bool) -> AedBrief | None:
    return AedBrief(**rnd.aed, bring=bring) if rnd.aed else None


def alert(a: AlertRecord, rnd: RoundRecord) -> AlertView:
    """The volunteer's view: the exact place and the address once they accept, before that a point
    rounded to ~100 m (enough to judge the distance, not enough to find a door)."""
    status = AlertStatus(a.status)
    exact = status in _SHOWS_PLACE
    place = (
        Place(lat=rnd.lat, lon=rnd.lon, address=rnd.address, exact=True)
        if exact
        else Place(lat=round(rnd.lat, 3), lon=round(rnd.lon, 3), exact=False)
    )
    return AlertView(
        alert_id=notify.alert_id(a.incident_id, a.volunteer_id),
        kind=AlertKind(a.kind),
        status=status,
        place_kind=PlaceKind(rnd.place),
        place=place,
        distance_m=int(a.distance_m),
        offered_at=a.offered_at,
        answer_by=a.answer_by,
        aed=aed(rnd, a.bring_aed),
        nodes=nodes(a),
        reason=a.reason,
    )


def responder(a: AlertRecord, name: str | None = None, phone: str | None = None) -> ResponderView:
    return ResponderView(
        volunteer_id=a.volunteer_id,
        kind=AlertKind(a.kind),
        status=AlertStatus(a.status),
        rank=int(a.rank),
        distance_m=int(a.distance_m),
        offered_at=a.offered_at,
        answered_at=a.answered_at,
        bring_aed=a.bring_aed,
        nodes=nodes(a),
        name=name,
        phone=phone,
    )

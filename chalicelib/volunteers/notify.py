"""What volunteers and the dispatch desk are told, over MQTT.

A volunteer's message is a nudge (`ems/volunteers/{id}/alerts`): the kind and the alert id, no place
and no incident detail, so a notification shown on a locked screen says nothing; the app fetches the
alert over the API, where the volunteer's sign-in is checked. Publishing never fails the round.
"""

from __future__ import annotations

from typing import Any

from chalicelib.aeds.api import Aed
from chalicelib.core.observability import count, logger

SCHEMA = 1


def alert_id(incident_id: str, volunteer_id: str) -> str:
    return f"{incident_id}~{volunteer_id}"


def parse_alert_id(value: str) -> tuple[str, str] | None:
    incident_id, sep, volunteer_id = value.partition("~")
    return (incident_id, volunteer_id) if sep and incident_id and volunteer_id else None


def aed_json(aed: Aed, distance: float) -> dict[str, Any]:
    return {
        "aed_id": aed.aed_id, "name_zh": aed.name_zh, "name_en": aed.name_en, "indoor": aed.indoor,
        "lat": aed.lat, "lon": aed.lon, "distance_m": round(distance),
    }  # fmt: skip


def to_volunteer(volunteer_id: str, kind: str, incident_id: str, reason: str | None = None) -> None:
    payload = {"schema": SCHEMA, "type": kind, "alert_id": alert_id(incident_id, volunteer_id), "reason": reason}
    _publish(f"ems/volunteers/{volunteer_id}/alerts", payload)


def to_desk(rnd: Any, kind: str, n: int = 0, volunteer_id: str | None = None) -> None:
    """The county desk sees the volunteers' progress beside the ambulance's."""
    payload = {
        "schema": SCHEMA, "type": kind, "incident_id": rnd.incident_id, "county": rnd.county, "count": n,
        "volunteer_id": volunteer_id,
    }  # fmt: skip
    _publish(f"ems/dispatch/{rnd.county}/alerts", payload)


def _publish(topic: str, payload: dict[str, Any]) -> None:
    from chalicelib.core.publisher import get_publisher

    try:
        get_publisher().publish(topic, payload)
    except Exception:
        count("VolunteerNotifyFailed")
        logger().warning("volunteer notification failed", extra={"kind": payload["type"]})

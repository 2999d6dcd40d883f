"""The co-response ports' implementations: PynamoDB positions, the incident facts through the incidents
domain's api, and the county dispatch desk's map over MQTT (all imported on first use)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.core.tables import bound
from chalicelib.coresponse.dal import ResponderPositionRecord as R
from chalicelib.coresponse.entities import IncidentFacts, ResponderPosition, Saved
from chalicelib.coresponse.ports import Desk, IncidentFactsReader, PositionStore


class DynamoIncidentFacts(IncidentFactsReader):
    def get(self, incident_id: str) -> IncidentFacts | None:
        from chalicelib.incidents import api as incidents

        # Only what decides sharing: the incident's calls, place and patient stay unread.
        r = incidents.look_up(incident_id, "symptoms", consistent=True)
        if r is None:
            return None
        return IncidentFacts(r.incident_id, r.county, r.status, tuple(sorted(r.symptoms or ())))


def _optional(attribute: object, value: float | None) -> Action:
    return attribute.set(value) if value is not None else attribute.remove()  # type: ignore[attr-defined, no-any-return]


class DynamoPositionStore(PositionStore):
    def save(self, position: ResponderPosition, remove_at: datetime) -> Saved:
        p = position
        record = bound(R)(p.incident_id, p.responder_id)
        actions: list[Action] = [
            R.agency.set(p.agency),
            R.callsign.set(p.callsign),
            R.lat.set(p.lat),
            R.lon.set(p.lon),
            _optional(R.accuracy_m, p.accuracy_m),
            _optional(R.heading, p.heading),
            _optional(R.speed, p.speed),
            R.at.set(p.at),
            R.received_at.set(p.received_at),
            R.started_at.set(R.started_at | p.received_at),  # kept from the first fix
            R.remove_at.set(remove_at),
        ]
        try:
            # One conditional write: a late fix never replaces a newer one.
            record.update(actions=actions, condition=R.at.does_not_exist() | (R.at < p.at))
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return Saved.STALE
            raise
        return Saved.STARTED if record.started_at == p.received_at else Saved.UPDATED

    def of_incident(self, incident_id: str) -> list[ResponderPosition]:
        return [_position(r) for r in bound(R).query(incident_id)]

    def forget(self, incident_id: str) -> int:
        rows = list(bound(R).query(incident_id, attributes_to_get=["incident_id", "responder_id"]))
        with bound(R).batch_write() as batch:
            for r in rows:
                batch.delete(r)
        return len(rows)


def _number(value: float | None) -> float | None:
    return float(value) if value is not None else None


def _position(r: R) -> ResponderPosition:
    return ResponderPosition(
        incident_id=r.incident_id, responder_id=r.responder_id, agency=r.agency, callsign=r.callsign,
        lat=float(r.lat), lon=float(r.lon), at=r.at, received_at=r.received_at,
        accuracy_m=_number(r.accuracy_m), heading=_number(r.heading), speed=_number(r.speed),
        started_at=r.started_at,
    )  # fmt: skip


def desk_topic(county: str) -> str:
    return f"ems/dispatch/{county}/responders"


class MqttDesk(Desk):
    def position(self, county: str, message: dict[str, object]) -> None:
        from chalicelib.core.publisher import get_publisher

        # QoS 0: the next fix (seconds later) supersedes a lost one, and a desk that was offline
        # wants the map now, not a backlog of where teams were; GET .../responders fills it in.
        # The publisher is looked up per call: the local stack installs its own after start-up.
        get_publisher().publish(desk_topic(county), message, qos=0)

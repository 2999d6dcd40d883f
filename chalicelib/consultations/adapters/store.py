"""The sessions on the `consultations` table (PynamoDB)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.consultations.dal import ConsultationRecord
from chalicelib.consultations.entities import Consultation, Participants
from chalicelib.consultations.ports import ConsultationStore
from chalicelib.core.optimistic import rewrite
from chalicelib.core.tables import bound


class DynamoConsultationStore(ConsultationStore):
    def add(self, consultation: Consultation) -> None:
        c = consultation
        bound(ConsultationRecord)(
            c.consultation_id, incident_id=c.incident_id, hospital_id=c.hospital_id, specialties=c.specialties,
            question=c.question, requested_by=c.requested_by, requested_at=c.requested_at, status=c.status,
            room=c.room, participants=c.participants, access_basis=c.access_basis,
        ).save(condition=ConsultationRecord.consultation_id.does_not_exist())  # fmt: skip

    def get(self, consultation_id: str) -> Consultation | None:
        try:
            return _entity(bound(ConsultationRecord).get(consultation_id, consistent_read=True))
        except DoesNotExist:
            return None

    def of_incident(self, incident_id: str) -> list[Consultation]:
        return [_entity(r) for r in bound(ConsultationRecord).by_incident.query(incident_id)]

    def change_participants(
        self, consultation: Consultation, change: Callable[[Participants], Participants]
    ) -> Consultation:
        # Conditional on the participants as last read; the update answers with the whole item.
        record = bound(ConsultationRecord)(consultation.consultation_id, participants=consultation.participants)
        rewrite(record, ConsultationRecord.participants, change)
        return _entity(record)

    def close(
        self, consultation: Consultation, outcome: str, at: datetime, by: str, participants: Participants
    ) -> Consultation | None:
        r = ConsultationRecord
        record = bound(r)(consultation.consultation_id)
        actions: list[Action] = [r.status.set("closed"), r.outcome.set(outcome), r.closed_at.set(at),
                                 r.closed_by.set(by), r.participants.set(participants)]  # fmt: skip
        try:
            record.update(actions=actions, condition=r.status == "open")
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return _entity(record)

    def incident_of(self, consultation_id: str) -> str | None:
        try:
            return str(bound(ConsultationRecord).get(consultation_id, attributes_to_get=["incident_id"]).incident_id)
        except DoesNotExist:
            return None


def _entity(r: ConsultationRecord) -> Consultation:
    return Consultation(
        consultation_id=r.consultation_id, incident_id=r.incident_id, hospital_id=r.hospital_id,
        specialties=list(r.specialties or []), question=r.question, requested_by=r.requested_by,
        requested_at=r.requested_at, status=r.status, room=dict(r.room or {}), participants=list(r.participants or []),
        outcome=r.outcome, closed_at=r.closed_at, closed_by=r.closed_by, access_basis=r.access_basis,
    )  # fmt: skip

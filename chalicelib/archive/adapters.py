"""The archive store on DynamoDB (PynamoDB)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.archive.bundle import Person
from chalicelib.archive.dal import HealthRecord
from chalicelib.archive.ports import ArchiveStore, Lookup
from chalicelib.archive.schemas import HealthSummary
from chalicelib.core.tables import bound


class DynamoArchiveStore(ArchiveStore):
    def save(self, person: Person, by: str, at: datetime) -> None:
        table = bound(HealthRecord)
        old = self._get(person.person_key)
        if old is not None and old.phone_key and old.phone_key != person.phone_key:
            table(old.phone_key).update(actions=[HealthRecord.persons.delete({person.person_key})])
        table(
            person.person_key, kind="person", phone_key=person.phone_key, imported_at=at, imported_by=by,
            summary=person.summary.model_dump(mode="json"),
        ).save()  # fmt: skip
        if person.phone_key:
            table(person.phone_key).update(
                actions=[HealthRecord.kind.set("alias"), HealthRecord.persons.add({person.person_key})]
            )

    def find(self, key: str) -> Lookup:
        item = self._get(key)
        if item is not None and item.kind == "alias":
            persons = sorted(item.persons or ())
            if len(persons) > 1:
                return Lookup(ambiguous=True)
            item = self._get(persons[0]) if persons else None
        if item is None or item.summary is None:
            return Lookup()
        return Lookup(person_key=item.person_key, summary=HealthSummary.model_validate(item.summary))

    def link(self, incident_id: str, person_key: str, at: datetime) -> bool:
        from chalicelib.incidents import api as incidents

        return incidents.link_patient(incident_id, person_key, at)

    @staticmethod
    def _get(key: str) -> HealthRecord | None:
        try:
            return bound(HealthRecord).get(key)
        except DoesNotExist:
            return None

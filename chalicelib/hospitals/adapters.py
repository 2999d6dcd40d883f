"""The hospitals' ports over DynamoDB (the registry cached per container, capacity read fresh) and
over the other domains an incident's options start from. Imported on first use."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from chalicelib.core.tables import bound
from chalicelib.hospitals import registry
from chalicelib.hospitals.dal import HospitalRecord
from chalicelib.hospitals.entities import Capacity, Hospital, OptionsInput
from chalicelib.hospitals.ports import HospitalStore, OptionSources


class DynamoHospitalStore(HospitalStore):
    def hospitals(self) -> list[Hospital]:
        return registry.hospitals()

    def find(self, hospital_id: str) -> Hospital | None:
        return registry.find(hospital_id)

    def capacity(self, hospital_ids: Iterable[str]) -> dict[str, Capacity]:
        return registry.capacity(hospital_ids)

    def report_capacity(self, hospital_id: str, capacity: Capacity) -> bool:
        from pynamodb.exceptions import UpdateError
        from pynamodb.expressions.update import Action

        r, c = HospitalRecord, capacity
        actions: list[Action] = [
            r.ed_beds.set(c.ed_beds), r.icu_beds.set(c.icu_beds), r.ct_available.set(c.ct_available),
            r.cath_lab.set(c.cath_lab) if c.cath_lab else r.cath_lab.remove(),
            r.capacity_at.set(c.at), r.capacity_by.set(c.by),
        ]  # fmt: skip
        try:
            bound(HospitalRecord)(hospital_id).update(actions=actions, condition=HospitalRecord.hospital_id.exists())
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def name(self, hospital_id: str) -> str | None:
        return registry.name(hospital_id)

    def location(self, hospital_id: str) -> tuple[float, float] | None:
        return registry.location(hospital_id)


class LiveOptionSources(OptionSources):
    def incident(self, incident_id: str) -> OptionsInput | None:
        from chalicelib.incidents.api import look_up

        wanted = ("location", "unit_id", "triage_level", "pathway", "required_capabilities")
        found = look_up(incident_id, *wanted)
        if found is None:
            return None
        return OptionsInput(
            incident_id=found.incident_id, location=found.location or None, unit_id=found.unit_id,
            triage_level=found.triage_level, pathway=found.pathway,
            required_capabilities=sorted(found.required_capabilities),
        )  # fmt: skip

    def unit_position(self, unit_id: str) -> tuple[float, float] | None:
        from chalicelib.fleet.api import unit

        state = unit(unit_id)
        return (state.unit.lat, state.unit.lon) if state is not None else None

    def travel_s(self, lat: float, lon: float, hospital: Hospital, at: datetime) -> float:
        from chalicelib.dispatch.api import travel_s

        return travel_s(lat, lon, hospital.lat, hospital.lon, at)

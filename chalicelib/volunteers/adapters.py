"""The PynamoDB stores of volunteers, alert rounds and alerts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.core.geo import nearest_first
from chalicelib.core.tables import bound
from chalicelib.volunteers.dal import (
    AlertRecord,
    OnDutyByCellIndex,
    RoundRecord,
    VolunteerRecord,
    duty_actions,
    to_volunteer,
    volunteer_record,
)
from chalicelib.volunteers.entities import (
    Alert,
    AlertRound,
    AlertStatus,
    Candidate,
    ResponderNode,
    Volunteer,
    VolunteerTier,
)
from chalicelib.volunteers.ports import AlertStore, VolunteerStore


def _lost_race(exc: PutError | UpdateError) -> bool:
    """A condition that no longer held (someone else wrote first); anything else is raised."""
    if exc.cause_response_code == "ConditionalCheckFailedException":
        return True
    raise exc


def _candidate(r: VolunteerRecord) -> Candidate:
    return Candidate(
        volunteer_id=r.volunteer_id,
        tier=VolunteerTier(r.tier),
        cert_expiry=date.fromisoformat(r.cert_expiry),
        lat=float(r.lat or 0.0),
        lon=float(r.lon or 0.0),
        located_at=r.located_at,
        engaged=r.engaged_incident,
        engaged_at=r.engaged_at,
    )


class DynamoVolunteerStore(VolunteerStore):
    def add(self, volunteer: Volunteer) -> bool:
        record = volunteer_record(volunteer)
        try:
            bound(VolunteerRecord)(**record.attribute_values).save(
                condition=VolunteerRecord.volunteer_id.does_not_exist()
            )
        except PutError as exc:
            return not _lost_race(exc)
        return True

    def get(self, volunteer_id: str) -> Volunteer | None:
        try:
            return to_volunteer(bound(VolunteerRecord).get(volunteer_id, consistent_read=True))
        except DoesNotExist:
            return None

    def exists(self, volunteer_id: str) -> bool:
        try:
            bound(VolunteerRecord).get(volunteer_id, attributes_to_get=["volunteer_id"])
        except DoesNotExist:
            return False
        return True

    def set_duty(
        self,
        volunteer_id: str,
        on_duty: bool,
        lat: float | None,
        lon: float | None,
        at: datetime,
        *,
        on_duty_only: bool,
    ) -> bool:
        condition = VolunteerRecord.volunteer_id.exists()
        if on_duty_only:
            condition = condition & (VolunteerRecord.on_duty == True)  # noqa: E712 - a DynamoDB condition
        try:
            actions = duty_actions(on_duty, lat, lon, at)
            bound(VolunteerRecord)(volunteer_id).update(actions=actions, condition=condition)
        except UpdateError as exc:
            return not _lost_race(exc)
        return True

    def candidates(self, volunteer_ids: Iterable[str]) -> list[Candidate]:
        wanted = list(volunteer_ids)
        return [_candidate(v) for v in bound(VolunteerRecord).batch_get(wanted)] if wanted else []

    def contacts(self, volunteer_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        wanted = set(volunteer_ids)
        return {v.volunteer_id: (v.name, v.phone) for v in bound(VolunteerRecord).batch_get(wanted)} if wanted else {}

    def near(
        self, lat: float, lon: float, radius_m: float, wanted: int, keep: Callable[[Candidate], bool]
    ) -> list[Candidate]:
        # The index holds no name or phone: an alert fan-out reads who is near without personal data.
        model = bound(VolunteerRecord)
        return nearest_first(
            lat, lon, radius_m, wanted,
            lambda coarse, lo, hi: [
                _candidate(r) for r in model.on_duty_by_cell.query(coarse, OnDutyByCellIndex.cell_fine.between(lo, hi))
            ],
            lambda c: (c.lat, c.lon) if keep(c) else None,
        )  # fmt: skip

    def engage(self, volunteer_id: str, incident_id: str, now: datetime, stale_before: datetime) -> bool:
        free = (
            VolunteerRecord.engaged_incident.does_not_exist()
            | (VolunteerRecord.engaged_incident == incident_id)
            | (VolunteerRecord.engaged_at < stale_before)
        )
        try:
            bound(VolunteerRecord)(volunteer_id).update(
                actions=[VolunteerRecord.engaged_incident.set(incident_id), VolunteerRecord.engaged_at.set(now)],
                condition=VolunteerRecord.volunteer_id.exists() & free,
            )
        except UpdateError as exc:
            return not _lost_race(exc)
        return True

    def release(self, volunteer_id: str, incident_id: str) -> None:
        try:
            bound(VolunteerRecord)(volunteer_id).update(
                actions=[VolunteerRecord.engaged_incident.remove(), VolunteerRecord.engaged_at.remove()],
                condition=VolunteerRecord.engaged_incident == incident_id,
            )
        except UpdateError as exc:
            _lost_race(exc)


def _round(r: RoundRecord) -> AlertRound:
    return AlertRound(
        incident_id=r.incident_id, county=r.county, lat=float(r.lat), lon=float(r.lon), address=r.address,
        place=r.place, radius_m=float(r.radius_m), started_at=r.started_at, aed=r.aed, generation=int(r.generation),
        unsafe=bool(r.unsafe), unsafe_note=r.unsafe_note, ended_at=r.ended_at, ended_reason=r.ended_reason,
    )  # fmt: skip


_ALERT_FIELDS = tuple(Alert.__dataclass_fields__)


def _alert(r: AlertRecord) -> Alert:
    values = {f: getattr(r, f) for f in _ALERT_FIELDS}
    return Alert(**{**values, "rank": int(r.rank), "distance_m": float(r.distance_m)})


class DynamoAlertStore(AlertStore):
    def round(self, incident_id: str) -> AlertRound | None:
        try:
            return _round(bound(RoundRecord).get(incident_id, consistent_read=True))
        except DoesNotExist:
            return None

    def rounds(self, incident_ids: Iterable[str]) -> dict[str, AlertRound]:
        wanted = set(incident_ids)
        return {r.incident_id: _round(r) for r in bound(RoundRecord).batch_get(wanted)} if wanted else {}

    def create_round(self, rnd: AlertRound) -> bool:
        fields = {k: v for k, v in vars(rnd).items() if k != "incident_id" and v is not None}
        try:
            bound(RoundRecord)(rnd.incident_id, **fields).save(condition=RoundRecord.incident_id.does_not_exist())
        except PutError as exc:
            return not _lost_race(exc)
        return True

    def end_round(self, incident_id: str, reason: str, at: datetime) -> None:
        try:
            bound(RoundRecord)(incident_id).update(
                actions=[RoundRecord.ended_at.set(at), RoundRecord.ended_reason.set(reason)],
                condition=RoundRecord.ended_at.does_not_exist(),
            )
        except UpdateError as exc:
            _lost_race(exc)

    def set_unsafe(self, incident_id: str, note: str) -> None:
        actions: list[Action] = [RoundRecord.unsafe.set(True), RoundRecord.unsafe_note.set(note)]
        bound(RoundRecord)(incident_id).update(actions=actions)

    def resume(self, incident_id: str, at: datetime, generation: int) -> None:
        bound(RoundRecord)(incident_id).update(actions=[
            RoundRecord.unsafe.set(False), RoundRecord.ended_at.remove(), RoundRecord.ended_reason.remove(),
            RoundRecord.started_at.set(at), RoundRecord.generation.set(generation),
        ])  # fmt: skip

    def alerts(self, incident_id: str, *, limit: int | None = None) -> list[Alert]:
        if limit is not None:
            return [_alert(a) for a in bound(AlertRecord).query(incident_id, limit=limit)]
        return [_alert(a) for a in bound(AlertRecord).query(incident_id, consistent_read=True)]

    def alert(self, incident_id: str, volunteer_id: str) -> Alert | None:
        try:
            return _alert(bound(AlertRecord).get(incident_id, volunteer_id, consistent_read=True))
        except DoesNotExist:
            return None

    def of_volunteer(self, volunteer_id: str, limit: int) -> list[Alert]:
        found = bound(AlertRecord).by_volunteer.query(volunteer_id, scan_index_forward=False, limit=limit)
        return [_alert(a) for a in found]

    def offer(self, alert: Alert) -> bool:
        fields = {k: v for k, v in vars(alert).items() if k not in ("incident_id", "volunteer_id") and v is not None}
        try:
            bound(AlertRecord)(alert.incident_id, alert.volunteer_id, **fields).save(
                condition=AlertRecord.volunteer_id.does_not_exist()
            )
        except PutError as exc:
            return not _lost_race(exc)
        return True

    def move(
        self, incident_id: str, volunteer_id: str, old: AlertStatus, new: AlertStatus, at: datetime, reason: str | None
    ) -> bool:
        actions: list[Action] = [AlertRecord.status.set(new.value)]
        if new in (AlertStatus.ACCEPTED, AlertStatus.DECLINED):
            actions.append(AlertRecord.answered_at.set(at))
        if reason:
            actions.append(AlertRecord.reason.set(reason))
        try:
            record = bound(AlertRecord)(incident_id, volunteer_id)
            record.update(actions=actions, condition=AlertRecord.status == old.value)
        except UpdateError as exc:
            return not _lost_race(exc)
        return True

    def report(self, incident_id: str, volunteer_id: str, node: ResponderNode, at: datetime) -> None:
        attribute = getattr(AlertRecord, f"{node.value}_at")
        # if_not_exists: the first report stands
        bound(AlertRecord)(incident_id, volunteer_id).update(actions=[attribute.set(attribute | at)])

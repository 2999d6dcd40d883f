"""The volunteer registry: an administrator registers a certified first-aider; the volunteer goes on
and off duty and, while on duty, their app reports where they are."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import SecretStr
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.tables import bound
from chalicelib.volunteers.answers import volunteer_of
from chalicelib.volunteers.dal import VolunteerRecord, duty_actions, to_volunteer, volunteer_record
from chalicelib.volunteers.entities import Volunteer
from chalicelib.volunteers.schemas import DutyRequest, LocationUpdate, VolunteerProfile, VolunteerRegistration


def register(who: Principal, body: VolunteerRegistration, now: datetime) -> VolunteerProfile:
    from chalicelib.platform import audit

    volunteer = Volunteer(
        volunteer_id=body.volunteer_id, name=SecretStr(body.name), phone=SecretStr(body.phone), tier=body.tier,
        cert_no=body.cert_no, cert_expiry=body.cert_expiry, on_duty=False, county=body.county,
    )  # fmt: skip
    record = volunteer_record(volunteer)
    try:
        bound(VolunteerRecord)(**record.attribute_values).save(condition=VolunteerRecord.volunteer_id.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict("a volunteer with this id is registered", code="volunteer_exists") from exc
        raise
    audit.record(who, f"volunteer:{body.volunteer_id}", "volunteer.register")
    return profile(volunteer, now.date())


def me(who: Principal, now: datetime) -> VolunteerProfile:
    return profile(to_volunteer(_record(volunteer_of(who))), now.date())


def duty(who: Principal, body: DutyRequest, now: datetime) -> VolunteerProfile:
    return _update(volunteer_of(who), duty_actions(body.on_duty, body.lat, body.lon, now), now)


def locate(who: Principal, body: LocationUpdate, now: datetime) -> VolunteerProfile:
    """A position while on duty (off duty, the app has nothing to report: 409)."""
    vid = volunteer_of(who)
    return _update(vid, duty_actions(True, body.lat, body.lon, now), now, on_duty_only=True)


def _update(vid: str, actions: list[Action], now: datetime, *, on_duty_only: bool = False) -> VolunteerProfile:
    condition = VolunteerRecord.volunteer_id.exists()
    if on_duty_only:
        condition = condition & (VolunteerRecord.on_duty == True)  # noqa: E712 - a DynamoDB condition
    try:
        bound(VolunteerRecord)(vid).update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        _record(vid)  # 404 when unregistered
        raise Conflict("go on duty first", code="not_on_duty") from exc
    return profile(to_volunteer(_record(vid)), now.date())


def is_registered(vid: str) -> bool:
    try:
        bound(VolunteerRecord).get(vid, attributes_to_get=["volunteer_id"])
    except DoesNotExist:
        return False
    return True


def _record(vid: str) -> VolunteerRecord:
    try:
        return bound(VolunteerRecord).get(vid, consistent_read=True)
    except DoesNotExist:
        raise NotFound("no such volunteer", code="volunteer_not_found") from None


def profile(v: Volunteer, today: date) -> VolunteerProfile:
    return VolunteerProfile(
        volunteer_id=v.volunteer_id, name=v.name.get_secret_value(), phone=v.phone.get_secret_value(), tier=v.tier,
        cert_no=v.cert_no, cert_expiry=v.cert_expiry, certified=v.cert_expiry >= today, on_duty=v.on_duty,
        located_at=v.located_at,
    )  # fmt: skip

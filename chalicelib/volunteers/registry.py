"""The volunteer registry: an administrator registers a certified first-aider; the volunteer goes on
and off duty and, while on duty, their app reports where they are."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import SecretStr

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.volunteers import wiring
from chalicelib.volunteers.answers import volunteer_of
from chalicelib.volunteers.entities import Volunteer
from chalicelib.volunteers.schemas import DutyRequest, LocationUpdate, VolunteerProfile, VolunteerRegistration


def register(who: Principal, body: VolunteerRegistration, now: datetime) -> VolunteerProfile:
    from chalicelib.platform import audit

    volunteer = Volunteer(
        volunteer_id=body.volunteer_id, name=SecretStr(body.name), phone=SecretStr(body.phone), tier=body.tier,
        cert_no=body.cert_no, cert_expiry=body.cert_expiry, on_duty=False, county=body.county,
    )  # fmt: skip
    if not wiring.get_volunteers().add(volunteer):
        raise Conflict("a volunteer with this id is registered", code="volunteer_exists")
    audit.record(who, f"volunteer:{body.volunteer_id}", "volunteer.register")
    return profile(volunteer, now.date())


def me(who: Principal, now: datetime) -> VolunteerProfile:
    return profile(_volunteer(volunteer_of(who)), now.date())


def duty(who: Principal, body: DutyRequest, now: datetime) -> VolunteerProfile:
    return _update(volunteer_of(who), body.on_duty, body.lat, body.lon, now)


def locate(who: Principal, body: LocationUpdate, now: datetime) -> VolunteerProfile:
    """A position while on duty (off duty, the app has nothing to report: 409)."""
    return _update(volunteer_of(who), True, body.lat, body.lon, now, on_duty_only=True)


def _update(
    vid: str, on_duty: bool, lat: float | None, lon: float | None, now: datetime, *, on_duty_only: bool = False
) -> VolunteerProfile:
    if not wiring.get_volunteers().set_duty(vid, on_duty, lat, lon, now, on_duty_only=on_duty_only):
        _volunteer(vid)  # 404 when unregistered
        raise Conflict("go on duty first", code="not_on_duty")
    return profile(_volunteer(vid), now.date())


def is_registered(vid: str) -> bool:
    return wiring.get_volunteers().exists(vid)


def _volunteer(vid: str) -> Volunteer:
    found = wiring.get_volunteers().get(vid)
    if found is None:
        raise NotFound("no such volunteer", code="volunteer_not_found")
    return found


def profile(v: Volunteer, today: date) -> VolunteerProfile:
    return VolunteerProfile(
        volunteer_id=v.volunteer_id, name=v.name.get_secret_value(), phone=v.phone.get_secret_value(), tier=v.tier,
        cert_no=v.cert_no, cert_expiry=v.cert_expiry, certified=v.cert_expiry >= today, on_duty=v.on_duty,
        located_at=v.located_at,
    )  # fmt: skip

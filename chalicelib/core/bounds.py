"""Shared edge types: numbers DynamoDB can store and that are physically possible, times in a sane window.

DynamoDB keeps numbers of at most 38 significant digits with a magnitude between 1e-130 and 1e126; a
float such as 1e-200 fails the write. Coordinates are rounded to 7 decimals (1e-200 is 0); any other
number from a request body is checked by the base model (`chalicelib.core.model`).

A device or crew clock in year 1 or 9999 is a wrong clock, refused at the edge with the field's name;
the finer rules ("at most 2 minutes ahead") stay in the logic, with their own codes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

from chalicelib.core.clock import utcnow

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
# An event reported by a device or a crew: the logic refuses more than a few minutes ahead with its own
# code; a day ahead is beyond any clock drift or time zone mistake.
EVENT_AHEAD = timedelta(days=1)


def _in_window(value: datetime, latest: datetime) -> datetime:
    # Compare the year first: a time near year 1 or 9999 overflows when shifted to UTC.
    if not EARLIEST.year - 1 <= value.year <= LATEST.year:
        raise ValueError(f"must be between {EARLIEST.date()} and {latest.isoformat(timespec='seconds')}")
    utc = value.astimezone(UTC)
    if not EARLIEST <= utc <= latest:
        raise ValueError(f"must be between {EARLIEST.date()} and {latest.isoformat(timespec='seconds')}")
    return value


def _event_time(value: datetime) -> datetime:
    return _in_window(value, min(LATEST, utcnow() + EVENT_AHEAD))


def _moment(value: datetime) -> datetime:
    return _in_window(value, LATEST)


def _birth_date(value: date) -> date:
    if not date(1890, 1, 1) <= value <= utcnow().date() + timedelta(days=1):
        raise ValueError("must be a birth date between 1890-01-01 and today")
    return value


def _calendar_date(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError(f"must be between {EARLIEST.date()} and {LATEST.date()}")
    return value


def _coordinate(value: float) -> float:
    # 7 decimals is about 1 cm: finer is noise, and 1e-200 becomes 0 instead of failing the write.
    return round(value, 7) + 0.0  # + 0.0: no -0.0


#: A time an event happened (device, crew, scanner, bystander): 2000-01-01 .. now + 1 day, with an offset.
EventTime = Annotated[AwareDatetime, AfterValidator(_event_time)]
#: A time used to search or plan (a query range, a deadline): 2000-01-01 .. 2100-01-01, with an offset.
Moment = Annotated[AwareDatetime, AfterValidator(_moment)]
BirthDate = Annotated[date, AfterValidator(_birth_date)]
#: A calendar day such as a certificate's expiry: 2000-01-01 .. 2099-12-31.
CalendarDate = Annotated[date, AfterValidator(_calendar_date)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False), AfterValidator(_coordinate)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False), AfterValidator(_coordinate)]
#: A finite measurement; give its physical range where it is used: `hr: Measure | None = Field(None, ge=0, le=350)`.
#: (No validator of its own: one would hide the range from the JSON schema. The base model refuses the
#: magnitudes DynamoDB cannot store.)
Measure = Annotated[float, Field(allow_inf_nan=False)]

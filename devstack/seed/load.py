"""Write a seed into the registered tables through the PynamoDB models.

Puts overwrite whole items keyed by stable ids, so loading the same seed twice
leaves the same data. One table after another, 25 items per BatchWriteItem: the
moto server runs in-process in the devstack and the tests, where threads only
contend for the GIL (measured: 4 threads were slower than one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from pynamodb.models import Model

from chalicelib.addresses.dal import AddressRecord, address_record
from chalicelib.aeds.adapters import aed_record
from chalicelib.aeds.dal import AedRecord
from chalicelib.core.clock import utcnow
from chalicelib.core.tables import bound, logical_name
from chalicelib.fleet.dal import StationRecord, UnitRecord, station_record, unit_record
from chalicelib.hospitals.dal import HospitalRecord, hospital_record
from chalicelib.volunteers.dal import VolunteerRecord, volunteer_record
from chalicelib.volunteers.entities import Volunteer
from devstack.seed.generate import Seed


def load(seed: Seed) -> dict[str, int]:
    """Load every table; returns the number of items written per logical table name."""
    jobs: list[tuple[type[Model], Callable[[Any], Model], Iterable[Any]]] = [
        (StationRecord, station_record, seed.stations),
        (UnitRecord, unit_record, seed.units),
        (HospitalRecord, hospital_record, seed.hospitals),
        (AedRecord, aed_record, seed.aeds),
        (AddressRecord, address_record, seed.addresses),
        (VolunteerRecord, volunteer_record, [_reported(v, utcnow()) for v in seed.volunteers]),
    ]
    return {logical_name(model): _write(bound(model), map(convert, items)) for model, convert, items in jobs}


def _reported(v: Volunteer, now: datetime) -> Volunteer:
    """An on-duty volunteer's app has just reported their position (the seed has no clock)."""
    return v.model_copy(update={"located_at": now}) if v.on_duty else v


def _write(model: type[Model], records: Iterable[Model]) -> int:
    count = 0
    with model.batch_write() as batch:
        for record in records:
            batch.save(record)
            count += 1
    return count

"""Unit, station and unit-times (eTimes) tables.

Invariant: `avail_cell` holds the unit's coarse cell, and `avail_county` its county,
while, and only while, the unit is AVAILABLE. The `available-by-cell` and
`available-by-county` indexes are therefore sparse: a nearest search reads a few
cells of free units, a county search the county's free units, never busy ones or the
whole fleet. A status write goes through `status_actions` (dispatch's claim and stand-down, the
fleet's parts in `adapters/transactions.py`, set the same pair), a position write through
`position_actions`, conditional on the status it was built for; neither bumps the other's data,
so they never revert each other.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.geo import cells
from chalicelib.core.tables import register
from chalicelib.fleet.entities import Station, Unit, UnitStatus


class AvailableByCellIndex(GlobalSecondaryIndex["UnitRecord"]):
    # All attributes: the dispatcher ranks candidates by position and type without a second read.
    class Meta:
        index_name = "available-by-cell"
        projection = AllProjection()

    avail_cell = UnicodeAttribute(hash_key=True)
    cell_fine = UnicodeAttribute(range_key=True)


class AvailableByCountyIndex(GlobalSecondaryIndex["UnitRecord"]):
    # The county-level search: one Query returns every free unit of the county, whatever its size.
    class Meta:
        index_name = "available-by-county"
        projection = AllProjection()

    avail_county = UnicodeAttribute(hash_key=True)
    unit_id = UnicodeAttribute(range_key=True)


class ByCountyIndex(GlobalSecondaryIndex["UnitRecord"]):
    # The fleet view reads one county with one Query; a city has at most a few thousand units.
    class Meta:
        index_name = "by-county"
        projection = AllProjection()

    county = UnicodeAttribute(hash_key=True)
    unit_id = UnicodeAttribute(range_key=True)


@register
class UnitRecord(Model):
    class Meta:
        table_name = "units"
        billing_mode = "PAY_PER_REQUEST"

    unit_id = UnicodeAttribute(hash_key=True)
    plate = UnicodeAttribute()
    type = UnicodeAttribute()
    station_id = UnicodeAttribute()
    county = UnicodeAttribute()
    status = UnicodeAttribute()
    status_at = UTCDateTimeAttribute(null=True)  # absent until the first change after seeding
    lat = NumberAttribute()
    lon = NumberAttribute()
    position_at = UTCDateTimeAttribute()
    crew = ListAttribute(of=UnicodeAttribute, null=True)
    cell_coarse = UnicodeAttribute()
    cell_fine = UnicodeAttribute()
    avail_cell = UnicodeAttribute(null=True)
    avail_county = UnicodeAttribute(null=True)
    # The current assignment: set by the claim, cleared when the unit is back in service.
    incident_id = UnicodeAttribute(null=True)
    assigned_at = UTCDateTimeAttribute(null=True)
    destination_id = UnicodeAttribute(null=True)
    destination_name = UnicodeAttribute(null=True)
    # The onboard device's newest health report (battery, signal, monitor link), from telemetry.
    device = JSONAttribute(null=True)
    device_at = UTCDateTimeAttribute(null=True)
    # Claims are conditional on the version read, so no unit is ever assigned twice.
    version = VersionAttribute()
    available_by_cell = AvailableByCellIndex()
    available_by_county = AvailableByCountyIndex()
    by_county = ByCountyIndex()


@register
class StationRecord(Model):
    """About twenty stations: read by id, or all of them at once."""

    class Meta:
        table_name = "stations"
        billing_mode = "PAY_PER_REQUEST"

    station_id = UnicodeAttribute(hash_key=True)
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    county = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    cell_coarse = UnicodeAttribute()
    cell_fine = UnicodeAttribute()


def avail_cell(status: UnitStatus, coarse: str) -> str | None:
    return coarse if status is UnitStatus.AVAILABLE else None


def status_actions(status: UnitStatus) -> list[Action]:
    """A status change that keeps the sparse indexes right without touching the position: the cell
    is copied from the stored item, so a position written meanwhile is neither reverted nor missed."""
    free = status is UnitStatus.AVAILABLE
    return [
        UnitRecord.status.set(status.value),
        UnitRecord.avail_cell.set(UnitRecord.cell_coarse) if free else UnitRecord.avail_cell.remove(),
        UnitRecord.avail_county.set(UnitRecord.county) if free else UnitRecord.avail_county.remove(),
    ]


def position_actions(status: UnitStatus, lat: float, lon: float, at: datetime) -> list[Action]:
    """A newer fix for a unit whose stored status is `status` (the write must be conditional on it:
    the available unit's index cell moves with it, a busy unit has none)."""
    coarse, fine = cells(lat, lon)
    actions: list[Action] = [
        UnitRecord.lat.set(lat),
        UnitRecord.lon.set(lon),
        UnitRecord.position_at.set(at),
        UnitRecord.cell_coarse.set(coarse),
        UnitRecord.cell_fine.set(fine),
    ]
    if status is UnitStatus.AVAILABLE:
        actions.append(UnitRecord.avail_cell.set(coarse))
    return actions


def availability_actions(status: UnitStatus, lat: float, lon: float) -> list[Action]:
    """Set status and position together (seeding and repairs; live writes use the two above)."""
    coarse, fine = cells(lat, lon)
    actions: list[Action] = [
        UnitRecord.status.set(status.value),
        UnitRecord.lat.set(lat),
        UnitRecord.lon.set(lon),
        UnitRecord.cell_coarse.set(coarse),
        UnitRecord.cell_fine.set(fine),
    ]
    cell = avail_cell(status, coarse)
    actions.append(UnitRecord.avail_cell.set(cell) if cell else UnitRecord.avail_cell.remove())
    free = status is UnitStatus.AVAILABLE
    actions.append(UnitRecord.avail_county.set(UnitRecord.county) if free else UnitRecord.avail_county.remove())
    return actions


def unit_record(unit: Unit, *, version: int | None = 1) -> UnitRecord:
    """A fresh unit starts at version 1, so the first claim already has a version to match."""
    coarse, fine = cells(unit.lat, unit.lon)
    data = unit.model_dump(exclude={"unit_id", "position_at"}, mode="json")
    return UnitRecord(
        unit.unit_id,
        **data,
        position_at=unit.position_at,
        cell_coarse=coarse,
        cell_fine=fine,
        avail_cell=avail_cell(unit.status, coarse),
        avail_county=unit.county if unit.status is UnitStatus.AVAILABLE else None,
        version=version,
    )


def to_unit(record: UnitRecord) -> Unit:
    values = dict(record.attribute_values)
    if values.get("crew") is None:
        values.pop("crew", None)  # units stored before crews were recorded
    return Unit.model_validate(values)


def station_record(station: Station) -> StationRecord:
    coarse, fine = cells(station.lat, station.lon)
    data = station.model_dump(mode="json")
    return StationRecord(**data, cell_coarse=coarse, cell_fine=fine)


def to_station(record: StationRecord) -> Station:
    return Station.model_validate(record.attribute_values)


# The `unit_times` table: NEMSIS eTimes nodes, one item per node per unit per incident.
#
# Hash `incident_id`, range `"{node}#{unit_id}"`: one Query returns every node of an
# incident, already in the order they happen (eTimes codes sort chronologically; a cancellation,
# .14, shares its instant with the return to service, .13), and
# a second unit on the same incident keeps its own nodes. Nodes are written in the
# same transaction as the unit's status, so the record and the status never disagree.


@register
class UnitTimeRecord(Model):
    class Meta:
        table_name = "unit_times"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    node_unit = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()
    node = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    recorded_at = UTCDateTimeAttribute()
    by = UnicodeAttribute()
    # A crew's confirmation or correction of a recorded time (an automatic arrival, say).
    confirmed_by = UnicodeAttribute(null=True)
    corrected_from = UTCDateTimeAttribute(null=True)


def node_key(node: str, unit_id: str) -> str:
    return f"{node}#{unit_id}"

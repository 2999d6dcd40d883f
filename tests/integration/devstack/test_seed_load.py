"""Loading the seed through the PynamoDB models into moto, then reading it back the way
the runtime will: an address by its code, free units by coarse cell."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from chalicelib import tables as catalog
from chalicelib.addresses.dal import AddressRecord, to_address
from chalicelib.core import root, tables
from chalicelib.core.geo import cells, ring_cells
from chalicelib.fleet.dal import UnitRecord, availability_actions, to_unit
from chalicelib.fleet.entities import UnitStatus
from chalicelib.hospitals.dal import HospitalRecord, to_hospital
from chalicelib.volunteers.dal import VolunteerRecord, to_volunteer
from devstack.seed import Seed, generate, load


def _reset() -> None:
    root.reset()


@pytest.fixture(scope="module")
def seed() -> Seed:
    return generate(addresses=300, volunteers=60)


@pytest.fixture(scope="module")
def loaded(seed: Seed) -> Iterator[dict[str, int]]:
    # Module scope: tables are created and loaded once; the one test that changes a
    # unit checks only that unit, and the reload test puts it back.
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setenv("EMS_TABLE_PREFIX", "ems-seedtest-")
        mp.setenv("AWS_REGION", "cn-northwest-1")
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.delenv("EMS_AWS_ENDPOINT_URL", raising=False)
        _reset()
        try:
            for model in catalog.all_models():
                tables.bound(model).create_table(wait=True, billing_mode="PAY_PER_REQUEST")
            yield load(seed)
        finally:
            _reset()


def test_load_writes_every_item_into_prefixed_tables(loaded: dict[str, int], seed: Seed) -> None:
    assert loaded == {
        "addresses": 300,
        "stations": len(seed.stations),
        "units": 34,
        "hospitals": 17,
        "aeds": 230,
        "volunteers": 60,
    }
    assert AddressRecord.Meta.table_name == "ems-seedtest-addresses"
    assert AddressRecord.count() == 300


def test_address_reads_back_by_code(loaded: dict[str, int], seed: Seed) -> None:
    # Given a doorplate code from the seed, When it is read, Then the same address comes back
    wanted = seed.addresses[123]
    record = AddressRecord.get(wanted.code)
    assert to_address(record) == wanted
    assert (record.cell_coarse, record.cell_fine) == cells(wanted.lat, wanted.lon)


def test_available_units_by_coarse_cell(loaded: dict[str, int], seed: Seed) -> None:
    # Given the city centre, When the free units of its k=1 ring are queried, Then only AVAILABLE ones come
    found = [to_unit(r) for cell in ring_cells(24.5150, 117.6550, 1) for r in UnitRecord.available_by_cell.query(cell)]
    assert found
    assert all(u.status is UnitStatus.AVAILABLE for u in found)
    assert {u.unit_id for u in found} <= {u.unit_id for u in seed.units}
    out_of_service = {u.unit_id for u in seed.units if u.status is UnitStatus.OUT_OF_SERVICE}
    assert out_of_service and not out_of_service & {u.unit_id for u in found}


def test_claimed_unit_leaves_the_available_index(loaded: dict[str, int]) -> None:
    unit = UnitRecord.get("AMB01")
    coarse = unit.cell_coarse
    assert unit.version == 1
    unit.update(actions=availability_actions(UnitStatus.ASSIGNED, unit.lat, unit.lon))
    assert unit.version == 2 and unit.avail_cell is None
    assert "AMB01" not in {r.unit_id for r in UnitRecord.available_by_cell.query(coarse)}


def test_reload_is_idempotent(loaded: dict[str, int], seed: Seed) -> None:
    assert load(seed) == loaded
    assert AddressRecord.count() == 300 and UnitRecord.count() == 34
    assert to_unit(UnitRecord.get("AMB01")) == seed.units[0]


def test_hospital_and_volunteer_round_trip(loaded: dict[str, int], seed: Seed) -> None:
    assert to_hospital(HospitalRecord.get("HOS01")) == seed.hospitals[0]
    volunteer = seed.volunteers[0]
    stored = to_volunteer(VolunteerRecord.get(volunteer.volunteer_id))
    assert stored.model_copy(update={"located_at": None}) == volunteer
    assert (stored.located_at is not None) == volunteer.on_duty  # on duty: reported at the load
    on_duty = [v for v in seed.volunteers if v.on_duty]
    coarse = cells(on_duty[0].lat, on_duty[0].lon).coarse
    hits = list(VolunteerRecord.on_duty_by_cell.query(coarse))
    assert on_duty[0].volunteer_id in {h.volunteer_id for h in hits}
    assert all(h.phone is None for h in hits)  # the index does not project personal data

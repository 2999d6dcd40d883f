"""`python -m admin import-addresses` against moto: CSV and GeoJSON, a crash and a resume, a re-run."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from admin.__main__ import main
from admin.address_rows import FIELDS
from admin.address_writer import DynamoSink
from chalicelib.addresses.dal import AddressRecord, to_address
from chalicelib.addresses.schemas import Address
from chalicelib.core import root, tables
from devstack.seed import generate

PREFIX = "ems-import-test-"
ARGS = ["--table-prefix", PREFIX, "--progress", "plain"]
BAD = {5: {"lat": "abc"}, 77: {"county": "35"}, 150: {"lat": "117.6", "lon": "24.5"}}


def _reset() -> None:
    root.reset()


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[AddressRecord]]:
    # Only the address table: the importer needs nothing else, and this keeps each test fast.
    monkeypatch.setenv("EMS_TABLE_PREFIX", PREFIX)
    monkeypatch.delenv("EMS_AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        _reset()
        model = tables.bound(AddressRecord)
        model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        try:
            yield model
        finally:
            _reset()


def registry(n: int = 300) -> tuple[list[dict[str, Any]], dict[str, Address]]:
    """Rows as a registry would export them (3 bad, code of row 10 again at row 200) and the expected table."""
    rows = [a.model_dump(mode="json") for a in generate(addresses=n).addresses]
    for i, change in BAD.items():
        rows[i] |= change
    rows[200] = rows[10] | {"text_en": "renumbered door, second export line"}
    expected = {r["code"]: Address.model_validate(r) for i, r in enumerate(rows) if i not in BAD}
    return rows, expected


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        w.writerows([["" if r[k] is None else r[k] for k in FIELDS] for r in rows])
    return path


def stored() -> dict[str, Address]:
    return {r.address_code: to_address(r) for r in AddressRecord.scan()}


def test_given_a_csv_with_bad_rows_when_imported_then_good_rows_land_and_bad_ones_are_listed(
    table: type[AddressRecord], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, expected = registry()
    assert main(["import-addresses", str(write_csv(tmp_path / "reg.csv", rows)), *ARGS, "--workers", "2"]) == 0
    assert stored() == expected and len(expected) == 296
    err = capsys.readouterr().err
    assert "line 7: lat: Input should be a valid number" in err
    assert "line 202: duplicate code" in err and "replaces line 12 (last one wins)" in err
    assert "imported 297, duplicates 1, rejected 3" in err
    rejects = list(csv.DictReader((tmp_path / "reg.csv.rejects.csv").open(encoding="utf-8")))
    assert [(r["where"], r["code"]) for r in rejects] == [(f"line {i + 2}", rows[i]["code"]) for i in sorted(BAD)]
    assert "swapped" in rejects[2]["reason"]
    assert AddressRecord.get(rows[0]["code"]).cell_fine  # the H3 cells are stored, as the runtime expects


def test_given_geojson_when_imported_then_features_land_and_bad_ones_are_named_by_index(
    table: type[AddressRecord], tmp_path: Path
) -> None:
    rows, _ = registry()
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]}, "properties": r}
        for r in rows[:50]
    ]
    features[20]["geometry"] = None
    path = tmp_path / "reg.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    assert main(["import-addresses", str(path), *ARGS]) == 0
    assert set(stored()) == {r["code"] for i, r in enumerate(rows[:50]) if i not in (5, 20)}
    rejects = (tmp_path / "reg.geojson.rejects.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [r.split(",")[0] for r in rejects] == ["feature 5", "feature 20"]
    assert "geometry: expected a Point" in rejects[1]


def test_given_a_crash_mid_way_when_resumed_then_every_row_is_there_once_and_rejects_are_not_repeated(
    table: type[AddressRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, expected = registry()
    path = write_csv(tmp_path / "reg.csv", rows)
    real, calls = DynamoSink.__call__, {"n": 0}

    def crash_after_4(self: DynamoSink, batch: list[Address]) -> None:
        calls["n"] += 1
        if calls["n"] > 4:
            raise ConnectionError("simulated kill after 4 batches")
        real(self, batch)

    monkeypatch.setattr(DynamoSink, "__call__", crash_after_4)
    assert main(["import-addresses", str(path), *ARGS]) == 1
    assert "run again with --resume" in capsys.readouterr().err
    assert 0 < len(stored()) <= 100
    monkeypatch.setattr(DynamoSink, "__call__", real)
    assert main(["import-addresses", str(path), *ARGS, "--resume"]) == 0
    assert "imported 297, duplicates 1, rejected 3" in capsys.readouterr().err
    assert stored() == expected
    lines = (tmp_path / "reg.csv.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in lines] == ["where", "line 7", "line 79", "line 152"]
    assert main(["import-addresses", str(path), *ARGS, "--resume"]) == 0 and "nothing to do" in capsys.readouterr().err


def test_given_a_finished_import_when_run_again_then_the_table_and_rejects_are_the_same(
    table: type[AddressRecord], tmp_path: Path
) -> None:
    rows, expected = registry()
    assert main(["import-addresses", str(path := write_csv(tmp_path / "reg.csv", rows)), *ARGS]) == 0
    first = (tmp_path / "reg.csv.rejects.csv").read_text(encoding="utf-8")
    assert main(["import-addresses", str(path), *ARGS, "--batch", "7", "--workers", "3"]) == 0
    assert stored() == expected
    assert (tmp_path / "reg.csv.rejects.csv").read_text(encoding="utf-8") == first


def test_given_a_checkpoint_of_another_file_then_resume_is_refused(
    table: type[AddressRecord], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, _ = registry()
    path = write_csv(tmp_path / "reg.csv", rows[:40])
    assert main(["import-addresses", str(path), *ARGS]) == 0
    write_csv(path, rows[:30])  # the registry sent a new export
    assert main(["import-addresses", str(path), *ARGS, "--resume"]) == 2
    assert "checkpoint is for another file" in capsys.readouterr().err

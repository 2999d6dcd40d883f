"""Import parsing and validation: CSV and GeoJSON rows in, addresses or located reasons out."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from admin import address_geojson
from admin.address_geojson import GeoJSONError, geojson_records
from admin.address_rows import RowError, to_address
from admin.address_sources import SourceError, csv_records, detect_format, estimate_total

HEADER = "code,county,township,community,road,number,building,unit,floor,room,text_zh,text_en,lat,lon,status\n"
GOOD = "ZA1,350602,南坊街道,溪口社区,丹霞大道,333,16,4,4,402,丹霞大道333号,No. 333 Danxia Avenue,24.51,117.65,active\n"
ROW = {
    "code": "ZA1",
    "county": "350602",
    "township": "南坊街道",
    "community": "溪口社区",
    "road": "丹霞大道",
    "number": "333",
    "text_zh": "漳州市芗城区丹霞大道333号",
    "text_en": "No. 333 Danxia Avenue",
    "lat": "24.51",
    "lon": "117.65",
}


def test_given_csv_strings_when_validated_then_numbers_are_parsed_and_blanks_are_none() -> None:
    address = to_address(ROW | {"floor": " 4 ", "building": "", "room": "  "})
    assert (address.lat, address.lon, address.floor, address.building, address.room) == (24.51, 117.65, 4, None, None)
    assert address.status == "active"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"county": "3506"}, "county: String should match pattern"),
        ({"township": " "}, "township: missing"),
        ({"lat": "abc"}, "lat: Input should be a valid number"),
        ({"lat": "117.65", "lon": "24.51"}, "outside China's bounding box (lat and lon swapped?)"),
        ({"lat": "0", "lon": "0"}, "lat=0, lon=0 outside China's bounding box"),
        ({"lat": "51.5", "lon": "-0.12"}, "outside China's bounding box"),
        ({"floor": "4.5", "status": "gone"}, "floor: Input should be a valid integer"),
    ],
)
def test_given_a_bad_field_when_validated_then_the_reason_names_it(change: dict[str, str], reason: str) -> None:
    with pytest.raises(RowError) as err:
        to_address(ROW | change)
    assert reason in str(err.value)


def test_given_several_bad_fields_then_every_reason_is_listed() -> None:
    with pytest.raises(RowError, match=r"county: .*; status: Input should be 'active' or 'retired'"):
        to_address(ROW | {"county": "x", "status": "gone"})


def test_given_a_csv_then_records_carry_the_line_they_start_on() -> None:
    quoted = GOOD.replace("No. 333 Danxia Avenue", '"No. 333\nDanxia Avenue"')
    text = HEADER + GOOD + "\n" + quoted + "ZA2,350602,too,few\n" + GOOD
    records = list(csv_records(io.StringIO(text)))
    assert [(r.position, r.ref) for r in records] == [(1, 2), (2, 4), (3, 6), (4, 7)]
    assert records[1].raw["text_en"] == "No. 333\nDanxia Avenue"
    assert records[2].error == "expected 15 columns, got 4"
    assert [r.error for r in (records[0], records[1], records[3])] == [None, None, None]


def test_given_a_header_without_required_columns_then_the_file_is_refused() -> None:
    with pytest.raises(SourceError, match="lacks required columns: lat, lon"):
        list(csv_records(io.StringIO("code,county,township,community,road,number,text_zh,text_en\n")))


def _feature(code: str, lon: Any = 117.65, lat: Any = 24.51, **extra: Any) -> dict[str, Any]:
    props = {k: v for k, v in ROW.items() if k not in ("lat", "lon")} | {"code": code, **extra}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def test_given_a_feature_collection_then_features_stream_with_their_index(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a buffer smaller than one feature: every value is cut at least once.
    monkeypatch.setattr(address_geojson, "CHUNK", 7)
    line = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}, "properties": {}}
    features = [_feature("ZA1", lat=24.5, floor=12345), line, 5, _feature("ZA3", lat=24.123456789)]
    doc = {"type": "FeatureCollection", "name": "registry", "features": features, "bbox": [117, 24, 118, 25]}
    records = list(geojson_records(io.StringIO(json.dumps(doc, ensure_ascii=False, indent=2))))
    assert [(r.position, r.ref, r.error) for r in records] == [
        (1, 0, None),
        (2, 1, "geometry: expected a Point"),
        (3, 2, "feature is not an object"),
        (4, 3, None),
    ]
    assert to_address(records[0].raw).floor == 12345
    assert (records[3].raw["lat"], records[3].raw["lon"]) == (24.123456789, 117.65)


def test_given_point_properties_with_lat_lon_then_the_geometry_wins() -> None:
    feature = _feature("ZA1", lat=24.6, lon=117.7)
    feature["properties"] |= {"lat": 0, "lon": 0}
    doc = {"features": [feature]}
    (record,) = geojson_records(io.StringIO(json.dumps(doc)))
    assert (record.raw["lat"], record.raw["lon"]) == (24.6, 117.7)


@pytest.mark.parametrize(
    ("text", "message"),
    [('{"features": [{"a": 1}, {"b": }]}', "invalid JSON at character 30"), ('{"features": 3}', "not an array")],
)
def test_given_broken_geojson_then_reading_stops_with_a_position(
    text: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(address_geojson, "CHUNK", 5)  # the position survives refills
    with pytest.raises(GeoJSONError, match=message):
        list(geojson_records(io.StringIO(text)))


def test_given_files_then_the_total_is_estimated_from_raw_bytes(tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(HEADER + GOOD * 3 + GOOD.rstrip("\n"), encoding="utf-8")
    assert estimate_total(csv_file, "csv") == 4
    geo = tmp_path / "a.geojson"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature(f"Z{i}") for i in range(5)]}))
    assert estimate_total(geo, "geojson") == 5


def test_format_comes_from_the_flag_or_the_extension() -> None:
    assert detect_format(Path("x.CSV"), None) == "csv"
    assert detect_format(Path("x.geojson"), None) == "geojson"
    assert detect_format(Path("x.txt"), "csv") == "csv"
    with pytest.raises(SourceError, match="--format"):
        detect_format(Path("x.txt"), None)


def test_the_samples_in_the_docs_import_cleanly() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "address-import.md").read_text(encoding="utf-8")
    sample = {lang: doc.split(f"```{lang}\n")[1].split("```")[0] for lang in ("csv", "json")}
    records = [*csv_records(io.StringIO(sample["csv"])), *geojson_records(io.StringIO(sample["json"]))]
    assert [to_address(r.raw).code for r in records if r.error is None] == [
        "ZA194752F3FF9E123",
        "ZA5C0D6E2B8F41A07",
        "ZA194752F3FF9E123",
    ]

"""Items read per recommendation with fleets of 34, 1,000 and 50,000 free units over Fujian,
against a full-table Scan baseline in the same run (moto in-process, `mock_aws`).

Items read are DynamoDB's ScannedCount (what is billed), summed over the search's queries.
Each fleet's Scan baseline also checks the search: the nearest unit found through the index
must be the nearest a brute-force scan finds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

from report import write_section  # bench/ is on the path when run as a script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Fujian's prefecture seats: 60% of units cluster near them (sigma ~13 km), 40% spread evenly.
CITIES = [(26.07, 119.30), (24.48, 118.09), (24.87, 118.68), (24.51, 117.65), (25.45, 119.01),
          (25.08, 117.02), (26.26, 117.64), (26.64, 118.18), (26.66, 119.55)]  # fmt: skip
KINDS = ["ALS"] * 10 + ["BLS"] * 9 + ["NEONATAL"]


def fleet_points(n: int, rnd: random.Random) -> list[tuple[float, float]]:
    pts = []
    while len(pts) < n:
        if rnd.random() < 0.6:
            lat, lon = rnd.choice(CITIES)
            lat, lon = rnd.gauss(lat, 0.12), rnd.gauss(lon, 0.12)
        else:
            lat, lon = rnd.uniform(23.5, 28.3), rnd.uniform(115.8, 120.7)
        if 23.5 <= lat <= 28.3 and 115.8 <= lon <= 120.7:
            pts.append((lat, lon))
    return pts


def load(n: int, rnd: random.Random, now: datetime) -> None:
    from chalicelib.core.counties import nearest_county
    from chalicelib.core.tables import bound
    from chalicelib.fleet.dal import UnitRecord, unit_record
    from chalicelib.fleet.entities import Unit, UnitStatus

    with bound(UnitRecord).batch_write() as batch:
        for i, (lat, lon) in enumerate(fleet_points(n, rnd)):
            county = nearest_county(lat, lon).code
            unit = Unit(unit_id=f"U{i:05d}", plate=f"闽E{i:05d}", type=KINDS[i % 20], station_id=f"S{county}",
                        county=county, status=UnitStatus.AVAILABLE, lat=lat, lon=lon, position_at=now)  # fmt: skip
            batch.save(unit_record(unit))


def scan_nearest(point: tuple[float, float], types: set[str]) -> tuple[str, int]:
    """Baseline: read the whole table, filter and rank in memory."""
    from chalicelib.core.geo import distance_m
    from chalicelib.core.tables import bound
    from chalicelib.fleet.dal import UnitRecord

    result = bound(UnitRecord).scan()
    best = min((distance_m(*point, r.lat, r.lon), r.unit_id) for r in result if r.type in types and r.avail_cell)
    return best[1], result.page_iter.total_scanned_count


def measure(n: int, points: list[tuple[float, float]], seed: int) -> dict[str, float]:
    from moto import mock_aws

    from chalicelib.core import root
    from chalicelib.core.tables import bound
    from chalicelib.dispatch.adapters.candidates import DynamoCandidateSource
    from chalicelib.dispatch.entities import Point
    from chalicelib.dispatch.eta import ModelEta
    from chalicelib.dispatch.service import recommend_for
    from chalicelib.fleet.dal import StationRecord, UnitRecord
    from chalicelib.fleet.entities import UnitType

    now = datetime.now(UTC)
    with mock_aws():
        root.reset()  # settings, clients and table bindings of this moto
        for model in (UnitRecord, StationRecord):
            bound(model).create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        load(n, random.Random(seed), now)
        source, eta = DynamoCandidateSource(stations=dict), ModelEta()
        items, queries = [], []
        for lat, lon in points:
            items.append(recommend_for(Point(lat, lon), UnitType.ALS, None, now, source, eta).items_read)
            queries.append(source.last_queries)
        scans = []
        for lat, lon in points[:5]:
            found, _ = source.available_near(Point(lat, lon), frozenset({UnitType.ALS}), None, 1)
            nearest, scanned = scan_nearest((lat, lon), {"ALS"})
            assert found and found[0].unit_id == nearest, (found, nearest)
            scans.append(scanned)
        root.reset()
    return {"median": statistics.median(items), "p90": statistics.quantiles(items, n=10)[8],
            "max": max(items), "queries": statistics.median(queries), "scan": statistics.median(scans)}  # fmt: skip


def run(fleets: list[int], calls: int, seed: int) -> str:
    os.environ.update({"EMS_TABLE_PREFIX": "bench-", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"})
    os.environ.setdefault("AWS_REGION", "cn-northwest-1")
    from chalicelib.core.counties import COUNTIES

    rnd = random.Random(seed)
    points = [(rnd.gauss(c.lat, 0.08), rnd.gauss(c.lon, 0.08)) for c in (rnd.choice(COUNTIES) for _ in range(calls))]
    rows = {n: measure(n, points, seed) for n in fleets}
    base = rows[fleets[0]]["median"]
    lines = [
        f"{calls} ALS recommendations (want 10 candidates) at random Zhangzhou points; units spread over Fujian,",
        "60% near the nine prefecture seats. Items read = DynamoDB ScannedCount over all queries of one search.",
        "",
        "| fleet | items read p50 | p90 | max | queries p50 | Scan baseline items | p50 vs smallest fleet |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, r in rows.items():
        lines.append(f"| {n:,} | {r['median']:.0f} | {r['p90']:.0f} | {r['max']:.0f} | {r['queries']:.0f} | "
                     f"{r['scan']:,.0f} | {r['median'] / base:.2f}x |")  # fmt: skip
    ratio = rows[fleets[-1]]["median"] / base
    verdict = "met" if ratio <= 2 else "not met"
    lines += ["", f"Ratio {fleets[-1]:,} vs {fleets[0]:,} units: **{ratio:.2f}x** (goal: at most 2x, {verdict})."]
    return "\n".join(lines)


def write(section: str) -> None:
    write_section("recommend", "Items read per recommendation (`bench/recommend_reads.py`)", section)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fleets", type=int, nargs="+", default=[34, 1_000, 50_000])
    parser.add_argument("-n", "--calls", type=int, default=100)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    result = run(args.fleets, args.calls, args.seed)
    print(result)
    if not args.no_write:
        write(result)

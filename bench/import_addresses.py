"""Import: rows/s of `python -m admin import-addresses` into a moto server against a naive loop of one
PutItem per row (boto3), same run. moto runs in this process (as in the devstack); importer and baseline
each run in a child process, as an operator runs them, so neither shares the server's GIL. Both read the
same generated CSV and validate rows alike; the baseline goes first, on an empty server, which if anything
flatters it. Writes its section into docs/benchmarks.md between the import markers."""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from random import Random
from typing import Any

from moto import __version__ as MOTO_VERSION
from report import write_section  # bench/ is on the path when run as a script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: `python bench/import_addresses.py`
PREFIX, BASELINE_PREFIX, REGION = "ems-bench-", "ems-bench-baseline-", "cn-northwest-1"
INTRO = """Rows/s from a generated registry export (devstack seed, CSV) into a moto server on loopback, progress
bar on, against a naive one-PutItem-per-row loop in the same run: wall-clock time of each child process (start-up
and pre-count included), items counted in the table after. The machine is shared: compare the ratio."""
ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": REGION}


def start_moto() -> tuple[str, Any]:
    """A moto server on a free loopback port with the two address tables (the bench's and the baseline's)."""
    from moto.server import ThreadedMotoServer

    from admin.address_table import open_table

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request would drown the bar
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # 0: a free port
    server.start()
    url = "http://{}:{}".format(*server.get_host_and_port())
    for prefix in (PREFIX, BASELINE_PREFIX):
        open_table(url, REGION, prefix, 1).create_table(billing_mode="PAY_PER_REQUEST")
    return url, server


def write_csv(path: Path, rows: int) -> None:
    """The devstack seed's addresses, streamed: same rows as `generate(addresses=rows)`, no list."""
    from admin.address_rows import FIELDS
    from devstack.seed import DEFAULT_SEED
    from devstack.seed.addresses import _address, _code
    from devstack.seed.geography import COUNTIES, allocate

    rng, taken, counts = Random(f"{DEFAULT_SEED}:addresses"), set[str](), allocate(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        (out := csv.writer(f)).writerow(FIELDS)
        for county in COUNTIES:
            for _ in range(counts[county.code]):
                a = _address(rng, county, _code(rng, taken)).model_dump(mode="json")
                out.writerow(["" if a[k] is None else a[k] for k in FIELDS])


def baseline_child(url: str, path: str, limit: str) -> None:
    """The naive import: validate a row, PutItem it, next row."""
    import boto3

    from admin.address_rows import to_address
    from chalicelib.addresses.dal import address_record

    client = boto3.client("dynamodb", endpoint_url=url, region_name=REGION)
    with open(path, encoding="utf-8", newline="") as f:
        for row in itertools.islice(csv.DictReader(f), int(limit)):
            client.put_item(TableName=f"{BASELINE_PREFIX}addresses", Item=address_record(to_address(row)).serialize())


def timed(cmd: list[str], url: str, prefix: str) -> tuple[int, float]:
    """Items in the child's table after it ran, and its wall-clock seconds."""
    import boto3

    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True)  # os.environ carries ENV
    seconds, client = time.perf_counter() - started, boto3.client("dynamodb", endpoint_url=url, region_name=REGION)
    return int(client.describe_table(TableName=f"{prefix}addresses")["Table"]["ItemCount"]), seconds


def run(rows: int, baseline_rows: int, workers: int) -> str:
    url, server = start_moto()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "addresses.csv"
            started = time.perf_counter()
            write_csv(path, rows)
            print(f"{rows:,} rows generated in {time.perf_counter() - started:.0f} s; now the baseline", flush=True)
            child = [sys.executable, __file__, "--baseline-child", url, str(path), str(baseline_rows)]
            base = timed(child, url, BASELINE_PREFIX)
            cli = [sys.executable, "-m", "admin", "import-addresses", str(path), "--endpoint-url", url]
            cli += ["--table-prefix", PREFIX, "--workers", str(workers), "--progress", "bar"]
            imp = timed(cli, url, PREFIX)
            tally = json.loads(Path(f"{path}.checkpoint.json").read_text())["tally"]
    finally:
        server.stop()
    return report(rows, workers, *base, *imp, tally["position"])


def report(rows: int, workers: int, base_n: int, base_s: float, imp_n: int, imp_s: float, read: int) -> str:
    base_rate, imp_rate = base_n / base_s, imp_n / imp_s
    return f"""{rows:,} addresses; moto {MOTO_VERSION}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}.

| run | rows read | items in table | seconds | rows/s |
| --- | ---: | ---: | ---: | ---: |
| baseline: one PutItem per row (boto3){"" if base_n == rows else f", sample: first {base_n:,} rows"} \
| {base_n:,} | {base_n:,} | {base_s:.1f} | {base_rate:,.0f} |
| `import-addresses --workers {workers}` (BatchWriteItem x25, progress bar) | {read:,} \
| {imp_n:,} | {imp_s:.1f} | {imp_rate:,.0f} |

Import / baseline = **{imp_rate / base_rate:.1f}x** rows/s. At its rate the baseline would need \
{rows / base_rate / 60:.0f} min for all {rows:,} rows; the importer took {imp_s / 60:.1f} min."""


def write(section: str) -> None:
    write_section("import", "Import (`bench/import_addresses.py`)", section, INTRO)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000, help="PutItem sample (1M would take an hour)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--baseline-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_child:
        return baseline_child(*args.baseline_child)
    os.environ.update(ENV)
    print(section := run(args.rows, min(args.baseline_rows, args.rows), args.workers))
    if not args.no_write:
        write(section)


if __name__ == "__main__":
    main()

"""Cold start: `import app` in fresh interpreters against `import boto3` alone, same run.

Each sample is a new `python -X importtime`-free subprocess timing only the import
(perf_counter inside the child, so interpreter start-up is excluded). Baseline and
candidate alternate so machine noise hits both alike. Writes the table into
docs/benchmarks.md between the cold-start markers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from report import write_section  # bench/ is on the path when run as a script

ROOT = Path(__file__).resolve().parents[1]
CHILD = "import time; t=time.perf_counter(); import {mod}; print(time.perf_counter()-t)"
CASES = {
    "baseline: import boto3": "boto3",
    "import app": "app",
    # A declared function's container imports its own domain's routes (chalice's handler string),
    # not the app: the heaviest and the busiest of them.
    "function: incidents (incident_registered ...)": "chalicelib.incidents.routes",
    "function: telemetry (ingest_telemetry)": "chalicelib.telemetry.routes",
    # Not the goal, shown for honesty: what the first DynamoDB-backed request adds on top.
    "import app + DB layer (first request)": "app, chalicelib.platform.dal, chalicelib.platform.adapters, boto3",
}
GOAL = 1.5


def sample(module: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(mod=module)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def run(repetitions: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {k: [] for k in CASES}
    for _ in range(repetitions):
        for label, module in CASES.items():
            results[label].append(sample(module))
    return results


def report(results: dict[str, list[float]], repetitions: int) -> str:
    base = statistics.median(results["baseline: import boto3"])
    lines = [
        f"Fresh interpreters, {repetitions} alternating repetitions each; median and p90 of the import time.",
        "",
        "| case | median ms | p90 ms | ratio to baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, values in results.items():
        med = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        lines.append(f"| {label} | {med * 1000:.1f} | {p90 * 1000:.1f} | {med / base:.2f}x |")
    ratio = statistics.median(results["import app"]) / base
    verdict = "meets" if ratio <= GOAL else "MISSES"
    lines += ["", f"`import app` / `import boto3` = **{ratio:.2f}x** ({verdict} the goal of at most {GOAL}x)."]
    return "\n".join(lines)


def write(section: str) -> None:
    write_section("cold-start", "Cold start (`bench/cold_start.py`)", section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--repetitions", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    section = report(run(args.repetitions), args.repetitions)
    print(section)
    if not args.no_write:
        write(section)


if __name__ == "__main__":
    main()

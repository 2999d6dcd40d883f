"""`python -m admin import-addresses FILE`: a registry export (CSV or GeoJSON) into the address table.

Streams the file, validates every row, writes batches with BatchWriteItem and keeps a
checkpoint so a stopped run resumes; see docs/address-import.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_NOTES = 20  # a broken export can have a million bad rows: the rejects file has them all


def register(sub: Any) -> None:
    p = sub.add_parser("import-addresses", help="import standard addresses from CSV or GeoJSON")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=("csv", "geojson"), help="default: from the extension (.csv, .geojson/.json)")
    p.add_argument("--endpoint-url", help="e.g. the devstack's moto http://127.0.0.1:5000 (default: AWS)")
    p.add_argument("--devstack", action="store_true", help="into the running local stack, on whatever ports it runs")
    p.add_argument("--state-dir", type=Path, default=Path(os.environ.get("EMS_DEVSTACK_DIR", ".devstack")))
    p.add_argument("--region", help="default AWS_REGION, else cn-northwest-1")
    p.add_argument("--table-prefix", help="default EMS_TABLE_PREFIX (loopback endpoint: ems-local-)")
    p.add_argument("--rejects", type=Path, help="CSV of rejected rows (default FILE.rejects.csv)")
    p.add_argument("--checkpoint", type=Path, help="resume state (default FILE.checkpoint.json)")
    p.add_argument("--resume", action="store_true", help="continue after the checkpoint's position")
    p.add_argument("--batch", type=_bounded(1, 25), default=25, help="items per BatchWriteItem (max 25)")
    p.add_argument("--workers", type=_bounded(1, 32), default=2, help="threads writing batches (default 2)")
    p.add_argument("--encoding", default="utf-8-sig", help="e.g. gb18030 for some registry exports")
    p.add_argument("--progress", choices=("auto", "bar", "plain", "off"), default="auto")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from admin.address_geojson import GeoJSONError
    from admin.address_sources import SourceError

    try:
        return _run(args)
    except (SourceError, GeoJSONError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        print(f"error: {exc}: pass the file's --encoding (e.g. gb18030)", file=sys.stderr)
        return 2


def _use_running_stack(args: argparse.Namespace) -> bool:
    """Endpoint, region and prefix of the stack running from the state folder (its stack.json)."""
    from devstack.state import running

    stack = running(args.state_dir)
    if stack is None:
        return False
    args.endpoint_url = args.endpoint_url or stack["moto"]
    args.region = args.region or stack.get("region")
    args.table_prefix = args.table_prefix or stack.get("table_prefix")
    return True


def _run(args: argparse.Namespace) -> int:
    from admin.address_checkpoint import Checkpoint, Rejects
    from admin.address_geojson import GeoJSONError
    from admin.address_pipeline import Importer
    from admin.address_sources import (
        UNIT,
        SourceError,
        check_header,
        detect_format,
        estimate_total,
        fingerprint,
        records,
    )
    from admin.address_table import open_table
    from admin.address_writer import DynamoSink
    from admin.progress import Progress

    path: Path = args.file
    if args.devstack and not _use_running_stack(args):
        print(f"error: no local stack is running from {args.state_dir}: start it with `make run`", file=sys.stderr)
        return 2
    fmt = detect_format(path, args.format)
    ckpt_path = args.checkpoint or path.with_name(path.name + ".checkpoint.json")
    model = open_table(args.endpoint_url, args.region, args.table_prefix, args.workers)
    source, table = fingerprint(path), str(model.Meta.table_name)
    previous = Checkpoint.load(ckpt_path) if args.resume else None
    if previous and (problem := previous.mismatch(source, table)):
        print(f"error: cannot resume: {problem}", file=sys.stderr)
        return 2
    if previous and previous.tally.done:
        print(f"nothing to do: {path.name} was imported completely ({ckpt_path})", file=sys.stderr)
        return 0
    checkpoint = previous or Checkpoint(source, table)
    rejects_path = args.rejects or path.with_name(path.name + ".rejects.csv")
    rejects = Rejects(rejects_path, resume_offset=previous.tally.rejects_offset if previous else None)
    mode = args.progress if args.progress != "auto" else "bar" if sys.stderr.isatty() else "plain"
    progress = Progress(sys.stderr, estimate_total(path, fmt), mode=mode, label=f"{path.name} -> {table}")
    if fmt == "csv" and (extra := check_header(path, args.encoding)):
        progress.note(f"ignoring unknown columns: {', '.join(extra)}")
    sink = DynamoSink.for_model(model)
    importer = Importer(
        sink,
        checkpoint,
        ckpt_path,
        rejects,
        unit=UNIT[fmt],
        batch_size=args.batch,
        workers=args.workers,
        on_issue=_limited(progress.note),
        on_progress=lambda t: progress.update(t.position, t.rejected),
    )
    start, started = checkpoint.tally.position, time.monotonic()
    progress.start(start)
    try:
        with path.open(encoding=args.encoding, newline="") as f:
            tally = importer.run(records(f, fmt))
    except KeyboardInterrupt:
        progress.finish(f"interrupted after record {checkpoint.tally.position:,}: run again with --resume")
        return 130
    except (SourceError, GeoJSONError, UnicodeDecodeError) as exc:  # the file: --resume would refuse the fixed one
        progress.finish(f"cannot read past record {importer.tally.position:,}: {exc}")
        print("fix the file (or --encoding) and run again; rows already written are simply rewritten", file=sys.stderr)
        return 2
    except Exception as exc:  # any write or read failure: the checkpoint is saved, say how to go on
        progress.finish(f"stopped after record {checkpoint.tally.position:,}: {type(exc).__name__}: {exc}")
        print(f"checkpoint {ckpt_path}: fix the cause, then run again with --resume", file=sys.stderr)
        return 1
    finally:
        rejects.close()
    seconds = time.monotonic() - started
    rate = (tally.position - start) / seconds if seconds else 0.0
    progress.finish(
        f"imported {tally.imported:,}, duplicates {tally.duplicates:,}, rejected {tally.rejected:,}"
        f"{f' -> {rejects_path}' if tally.rejected else ''}, {seconds:.1f} s, {rate:,.0f} rows/s"
        f"{f', {sink.retries} batches resent' if sink.retries else ''}"
    )
    return 0


def _limited(note: Callable[[str], None]) -> Callable[[str], None]:
    count = 0

    def on_issue(message: str) -> None:
        nonlocal count
        count += 1
        if count <= MAX_NOTES:
            note(message)
        elif count == MAX_NOTES + 1:
            note("... further issues are counted in the summary; every rejected row is in the rejects file")

    return on_issue


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        n = int(value)
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return n

    return parse

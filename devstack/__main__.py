"""`python -m devstack up | token ROLE [--scope S] | fixtures | demo`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path

from chalicelib.core.auth import Role
from devstack.config import StackConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description="The EMS local stack")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the local stack (Ctrl-C stops it)")
    up.add_argument("--api-port", type=int)
    up.add_argument("--moto-port", type=int)
    up.add_argument("--mqtt-port", type=int)
    up.add_argument("--addresses", type=int, help="number of demo standard addresses (default 3000)")
    up.add_argument("--volunteers", type=int, help="number of demo volunteers (default 300)")
    up.add_argument("--canary-interval", type=float, help="seconds between platform canary runs")
    up.add_argument("--schedule-interval", type=float, help="run every scheduled handler this often (seconds)")
    up.add_argument("--no-seed", action="store_true")
    up.add_argument("--no-simulator", action="store_true", help="the demo ambulances do not drive their jobs")
    up.add_argument("--his-port", type=int)
    up.add_argument(
        "--verbose",
        action="store_true",
        help="JSON log lines, metrics and request lines on the console too (default: .devstack/logs/api.log)",
    )
    up.add_argument(
        "--his",
        help="how the demo hospitals answer offers: accept, decline, ignore, down or manual, per hospital "
        "(e.g. 'HOS04=decline,*=accept'; default: all accept after 3 s)",
    )
    tok = sub.add_parser("token", help="print a bearer token for ROLE on the last line")
    tok.add_argument("role", choices=[r.value for r in Role])
    tok.add_argument("--scope", help="county:CODE, unit:ID, hospital:ID, volunteer:ID, call:ID, agency:fire")
    tok.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds")
    fix = sub.add_parser("fixtures", help="print JSON describing the demo data")
    fix.add_argument("--addresses", type=int)
    demo = sub.add_parser("demo", help="play a stroke patient from the doorplate scan to admission (stack up)")
    for p in (up, tok, fix, demo):
        p.add_argument("--state-dir", type=Path, help="where keys and stack.json live (default .devstack)")
    args = parser.parse_args(argv)
    cfg = _config(args)
    if args.command == "up":
        return _up(cfg)
    if args.command == "token":
        return _token(cfg, args.role, args.scope, args.ttl)
    if args.command == "demo":
        return _demo(cfg)
    return _fixtures(cfg)


def _demo(cfg: StackConfig) -> int:
    from devstack.demo import Demo

    if not (cfg.state_dir / "stack.json").exists():
        print("the local stack is not running: start it with `make run` first", file=sys.stderr)
        return 2
    Demo(cfg.state_dir).run()
    return 0


def _config(args: argparse.Namespace) -> StackConfig:
    cfg = StackConfig.from_env()
    overrides = {
        "api_port": getattr(args, "api_port", None),
        "moto_port": getattr(args, "moto_port", None),
        "mqtt_port": getattr(args, "mqtt_port", None),
        "his_port": getattr(args, "his_port", None),
        "his": getattr(args, "his", None),
        "addresses": getattr(args, "addresses", None),
        "volunteers": getattr(args, "volunteers", None),
        "canary_interval_s": getattr(args, "canary_interval", None),
        "schedule_interval_s": getattr(args, "schedule_interval", None),
        "state_dir": getattr(args, "state_dir", None),
    }
    cfg = replace(cfg, **{k: v for k, v in overrides.items() if v is not None})
    if getattr(args, "no_seed", False):
        cfg = replace(cfg, seed=False)
    if getattr(args, "no_simulator", False):
        cfg = replace(cfg, simulator=False)
    if getattr(args, "verbose", False):
        cfg = replace(cfg, verbose=True)
    return cfg


def _up(cfg: StackConfig) -> int:
    from devstack import console
    from devstack.banner import try_it
    from devstack.stack import Stack
    from devstack.state import AlreadyRunning

    console.route_stdout(cfg.log_file, everything=cfg.verbose)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stack = Stack(cfg)
    print("Starting the EMS local stack (loopback only, starting fresh) ...", flush=True)
    try:
        try:
            stack.start(log=lambda line: print("  " + line, flush=True))
        except AlreadyRunning as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        health = stack.wait_healthy()
        print(f"  health             {health['status']}", flush=True)
        print(try_it(cfg), flush=True)
        where = "on the console (--verbose)" if cfg.verbose else f"in {cfg.log_file}"
        print(f"  logs               JSON lines, metrics and requests {where}", flush=True)
        print("READY - press Ctrl-C to stop", flush=True)
        stop.wait()
    finally:
        print("Stopping ...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)
        console.restore_stdout()
    return 0


def _token(cfg: StackConfig, role: str, scope: str | None, ttl: int) -> int:
    from devstack import tokens

    tokens.ensure_keys(cfg.state_dir)
    try:
        token = tokens.issue(cfg.state_dir, role, scope, ttl_s=ttl)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"# {role}{' ' + scope if scope else ''}; use as: Authorization: Bearer <token>", file=sys.stderr)
    print(token)
    return 0


def _fixtures(cfg: StackConfig) -> int:
    from devstack import seed

    data = seed.generate(addresses=cfg.addresses, volunteers=cfg.volunteers)
    print(json.dumps(seed.fixtures(data), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    from devstack.pipes import run_quietly

    sys.exit(run_quietly(main))

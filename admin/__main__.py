"""`python -m admin COMMAND ...`: operator tools that run against AWS or the devstack.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`run=<callable(args) -> int>`; heavy imports happen inside `run`, so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import sys

from admin import import_addresses, print_sheet, provision_unit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m admin", description="EMS operator tools")
    sub = parser.add_subparsers(dest="command", required=True)
    print_sheet.register(sub)
    import_addresses.register(sub)
    provision_unit.register(sub)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    from devstack.pipes import run_quietly

    sys.exit(run_quietly(main))

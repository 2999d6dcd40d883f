"""`python -m admin COMMAND ...`: operator tools that run against AWS or the devstack.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`run=<callable(args) -> int>`; heavy imports happen inside `run`, so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import os
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


def run() -> int:
    """`main`, quiet when the reader stops reading (`python -m admin print-sheet ... | head`)."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(run())

"""`python -m admin print-sheet`: every doorplate of a community or building on one printable SVG.

Addresses are read with a filtered Scan of the address table (an admin tool run now and then
can afford it; no index holds community or road), tokens are signed with the current QR key,
and one audit event records who printed what.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chalicelib.addresses.ports import AddressSelection
from chalicelib.addresses.schemas import Address, AddressStatus

LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/?$")


def register(sub: Any) -> None:
    p = sub.add_parser("print-sheet", help="render the doorplates of a community or building to one SVG")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--community", help="community (社区) or village (村) name as in the registry")
    which.add_argument("--building", nargs="+", type=building, metavar="ROAD+NUMBER[+BUILDING]")
    p.add_argument("--county", help="county code, when the name exists in more than one county")
    p.add_argument("--out", type=Path, required=True, help="SVG file to write (A4 pages stacked)")
    p.add_argument("--devstack", action="store_true", help="use the local stack (implied by a loopback endpoint)")
    p.add_argument("--state-dir", type=Path, default=Path(os.environ.get("EMS_DEVSTACK_DIR", ".devstack")))
    p.add_argument("--endpoint-url", help="AWS endpoint override, e.g. the devstack's moto http://127.0.0.1:5000")
    p.add_argument("--table-prefix", help="default EMS_TABLE_PREFIX (devstack: ems-local-)")
    p.add_argument("--keys-file", help="QR key JSON file (default EMS_QR_KEYS_FILE; devstack: its own)")
    p.add_argument("--keys-secret", help="Secrets Manager secret id of the QR keys (default EMS_QR_KEYS_SECRET)")
    p.add_argument("--base-url", help="public call page origin (default EMS_PUBLIC_BASE_URL)")
    p.set_defaults(run=run)


def building(value: str) -> AddressSelection:
    parts = value.split("+")
    if len(parts) not in (2, 3) or not all(parts):
        raise argparse.ArgumentTypeError(f"{value!r}: expected ROAD+NUMBER or ROAD+NUMBER+BUILDING")
    return AddressSelection(road=parts[0], number=parts[1], building=parts[2] if len(parts) == 3 else None)


def run(args: argparse.Namespace) -> int:
    _configure(args)
    from chalicelib.addresses.wiring import get_address_source
    from chalicelib.core.auth import Principal, Role
    from chalicelib.platform import audit
    from chalicelib.qr.revocations import RevocationSet
    from chalicelib.qr.svg import COLS, ROWS, sheet_svg
    from chalicelib.qr.wiring import get_key_ring, get_revocation_store, public_base_url

    selections = _selections(args)
    addresses, retired = collect(get_address_source().select(s) for s in selections)
    if not addresses:
        print(f"no active address matches ({retired} retired)", file=sys.stderr)
        return 1
    counties = sorted({a.county for a in addresses})
    if len(counties) > 1 and not args.county:
        # Community names repeat across counties (溪口社区 ...): say so before anyone prints.
        print(
            f"warning: matches {len(counties)} counties ({', '.join(counties)}); narrow with --county", file=sys.stderr
        )
    plates = sign_all(addresses, revoked=RevocationSet.of(get_revocation_store().all()), base_url=public_base_url())
    title = args.community or " / ".join("+".join(b for b in (s.road, s.number, s.building) if b) for s in selections)
    args.out.write_text(sheet_svg(plates, title=title), encoding="utf-8")
    kid = get_key_ring().current_kid
    who = Principal(subject=f"cli:{getpass.getuser()}", role=Role.ADMIN, scopes=[])
    audit.record(who, f"qr-sheet#{title}", "qr.print-sheet", f"{len(plates)} plates kid={kid}")
    pages = -(-len(plates) // (COLS * ROWS))
    print(f"{len(plates)} doorplates on {pages} A4 page(s) -> {args.out} (skipped {retired} retired)")
    return 0


def collect(batches: Iterable[Iterable[Address]]) -> tuple[list[Address], int]:
    """Active addresses in stairwell order (road, number, building, unit, floor, room); retired count."""
    found = {a.code: a for batch in batches for a in batch}
    active = [a for a in found.values() if a.status is AddressStatus.ACTIVE]
    fields = ("community", "road", "number", "building", "unit", "floor", "room")
    active.sort(key=lambda a: [_natural(getattr(a, f)) for f in fields])
    return active, len(found) - len(active)


def sign_all(addresses: list[Address], *, revoked: Any, base_url: str) -> list[Any]:
    from chalicelib.addresses import service
    from chalicelib.qr.wiring import get_key_ring

    ring, now = get_key_ring(), int(time.time())
    return [
        service.issue(a, ring=ring, revoked_at=revoked.addresses.get(a.code), now=now, base_url=base_url).plate
        for a in addresses
    ]


def _natural(value: object) -> list[Any]:
    # "2" before "10"; digits land on odd indices, so ints and strs are never compared.
    return [int(t) if i % 2 else t for i, t in enumerate(re.split(r"(\d+)", "" if value is None else str(value)))]


def _selections(args: argparse.Namespace) -> list[AddressSelection]:
    if args.community:
        return [AddressSelection(community=args.community, county=args.county)]
    return [
        AddressSelection(road=b.road, number=b.number, building=b.building, county=args.county) for b in args.building
    ]


def _configure(args: argparse.Namespace) -> None:
    """Flags become EMS_* variables before the settings are first read (this is its own process)."""
    env: dict[str, str | None] = {}
    if args.devstack or (args.endpoint_url and LOOPBACK.match(args.endpoint_url)):
        from devstack import qr_keys
        from devstack.config import StackConfig
        from devstack.state import running

        cfg = StackConfig.from_env()
        # The running stack's own ports (its stack.json), whatever flags it was started with.
        stack = running(args.state_dir) or {}
        moto = stack.get("moto", cfg.moto_url)
        api = str(stack.get("api", cfg.api_url)).removesuffix("/v1")
        env |= {"EMS_AWS_ENDPOINT_URL": moto, "EMS_TABLE_PREFIX": stack.get("table_prefix", cfg.prefix)}
        env |= {"AWS_REGION": stack.get("region", cfg.region)}
        env |= {"EMS_QR_KEYS_FILE": str(qr_keys.key_file(args.state_dir)), "EMS_PUBLIC_BASE_URL": api}
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env[name] = os.environ.get(name, "devstack")  # moto accepts any credentials
    flags = {
        "EMS_AWS_ENDPOINT_URL": args.endpoint_url,
        "EMS_TABLE_PREFIX": args.table_prefix,
        "EMS_QR_KEYS_FILE": args.keys_file,
        "EMS_QR_KEYS_SECRET": args.keys_secret,
        "EMS_PUBLIC_BASE_URL": args.base_url,
    }
    env |= {k: v for k, v in flags.items() if v}  # an explicit flag beats a devstack default
    os.environ.update({k: v for k, v in env.items() if v})

"""Every domain's tables, for the stacks, the local stack and the tests (never a request path).

Each domain declares its tables in its own `dal.py`; importing them registers them with
`chalicelib.core.tables`. This module, above the domains, is the one place that knows them all.
"""

from __future__ import annotations

from importlib import import_module

from pynamodb.models import Model

from chalicelib.core import tables

# Domains that own tables, each in its `dal.py`.
OWNERS = (
    "addresses",
    "aeds",
    "archive",
    "bookings",
    "consultations",
    "coresponse",
    "cpr",
    "devicefiles",
    "fleet",
    "handover",
    "healthaccess",
    "hospitals",
    "incidents",
    "platform",
    "qr",
    "telemetry",
    "timeline",
    "triage",
    "volunteers",
)


def all_models() -> list[type[Model]]:
    for owner in OWNERS:
        import_module(f"chalicelib.{owner}" if "." in owner else f"chalicelib.{owner}.dal")
    return tables.registered()

"""Deterministic demo data shaped like Zhangzhou: counties, standard addresses, stations,
ambulances, hospitals, AEDs and volunteers.

    data = generate(addresses=3000, volunteers=300)
    load(data)             # into the registered tables (bound via chalicelib.core.tables)
    facts = fixtures(data) # JSON-ready, no personal data
"""

from __future__ import annotations

from devstack.seed.generate import DEFAULT_SEED, Seed, fixtures, generate
from devstack.seed.load import load

__all__ = ["DEFAULT_SEED", "Seed", "fixtures", "generate", "load"]

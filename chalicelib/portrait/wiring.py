"""The portrait's sources, built on first use (the composition root caches them)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.portrait.ports import PortraitSources


@provider
def get_sources() -> PortraitSources:
    from chalicelib.portrait.adapters import DomainSources

    return DomainSources()

"""What other domains ask of the AED registry: the usable AEDs near a place, and who keeps one."""

from __future__ import annotations

from chalicelib.aeds.entities import Aed, AedStatus, AedVerification
from chalicelib.aeds.service import usable_aed_near, usable_near

__all__ = ["Aed", "AedStatus", "AedVerification", "keepers_of", "usable_aed_near", "usable_near"]


def keepers_of(aed_id: str) -> list[str]:
    """The volunteer ids who asked to be told when this AED is needed."""
    from chalicelib.aeds.wiring import get_store

    return get_store().keepers(aed_id)

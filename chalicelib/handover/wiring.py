"""The handover's ports, built on first use (the composition root caches them)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.handover.ports import HandoverPorts


@provider
def get_ports() -> HandoverPorts:
    from chalicelib.handover.adapters import BookingsAdmissions, DomainFacts, DomainFollowers, DynamoHandoverStore

    return HandoverPorts(
        store=DynamoHandoverStore(), admissions=BookingsAdmissions(), facts=DomainFacts(), followers=DomainFollowers()
    )

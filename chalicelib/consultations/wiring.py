"""The consultations' ports, built on first use (the composition root caches them)."""

from __future__ import annotations

from chalicelib.consultations.ports import ConsultationPorts
from chalicelib.core.root import provider


@provider
def get_ports() -> ConsultationPorts:
    from chalicelib.consultations.adapters.store import DynamoConsultationStore
    from chalicelib.video.api import provider as video

    return ConsultationPorts(store=DynamoConsultationStore(), video=video())

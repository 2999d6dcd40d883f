"""What other domains may ask of the timeline: the response's own time nodes (telephone CPR,
volunteers) and a refresh of the incident's KPI summary."""

from __future__ import annotations

from datetime import datetime

from chalicelib.timeline import nodes, service
from chalicelib.timeline.nodes import label, node_at, nodes_of, record_node, source, valid

__all__ = ["label", "node_at", "nodes_of", "record_node", "refresh_kpis", "source", "valid"]
LABELS = nodes.LABELS


def refresh_kpis(incident_id: str, now: datetime) -> None:
    """Recompute the incident's KPI summary (e.g. at handover, when the prehospital intervals are complete)."""
    service.refresh(incident_id, now)

"""The timeline's ports, built on first use (`core.root` forgets them on reset)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.timeline.ports import Consultations, ResponseNodeStore, TimelineStore


@provider
def get_timeline_store() -> TimelineStore:
    from chalicelib.timeline.adapters import DynamoTimelineStore

    return DynamoTimelineStore()


@provider
def get_response_nodes() -> ResponseNodeStore:
    from chalicelib.timeline.adapters import DynamoResponseNodes

    return DynamoResponseNodes()


@provider
def get_consultations() -> Consultations:
    from chalicelib.timeline.adapters import DynamoConsultations

    return DynamoConsultations()

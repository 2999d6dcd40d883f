"""Dispatch's ports and settings, built on first use (never at import: cold start, moto)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.core.clock import utcnow
from chalicelib.core.config import get_settings
from chalicelib.dispatch.assign import Ports, Search, Waits
from chalicelib.dispatch.deps import get_candidate_source, get_eta_provider
from chalicelib.dispatch.models import Point
from chalicelib.dispatch.ports import DispatchStore
from chalicelib.dispatch.service import RecommendationResult, recommend_for
from chalicelib.fleet.models import UnitType


@lru_cache(maxsize=1)
def get_dispatch_store() -> DispatchStore:
    from chalicelib.dispatch.claims import DynamoDispatchStore

    return DynamoDispatchStore()


@lru_cache(maxsize=1)
def get_ports() -> Ports:
    from chalicelib.dispatch.adapters import (
        EventBridgeCoResponders,
        MqttCrewChannel,
        StepFunctionsWaker,
        board_alert,
    )

    return Ports(
        store=get_dispatch_store(),
        crew=MqttCrewChannel(),
        co=EventBridgeCoResponders(),
        waker=StepFunctionsWaker(),
        alerts=board_alert,
    )


def get_waits() -> Waits:
    s = get_settings()
    return Waits(county_s=s.escalate_after_s, city_s=s.redispatch_after_s)


def get_search() -> Search:
    s = get_settings()

    def search(point: Point, needs: UnitType, county: str, city_wide: bool) -> RecommendationResult:
        return recommend_for(
            point,
            needs,
            county,
            utcnow(),
            get_candidate_source(),
            get_eta_provider(),
            want=s.dispatch_candidates,
            max_age_s=s.position_max_age_s,
            city_wide=city_wide,
        )

    return search


def reset() -> None:
    """Tests only."""
    get_dispatch_store.cache_clear()
    get_ports.cache_clear()

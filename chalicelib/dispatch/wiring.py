"""Dispatch's ports, built on first use (never at import: cold start, moto)."""

from __future__ import annotations

from chalicelib.core.clock import utcnow
from chalicelib.core.config import get_settings, settings_of
from chalicelib.core.root import provider
from chalicelib.dispatch.entities import Point
from chalicelib.dispatch.eta import EtaProvider
from chalicelib.dispatch.ports import CandidateSource, DispatchStore
from chalicelib.dispatch.service import RecommendationResult, recommend_for
from chalicelib.dispatch.service.assign import Ports, Search, Waits
from chalicelib.dispatch.settings import DispatchSettings
from chalicelib.fleet.entities import UnitType


@provider
def get_eta_provider() -> EtaProvider:
    from chalicelib.dispatch.eta import ModelEta, profiles_with

    s = settings_of(DispatchSettings)
    model = ModelEta(profiles_with(s.eta_profiles))
    if s.eta_provider == "model":
        return model
    if s.eta_provider == "amazon-location":
        from chalicelib.dispatch.adapters.routing import FallbackEta, LocationRoutesEta

        return FallbackEta(LocationRoutesEta(), model, timeout_s=s.route_timeout_s)
    raise ValueError(f"unknown EMS_ETA_PROVIDER: {s.eta_provider!r}")


@provider
def get_candidate_source() -> CandidateSource:
    from chalicelib.dispatch.adapters.candidates import DynamoCandidateSource

    return DynamoCandidateSource()


@provider
def get_dispatch_store() -> DispatchStore:
    from chalicelib.dispatch.adapters.claims import DynamoDispatchStore

    return DynamoDispatchStore()


@provider
def get_ports() -> Ports:
    from chalicelib.dispatch.adapters.aws import (
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
    s = settings_of(DispatchSettings)
    return Waits(county_s=s.escalate_after_s, city_s=s.redispatch_after_s)


def get_search() -> Search:
    want = settings_of(DispatchSettings).dispatch_candidates
    max_age_s = get_settings().position_max_age_s

    def search(point: Point, needs: UnitType, county: str, city_wide: bool) -> RecommendationResult:
        return recommend_for(
            point,
            needs,
            county,
            utcnow(),
            get_candidate_source(),
            get_eta_provider(),
            want=want,
            max_age_s=max_age_s,
            city_wide=city_wide,
        )

    return search

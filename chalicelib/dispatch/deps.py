"""Cached factories of dispatch's ports, built on first use (never at import: cold start, moto)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.dispatch.candidates import CandidateSource
from chalicelib.dispatch.eta import EtaProvider


@lru_cache(maxsize=1)
def get_eta_provider() -> EtaProvider:
    from chalicelib.core.config import get_settings
    from chalicelib.dispatch.eta import ModelEta, profiles_with

    s = get_settings()
    model = ModelEta(profiles_with(s.eta_profiles))
    if s.eta_provider == "model":
        return model
    if s.eta_provider == "amazon-location":
        from chalicelib.dispatch.fallback import FallbackEta
        from chalicelib.dispatch.location_adapter import LocationRoutesEta

        return FallbackEta(LocationRoutesEta(), model, timeout_s=s.route_timeout_s)
    raise ValueError(f"unknown EMS_ETA_PROVIDER: {s.eta_provider!r}")


@lru_cache(maxsize=1)
def get_candidate_source() -> CandidateSource:
    from chalicelib.dispatch.store import DynamoCandidateSource

    return DynamoCandidateSource()


def reset() -> None:
    """Tests only: rebuild the ports after the settings or endpoint change."""
    from chalicelib.dispatch.store import station_points

    get_eta_provider.cache_clear()
    get_candidate_source.cache_clear()
    station_points.cache_clear()

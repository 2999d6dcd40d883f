"""Routing with a safety net: a failed or slow provider degrades the estimate, never the dispatch."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from datetime import datetime
from functools import cache

from chalicelib.core.observability import logger
from chalicelib.dispatch.eta import EtaProvider
from chalicelib.dispatch.models import Eta, Point


@cache
def _pool() -> ThreadPoolExecutor:
    # Created on first use, not at import (cold start). A timed-out call keeps its thread
    # until botocore's own read timeout ends it; a few workers absorb that.
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="eta")


class FallbackEta(EtaProvider):
    def __init__(self, primary: EtaProvider, fallback: EtaProvider, timeout_s: float = 2.0) -> None:
        self._primary, self._fallback, self._timeout_s = primary, fallback, timeout_s

    def matrix(self, origins: list[Point], destination: Point, at: datetime) -> list[Eta]:
        if not origins:
            return []
        future = _pool().submit(self._primary.matrix, origins, destination, at)
        try:
            etas = future.result(timeout=self._timeout_s)
            if len(etas) != len(origins):
                raise ValueError(f"{len(etas)} estimates for {len(origins)} origins")
            return etas
        except FutureTimeout:
            future.cancel()
            reason = f"routing timed out after {self._timeout_s:g} s"
        except Exception as exc:  # any provider failure must fall back, whatever its type
            reason = f"routing failed: {type(exc).__name__}"
        logger().warning("eta degraded", extra={"reason": reason})
        estimates = self._fallback.matrix(origins, destination, at)
        return [replace(e, degraded=True, reason=reason) for e in estimates]

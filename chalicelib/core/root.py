"""The composition root: every lazily built, cached port of every domain, and one `reset()`.

Domains declare their factories with `@provider` in their `wiring.py` and register per-process
state that is not a cache (bound tables, rate-limit windows) with `on_reset`. Nothing is built at
import: a factory runs on first use, once per container, so cold start pays only for what a request
touches. Tests (and the local stack between runs) call `reset()` once instead of clearing caches
one by one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from functools import _lru_cache_wrapper

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_lock = threading.Lock()
_caches: list[Any] = []
_hooks: list[Callable[[], None]] = []


def provider(factory: Callable[..., T]) -> _lru_cache_wrapper[T]:
    """Cache `factory` per distinct arguments until `reset()`; the one cache decorator of the tree."""
    cached = lru_cache(maxsize=None)(factory)
    with _lock:
        _caches.append(cached)
    return cached


def on_reset(hook: F) -> F:
    """Run `hook` on every `reset()` (state a provider cache does not hold)."""
    with _lock:
        _hooks.append(hook)
    return hook


def reset() -> None:
    """Forget every built port and per-process state: the next use builds afresh (new settings,
    new endpoint, new prefix)."""
    with _lock:
        caches, hooks = list(_caches), list(_hooks)
    for cached in caches:
        cached.cache_clear()
    for hook in hooks:
        hook()

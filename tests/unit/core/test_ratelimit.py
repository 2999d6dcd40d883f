from __future__ import annotations

import pytest

from chalicelib.core.ratelimit import RateLimited, SlidingWindow


def test_allows_the_limit_then_refuses_with_retry_after() -> None:
    window = SlidingWindow(limit=3, window_s=60)
    for t in (0, 1, 2):
        window.check("ip1", now=t)
    with pytest.raises(RateLimited) as err:
        window.check("ip1", now=3)
    assert err.value.status == 429 and err.value.details["retry_after_s"] == 58
    window.check("ip2", now=3)  # other clients are unaffected


def test_window_slides() -> None:
    window = SlidingWindow(limit=1, window_s=10)
    window.check("a", now=0)
    window.check("a", now=10.5)


def test_memory_stays_bounded() -> None:
    window = SlidingWindow(limit=1, window_s=10, max_clients=2000)
    for i in range(5000):
        window.check(f"ip{i}", now=i / 1000)
    assert len(window._hits) <= 2000

"""Concurrent requests on the devstack's API server never see each other's request."""

from __future__ import annotations

import threading

from chalice import Chalice

from devstack.api_server import thread_local_requests


def test_current_request_is_per_thread() -> None:
    app = Chalice(app_name="t")
    thread_local_requests(app)
    seen: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        app.current_request = name  # type: ignore[assignment]
        barrier.wait()
        seen[name] = app.current_request

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"a": "a", "b": "b"}

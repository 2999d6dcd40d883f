"""The Chalice API on chalice's own local server, in a thread.

API Gateway answers an unknown route with 403 "Missing Authentication Token"; the
deployed API maps that gateway response to a 404 in the project's error format, and
this handler does the same locally so clients see one behaviour.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer, LocalGatewayException, ThreadedHTTPServer

from devstack.console import log_only

NOT_FOUND = json.dumps({"error": {"code": "not_found", "message": "no such route"}}).encode()


class BurstServer(ThreadedHTTPServer):
    """One thread per connection, and a listen backlog that holds a burst.

    http.server's default backlog is 5: a sixth client connecting while the accept loop is busy
    gets its connection reset. A phone-sized burst (a building's residents, a test's 50 clients)
    waits in the kernel's queue instead.
    """

    request_queue_size = 256
    daemon_threads = True


class Handler(ChaliceRequestHandler):
    def _send_error_response(self, error: LocalGatewayException) -> None:
        if error.CODE == 403 and b"Missing Authentication Token" in (error.body or b""):
            self._send_http_response(404, {"Content-Type": "application/json"}, NOT_FOUND)
            return
        super()._send_error_response(error)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines go to the devstack's log file (devstack/console.py), not to stderr.
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        log_only(f"{stamp} {self.address_string()} {format % args}")


def thread_local_requests(chalice_app: Any) -> None:
    """Give each server thread its own `current_request`/`lambda_context`.

    In Lambda one container serves one request at a time, so Chalice keeps the request on
    the app object; chalice's threaded local server would let concurrent requests see each
    other's. Per-thread storage keeps the devstack concurrent and correct.
    """
    local = threading.local()

    def slot(name: str) -> property:
        return property(lambda self: getattr(local, name, None), lambda self, value: setattr(local, name, value))

    cls = type(chalice_app)
    if getattr(cls, "_thread_local_requests", False):
        return
    chalice_app.__class__ = type(
        cls.__name__,
        (cls,),
        {"current_request": slot("request"), "lambda_context": slot("context"), "_thread_local_requests": True},
    )


class ApiServer:
    def __init__(self, chalice_app: Any, *, host: str, port: int, stage: str = "local") -> None:
        thread_local_requests(chalice_app)
        config = Config.create(chalice_stage=stage, app_name=chalice_app.app_name, lambda_timeout=30)
        self.server = LocalDevServer(chalice_app, config, host, port, handler_cls=Handler, server_cls=BurstServer)
        self._thread = threading.Thread(target=self.server.server.serve_forever, name="api", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server.server_close()
        self._thread.join(timeout=5)

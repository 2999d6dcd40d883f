"""The Chalice API on chalice's own local server, in a thread.

API Gateway answers an unknown route with 403 "Missing Authentication Token"; the
deployed API maps that gateway response to a 404 in the project's error format, and
this handler does the same locally so clients see one behaviour.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer, LocalGatewayException

NOT_FOUND = json.dumps({"error": {"code": "not_found", "message": "no such route"}}).encode()


class Handler(ChaliceRequestHandler):
    def _send_error_response(self, error: LocalGatewayException) -> None:
        if error.CODE == 403 and b"Missing Authentication Token" in (error.body or b""):
            self._send_http_response(404, {"Content-Type": "application/json"}, NOT_FOUND)
            return
        super()._send_error_response(error)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines go through the app's JSON logger; keep stderr quiet.
        return


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
        self.server = LocalDevServer(chalice_app, config, host, port, handler_cls=Handler)
        self.server.server.daemon_threads = True
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

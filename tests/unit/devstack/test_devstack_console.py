"""The devstack console: the banner and a digest of each warning; JSON lines in the log file."""

from __future__ import annotations

import io
import json

from devstack.console import ConsoleRouter


def _router(everything: bool = False) -> tuple[ConsoleRouter, io.StringIO, io.StringIO]:
    console, log = io.StringIO(), io.StringIO()
    return ConsoleRouter(console, log, everything=everything), console, log


def test_json_lines_and_metrics_go_to_the_log_file_and_the_banner_stays_on_the_console() -> None:
    router, console, log = _router()
    info = json.dumps({"level": "INFO", "message": "served", "correlation_id": "c1"})
    emf = json.dumps({"_aws": {"CloudWatchMetrics": []}, "CallLinked": [1.0]})
    router.write("READY - press Ctrl-C to stop\n" + info + "\n")
    router.write(emf[:10])  # a line written in two pieces is routed once whole
    router.write(emf[10:] + "\n")
    router.log_only('127.0.0.1 "GET /v1/health HTTP/1.1" 200 -')

    assert console.getvalue() == "READY - press Ctrl-C to stop\n"
    assert log.getvalue().splitlines() == [info, emf, '127.0.0.1 "GET /v1/health HTTP/1.1" 200 -']


def test_a_warning_or_an_error_also_shows_on_the_console_as_one_readable_line() -> None:
    router, console, log = _router()
    record = {"level": "ERROR", "message": "handler failed", "location": "lambda_entry:31", "correlation_id": "c9"}
    router.write(json.dumps({**record, "exception_name": "KeyError"}) + "\n")

    assert console.getvalue() == "  ERROR  handler failed  [KeyError]  (lambda_entry:31, c9)\n"
    assert json.loads(log.getvalue())["message"] == "handler failed"


def test_verbose_sends_everything_to_the_console_too() -> None:
    router, console, log = _router(everything=True)
    info = json.dumps({"level": "INFO", "message": "served"})
    router.write(info + "\n")
    router.log_only("request line")

    assert console.getvalue().splitlines() == [info, "request line"]
    assert log.getvalue().splitlines() == [info, "request line"]

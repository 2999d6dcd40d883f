"""Phone and ID-card numbers never reach the logs."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.observability import bind_correlation_id, end_invocation, logger, mask_pii


def test_log_lines_are_json_with_correlation_id_and_masked_pii() -> None:
    log = logger()
    stream = io.StringIO()
    # The handler keeps the stream it was created with; read this test's lines from our own.
    previous = log.registered_handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        bind_correlation_id("corr-123")
        log.info("caller 13912345678 id 350602199001011234", extra={"phone": "+86 13800138000"})
    finally:
        end_invocation()
        log.registered_handler.setStream(previous)  # type: ignore[attr-defined]
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["correlation_id"] == "corr-123"
    text = json.dumps(line)
    assert "13912345678" not in text and "350602199001011234" not in text and "13800138000" not in text
    assert "139****5678" in line["message"]
    assert "350602********4" in line["message"]


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mobile_number_is_masked(phone: str) -> None:
    assert phone not in mask_pii(f"call from {phone} now")


@given(st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True))
def test_every_id_number_is_masked(id_number: str) -> None:
    assert id_number not in mask_pii(f"id={id_number};")


def test_short_numbers_are_left_alone() -> None:
    assert mask_pii("unit 12 at 2026-11-25 bed 3") == "unit 12 at 2026-11-25 bed 3"


def test_phone_numbers_with_separators_and_landlines_are_masked() -> None:
    from chalicelib.core.observability import mask_phone

    for raw in ("138-1234-5678", "138 1234 5678", "+86 138 1234 5678", "0596-2345678", "0596 2345678"):
        masked = mask_pii(f"caller {raw} again")
        assert raw not in masked, masked
    assert mask_phone("+86 138-1234-5678") == "*********5678"


def test_a_lambda_entry_leaves_no_function_key_on_the_next_invocations_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import nullcontext

    from chalicelib.core import lambdas
    from chalicelib.core.lambdas import lambda_entry
    from chalicelib.core.observability import current_keys

    monkeypatch.setattr(lambdas, "traced", lambda *_: nullcontext())  # no X-Ray daemon in a unit test

    seen: list[object] = []

    def ingest_something(event: dict[str, object]) -> str:
        seen.append(current_keys().get("function"))
        return "done"

    assert lambda_entry(ingest_something, {}, None) == "done"
    assert seen == ["ingest_something"]  # on the handler's own lines
    assert "function" not in current_keys()  # not on an API request served next in the process

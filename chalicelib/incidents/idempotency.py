"""`Idempotency-Key` for call intake, on Powertools' idempotency utility.

A retry with the same key and body returns the first response; the same key with a
different body is refused (409), so a lost connection never creates a second incident.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.core.errors import BadRequest, Conflict

KEY_PATTERN = r"^[A-Za-z0-9_\-:.]{8,128}$"
EXPIRES_AFTER_S = 24 * 3600


def run_once(
    scope: str, key: str, body: dict[str, Any], produce: Callable[[], dict[str, Any]], lambda_context: Any = None
) -> dict[str, Any]:
    import re

    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    from chalicelib.platform.api import idempotency_layer

    if not re.match(KEY_PATTERN, key):
        raise BadRequest("Idempotency-Key must be 8-128 of [A-Za-z0-9_-:.]", code="invalid_idempotency_key")
    config = IdempotencyConfig(
        event_key_jmespath="key", payload_validation_jmespath="body", expires_after_seconds=EXPIRES_AFTER_S
    )
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        # Lets an in-progress record expire with the invocation, so a timed-out call can be retried.
        config.register_lambda_context(lambda_context)

    @idempotent_function(data_keyword_argument="request", persistence_store=idempotency_layer(), config=config)
    def once(request: dict[str, Any]) -> dict[str, Any]:
        return produce()

    try:
        return once(request={"key": f"{scope}:{key}", "body": body})  # type: ignore[no-any-return]
    except IdempotencyValidationError as exc:
        raise Conflict("this Idempotency-Key was used with a different body", code="idempotency_key_reused") from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict("a request with this Idempotency-Key is in progress", code="request_in_progress") from exc

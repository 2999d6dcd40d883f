"""Read-modify-write of a JSON attribute without losing a concurrent writer's change.

The write is conditional on the attribute still holding what was read (JSONAttribute stores one string,
so equality is exact); on a conflict the item is read again and the change applied to what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.attributes import JSONAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

ATTEMPTS = 5


class StillConflicting(Exception):
    """Another writer kept winning, or `also` no longer holds (the caller re-reads to tell which)."""


def rewrite(
    record: Model, attribute: JSONAttribute, change: Callable[[Any], Any], also: Condition | None = None
) -> None:
    """Set `attribute` to `change(current)`, current as last read, retrying on a concurrent change."""
    name = attribute.attr_name
    for _ in range(ATTEMPTS):
        current = getattr(record, name)
        unchanged = attribute.does_not_exist() if current is None else attribute == current
        condition = unchanged & also if also is not None else unchanged
        try:
            record.update(actions=[attribute.set(change(current))], condition=condition)
            return
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
        record.refresh(consistent_read=True)
    raise StillConflicting(name)

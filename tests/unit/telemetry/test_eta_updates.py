"""When a transporting unit's ETA is worth telling the receiving hospital."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.telemetry.logic import eta_due

T = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last", "after_s", "eta_s", "due"),
    [
        (None, 0, 600, True),  # never told
        ((T, 600.0), 10, 590, False),  # on plan, just told
        ((T, 600.0), 10, 700, True),  # a jam: a minute and more later
        ((T, 600.0), 10, 530, True),  # a clear road: a minute and more earlier
        ((T, 600.0), 60, 560, True),  # a minute since: tell again anyway
        ((T, 600.0), 59, 545, False),
    ],
)
def test_eta_is_told_once_a_minute_or_when_it_moves_by_a_minute(
    last: tuple[datetime, float] | None, after_s: float, eta_s: float, due: bool
) -> None:
    assert eta_due(last, T + timedelta(seconds=after_s), eta_s) is due

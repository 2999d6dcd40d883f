"""Progress display: the line's format, redraw on a terminal, periodic lines in a log."""

from __future__ import annotations

import io

from admin.progress import Progress, duration, format_line


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_line_shows_share_count_rate_eta_and_rejects() -> None:
    line = format_line(412_350, 1_000_000, 1642.4, 3, bar_width=10, label="a.csv")
    assert line == "a.csv [####......]  41% 412,350/1,000,000 1,642 rows/s ETA 05:58 rejects 3"


def test_line_without_total_or_rate_says_so() -> None:
    assert format_line(0, None, None, 0) == "0 - rows/s ETA --:-- rejects 0"
    assert format_line(10, 1000, None, 0) == "  1% 10/1,000 - rows/s ETA --:-- rejects 0"


def test_an_estimated_total_passed_by_the_count_shows_100_percent() -> None:
    assert format_line(1010, 1000, 50.0, 0, bar_width=4).startswith("[####] 100% 1,010/1,010")


def test_durations() -> None:
    assert [duration(s) for s in (None, 0, 59.6, 61, 3600 * 2 + 5)] == ["--:--", "00:00", "01:00", "01:01", "2:00:05"]


def test_given_a_terminal_then_the_bar_redraws_one_line_and_notes_go_above_it() -> None:
    out, clock = io.StringIO(), Clock()
    p = Progress(out, 100, mode="bar", clock=clock)
    p.start()
    clock.now += 1
    p.update(10, 0)
    clock.now += 0.1
    p.update(20, 0)  # within the redraw interval: not shown
    p.note("line 7: bad")
    p.finish("imported 100")
    text = out.getvalue()
    assert text.count("\r\x1b[K") == 4  # bar, clear for note, redraw, clear for summary
    assert "\r\x1b[K[###" in text and "10/100 10 rows/s ETA 00:09" in text
    assert "line 7: bad\n" in text and "20/100" in text
    assert text.endswith("\r\x1b[Kimported 100\n")


def test_given_a_log_then_plain_lines_come_every_interval_and_rate_uses_a_window() -> None:
    out, clock = io.StringIO(), Clock()
    p = Progress(out, 50_000, mode="plain", interval_s=10, clock=clock)
    p.start()
    done = 0
    for step, rejected in [(100, 0)] * 30 + [(1000, 2)] * 20:  # 100 rows/s for 30 s, then 1000 rows/s
        clock.now += 1
        done += step
        p.update(done, rejected)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    # Not after the first update (start-up would be the rate), then every 10 s: t = 10, 20, 30, 40, 50.
    assert lines[0] == "  2% 1,000/50,000 100 rows/s ETA 08:10 rejects 0"
    assert lines[3] == " 26% 13,000/50,000 1,000 rows/s ETA 00:37 rejects 2"  # the last 10 s only
    assert len(lines) == 5


def test_given_a_resume_then_the_rate_counts_from_the_first_new_row() -> None:
    out, clock = io.StringIO(), Clock()
    p = Progress(out, 1000, mode="bar", clock=clock)
    p.start(600)
    clock.now += 30  # re-reading the 600 rows already written
    p.update(600, 0)
    clock.now += 1
    p.update(700, 0)
    assert p.rate() == 100.0


def test_given_off_then_only_notes_and_the_summary_are_written() -> None:
    out = io.StringIO()
    p = Progress(out, 10, mode="off")
    p.start()
    p.update(5, 1)
    p.note("line 3: bad")
    p.finish("done")
    assert out.getvalue() == "line 3: bad\ndone\n"

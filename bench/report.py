"""Writes one benchmark's section into docs/benchmarks.md between its markers."""

from __future__ import annotations

import statistics
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def pct(values: list[float], q: int) -> float:
    """Inclusive percentile: with a few dozen samples the exclusive method extrapolates past the maximum."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def write_section(marker: str, title: str, section: str, intro: str = "") -> None:
    """Replace the block between `<!-- marker:begin/end -->`, or append it under `title`."""
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{begin}\n{section}\n{end}"
    if begin in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        lead = f"{intro}\n\n" if intro else ""
        text += f"\n## {title}\n\n{lead}{block}\n"
    DOC.write_text(text, encoding="utf-8")

"""Language choice for user-facing text: zh-CN (the city's language) or en."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]


def pick_language(accept_language: str | None) -> Lang:
    """'en' when the browser ranks English above Chinese, else zh-CN (the city's language)."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().lower().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"

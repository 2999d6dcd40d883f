"""Runtime settings, read once from the environment on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.core.settings import Settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    from chalicelib.core.settings import Settings

    return Settings()

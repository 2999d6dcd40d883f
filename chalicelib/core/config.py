"""Runtime settings, read once from the environment on first use (never at import).

`get_settings()` holds what every domain shares (stage, region, tables, auth, publishing); a
domain's own knobs live in its `settings.py`, read with `settings_of(ItsSettings)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from chalicelib.core.root import provider

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

    from chalicelib.core.settings import Settings

S = TypeVar("S", bound="BaseSettings")


@provider
def get_settings() -> Settings:
    from chalicelib.core.settings import Settings

    return Settings()


@provider
def _load(model: type[BaseSettings]) -> BaseSettings:
    return model()


def settings_of(model: type[S]) -> S:
    """A domain's settings model, read from the environment once per container."""
    loaded = _load(model)
    assert isinstance(loaded, model)
    return loaded

"""The page's CSS and scripts (files beside this module, so Chalice packages them) and the
Content-Security-Policy that admits exactly those bytes inline, by hash."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from chalicelib.core.root import provider

HERE = Path(__file__).parent / "assets"


@dataclass(frozen=True)
class Assets:
    css: str
    scripts: tuple[str, ...]
    script_hashes: tuple[str, ...]
    style_hash: str

    def csp(self, *, scripts: bool) -> str:
        """Only our own inline code runs; the page may talk to its own API and nothing else."""
        directives = [
            "default-src 'none'",
            "script-src " + (" ".join(self.script_hashes) if scripts else "'none'"),
            f"style-src {self.style_hash}",
            "connect-src 'self'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
        return "; ".join(directives)


@provider
def load() -> Assets:
    """Read once per container, on the first page served rather than at import (cold start)."""
    css = _read("call.css")
    scripts = (_read("call.js"), _read("cpr.js"))
    return Assets(css=css, scripts=scripts, script_hashes=tuple(map(_hash, scripts)), style_hash=_hash(css))


def _read(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"

"""Read the address out of a QR token for display only.

The signature is checked by `POST /v1/calls`, not here: the page must render even while key
material is unreachable, and showing an unverified address is harmless because the call itself
is located from the verified token. Junk input yields None, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

MAX_TOKEN_CHARS = 1024  # the same bound POST /v1/calls applies; larger is junk, not a doorplate
_B64URL = re.compile(r"[A-Za-z0-9_-]{2,}")


@dataclass(frozen=True)
class Doorplate:
    code: str
    text: str


def read(token: str) -> Doorplate | None:
    """The address a token names, or None when it cannot be a doorplate token at all."""
    if len(token) > MAX_TOKEN_CHARS:
        return None
    parts = token.split(".")
    if len(parts) != 2 or not all(_B64URL.fullmatch(p) for p in parts):
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    if not isinstance(data, dict):
        return None
    code, text = data.get("a"), data.get("t")
    if not isinstance(code, str) or not code.strip() or len(code) > 64:
        return None
    # A token without display text still locates the caller; show the code rather than refuse.
    if not isinstance(text, str) or not text.strip():
        text = code
    return Doorplate(code=code.strip(), text=text.strip()[:200])

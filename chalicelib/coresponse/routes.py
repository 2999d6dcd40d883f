"""Co-responder API."""

from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
TAGS = ("co-response",)

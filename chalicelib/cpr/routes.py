"""Caller video and telephone-CPR API."""

from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
TAGS = ("cpr",)

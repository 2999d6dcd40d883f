"""Volunteer API: registry, duty and location, cardiac-arrest alerts."""

from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
TAGS = ("volunteers",)

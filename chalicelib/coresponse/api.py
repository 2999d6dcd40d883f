"""What other domains (and the local stack) use of co-response: the agencies, and the close hook."""

from __future__ import annotations

from chalicelib.coresponse.cleanup import incident_closed
from chalicelib.coresponse.logic import AGENCIES

__all__ = ["AGENCIES", "incident_closed"]

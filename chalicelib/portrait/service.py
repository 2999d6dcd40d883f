"""Reading an incident's portrait: the access rule and audit, then the facts it is drawn from."""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.auth import Principal
from chalicelib.portrait.logic import build
from chalicelib.portrait.ports import PortraitSources
from chalicelib.portrait.schemas import Portrait


def portrait(
    sources: PortraitSources, who: Principal, incident_id: str, now: datetime, *, picture: bool = False
) -> Portrait:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "portrait.read", now, "body map" if picture else None)
    return build(
        incident_id,
        assessment=sources.assessment(incident_id),
        monitor=sources.monitor(incident_id),
        summary=sources.summary(incident_id),
        now=now,
    )

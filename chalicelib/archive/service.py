"""Importing a resident record and identifying an incident's patient."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.archive import identity
from chalicelib.archive.schemas import IdentifyInput, IdentifyResult, ImportCounts, ImportResult
from chalicelib.core.auth import Principal
from chalicelib.core.errors import NotFound


def import_bundle(who: Principal, data: dict[str, Any], now: datetime) -> ImportResult:
    from chalicelib.archive.bundle import parse
    from chalicelib.archive.wiring import get_store, identity_key
    from chalicelib.platform import audit

    person = parse(data, identity_key())
    get_store().save(person, who.subject, now)
    audit.record(who, f"health_record:{person.person_key}", "archive.import")
    s = person.summary
    counts = ImportCounts(conditions=len(s.conditions), allergies=len(s.allergies),
                          medications=len(s.medications), observations=len(s.observations))  # fmt: skip
    lookups = [name for name, key in (("id_number", person.id_key), ("phone", person.phone_key)) if key]
    return ImportResult(person_key=person.person_key, lookups=lookups, counts=counts, anticoagulated=s.anticoagulated)


def identify(who: Principal, incident_id: str, inp: IdentifyInput, now: datetime) -> IdentifyResult:
    from chalicelib.archive.wiring import get_store, identity_key
    from chalicelib.healthaccess.api import decide
    from chalicelib.platform import audit

    # The crew of the unit on the job, or a dispatcher of the incident's county (the route admits no one else).
    access = decide(who, incident_id, now)
    basis, why = access.basis.value, f"; {access.reason}" if access.reason else ""
    key = identity_key()
    if inp.id_number is not None:
        by, lookup_key = "id_number", identity.id_key(key, inp.id_number)
    else:
        assert inp.phone and inp.family_name and inp.birth_date  # the input model requires them
        by, lookup_key = "phone", identity.phone_key(key, inp.phone, inp.family_name, inp.birth_date)
    store = get_store()
    found = store.find(lookup_key)
    if found.person_key is None or found.summary is None:
        reason = "ambiguous" if found.ambiguous else "no_record"
        audit.record(who, f"incident:{incident_id}", "patient.identify", f"by {by}: {reason}{why}", basis=basis)
        return IdentifyResult(matched=False, reason=reason)
    if not store.link(incident_id, found.person_key, now):
        raise NotFound("no such incident", code="incident_not_found")
    audit.record(who, f"incident:{incident_id}", "patient.identify", f"by {by}: matched{why}", basis=basis)
    return IdentifyResult(matched=True, summary=found.summary)

"""Every refusal on a health route is on the audit trail as `<action>.denied`.

A health route declares itself with `refused=audited("portrait.read")` on its `route(...)`, and
`chalicelib.core.http` hands this hook every 403 and 404 the route answers an authenticated caller:
the role list's refusal (an administrator, a caller), the access rule's, a scope check in the
domain. A refusal the access rule already wrote is not written twice.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from chalicelib.core.auth import Principal
from chalicelib.core.errors import DomainError
from chalicelib.core.http import RefusalHook
from chalicelib.platform.ports import PlatformStore

# Refusals already on the trail (by the access rule): the hook skips them. Weak: they go with the request.
_ON_TRAIL: weakref.WeakSet[BaseException] = weakref.WeakSet()

IncidentOf = Callable[[dict[str, str]], str | None]


def reason_of(err: DomainError) -> str:
    """What the trail says: the error code, or the reason a refusal hides from the caller (`scope_denied`)."""
    return str(getattr(err, "audit_reason", None) or err.code)


def mark_on_trail(err: BaseException) -> None:
    _ON_TRAIL.add(err)


def record_refusal(
    who: Principal, subject: str, action: str, err: DomainError, store: PlatformStore | None = None
) -> None:
    from chalicelib.platform import audit

    audit.record(who, subject, f"{action}.denied", reason_of(err), store=store)
    mark_on_trail(err)


def audited(action: str, incident: IncidentOf | None = None) -> RefusalHook:
    """The route's refusal hook: `<action>.denied` on the incident (found by `incident` from the path)."""

    def hook(who: Principal, params: dict[str, str], err: DomainError) -> None:
        if err in _ON_TRAIL:
            return
        record_refusal(who, _subject(params, incident, action), action, err)

    return hook


def _subject(params: dict[str, str], incident: IncidentOf | None, action: str) -> str:
    """The incident when it is known, else what the path names (booking:BK.., band:.., hospital:..), else
    the kind of thing the action is about (`wristband` for a refused bind, whose incident is in its body)."""
    incident_id = params.get("incident_id") or (incident(params) if incident else None)
    if incident_id:
        return f"incident:{incident_id}"
    if not params:
        return action.split(".", 1)[0]
    key, value = min(params.items())
    return f"{key.removesuffix('_id')}:{value}"

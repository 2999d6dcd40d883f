"""What other domains ask of the first-responder network: whose sign-in is which volunteer, whether one
is registered, and the workflow's hooks (an arrest found on assessment, the incident closed)."""

from __future__ import annotations

from chalicelib.core.auth import Principal

__all__ = ["arrest_found", "incident_closed", "is_registered", "volunteer_of"]


def volunteer_of(who: Principal) -> str:
    """The volunteer id of the sign-in (403 `scope_denied` when it names none, or several)."""
    from chalicelib.volunteers.answers import volunteer_of as of

    return of(who)


def is_registered(volunteer_id: str) -> bool:
    from chalicelib.volunteers.registry import is_registered as registered

    return registered(volunteer_id)


def arrest_found(incident_id: str) -> None:
    """An assessment found a cardiac arrest: alert volunteers too (best effort, never raises)."""
    from chalicelib.volunteers.service import arrest_found as found

    found(incident_id)


def incident_closed(incident_id: str) -> None:
    """Stand down whoever is still alerted or on the way (never raises)."""
    from chalicelib.volunteers.alerts import incident_closed as closed

    closed(incident_id)

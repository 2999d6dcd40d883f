"""Request and response bodies of the dispatcher's incident API."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from chalicelib.core.model import Model
from chalicelib.fleet.entities import UnitType
from chalicelib.incidents.entities import OPEN_STATUSES
from chalicelib.incidents.schemas import IncidentView, PublicLocation, Symptom

_ONE_OPEN_STATUS = "^(" + "|".join(sorted(OPEN_STATUSES)) + ")$"
UNIT_ID = r"^[A-Za-z0-9_-]{1,32}$"


class IncidentsQuery(Model):
    county: str | None = Field(None, pattern=r"^\d{6}$", description="Default: every county in the caller's scope")
    status: str | None = Field(
        None, pattern="^(" + "|".join(sorted(OPEN_STATUSES)) + ")$", description="One open status"
    )


class AssignRequest(Model):
    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=UNIT_ID)
    reason: str | None = Field(None, max_length=200, description="Kept in the audit trail")


class CancelRequest(Model):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200, description="Kept on the incident and in the audit trail")


class RecommendationView(Model):
    unit_id: str
    type: UnitType
    county: str
    eta_s: int
    distance_m: int
    reasons: list[str]
    degraded: bool


class AssignmentView(Model):
    unit_id: str
    assigned_at: datetime | None
    assigned_by: str = Field(description='"auto" for the automatic claim, else the dispatcher')
    crew_notified: bool


class DispatchView(Model):
    needs: UnitType
    level: str | None = Field(description='"county", or "city" once escalated')
    waiting_since: datetime | None
    recommendations: list[RecommendationView] = Field(description="Top 5 of the latest search, best first")
    recommended_at: datetime | None
    note: str | None = Field(description="Why the search is degraded, if it is")
    assignment: AssignmentView | None


class IncidentSummary(Model):
    incident_id: str
    status: str
    county: str
    location: PublicLocation
    symptoms: list[Symptom]
    created_at: datetime
    dispatch: DispatchView
    workflow: str


class IncidentList(Model):
    incidents: list[IncidentSummary] = Field(description="Open incidents, waiting ones first, then oldest first")


class AssignResult(Model):
    incident_id: str
    unit_id: str
    previous_unit_id: str | None
    status: str


class CancelResult(Model):
    incident_id: str
    status: str
    freed_unit_id: str | None


class IncidentDetail(IncidentView):
    """GET /v1/incidents/{id}: the incident, its calls, and how it is being dispatched."""

    dispatch: DispatchView
    attention: str | None = Field(None, description="Why the incident was handed to a dispatcher, if it was")


class DispatchEvent(Model):
    """The call-to-admission workflow's `dispatch_incident` task."""

    incident_id: str = Field(min_length=1, max_length=64)
    escalate: bool = False


class AwaitEvent(Model):
    """The workflow's `await_unit` task: its wait began, with this task token."""

    incident_id: str = Field(min_length=1, max_length=64)
    task_token: str = Field(min_length=1, max_length=4096)

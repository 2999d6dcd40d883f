"""The access rule's ports: PynamoDB look-ups and grants, and the break-the-glass alert on the
county's dispatch board topic (MQTT). Imported on first use."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core.tables import bound
from chalicelib.healthaccess.dal import AccessGrantRecord
from chalicelib.healthaccess.entities import Grant, GrantKind, IncidentRef
from chalicelib.healthaccess.ports import AccessAlerts, GrantStore, IncidentDirectory

KEEP_EXPIRED = timedelta(days=1)


class DynamoIncidentDirectory(IncidentDirectory):
    def get(self, incident_id: str) -> IncidentRef | None:
        from chalicelib.incidents import api as incidents

        # Only what decides access: the incident's calls and locations stay unread.
        r = incidents.look_up(incident_id, "destination_id")
        if r is None:
            return None
        return IncidentRef(r.incident_id, r.county, r.destination_id)


def grant_key(grantee: str, basis: str) -> str:
    return f"{grantee}#{basis}"


class DynamoGrantStore(GrantStore):
    def of_incident(self, incident_id: str) -> list[Grant]:
        return [_grant(r) for r in bound(AccessGrantRecord).query(incident_id)]

    def add(self, grant: Grant) -> None:
        bound(AccessGrantRecord)(
            grant.incident_id, grant_key(grant.grantee, grant.basis), holder=grant.grantee, basis=grant.basis,
            kind=grant.kind.value, reason=grant.reason, granted_by=grant.granted_by, granted_at=grant.granted_at,
            expires_at=grant.expires_at, remove_at=grant.expires_at + KEEP_EXPIRED,
        ).save()  # fmt: skip

    def revoke(self, incident_id: str, grantee: str, basis: str) -> bool:
        from pynamodb.exceptions import DeleteError

        record = bound(AccessGrantRecord)(incident_id, grant_key(grantee, basis))
        try:
            record.delete(condition=AccessGrantRecord.grant_key.exists())
        except DeleteError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _grant(r: AccessGrantRecord) -> Grant:
    return Grant(
        r.incident_id, r.holder or r.grant_key, GrantKind(r.kind), r.reason, r.granted_by, r.granted_at,
        r.expires_at, basis=r.basis or "",
    )  # fmt: skip


class BoardAlerts(AccessAlerts):
    def break_glass(self, county: str, message: dict[str, object]) -> None:
        from chalicelib.core.publisher import get_publisher
        from chalicelib.dispatch.api import board_topic

        # Looked up per call: the local stack installs its publisher after start-up.
        get_publisher().publish(board_topic(county), message, qos=1)

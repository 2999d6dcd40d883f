"""PynamoDB and boto3 implementations of the platform's ports: the store of heartbeats and the audit
trail, and the health probes."""

from __future__ import annotations

from chalicelib import tables as catalog
from chalicelib.core import tables
from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.tables import bound
from chalicelib.platform.dal import AuditRecord, HeartbeatRecord
from chalicelib.platform.entities import AuditEvent, Heartbeat
from chalicelib.platform.ports import PlatformStore, ServiceProbe


class BotoServiceProbe(ServiceProbe):
    def tables(self) -> dict[str, str]:
        ddb = client("dynamodb")
        out: dict[str, str] = {}
        for model in catalog.all_models():
            name = tables.bound(model).Meta.table_name
            out[name] = ddb.describe_table(TableName=name)["Table"]["TableStatus"]
        return out

    def state_machines(self) -> dict[str, str]:
        sfn = client("stepfunctions")
        return {
            logical: sfn.describe_state_machine(stateMachineArn=arn).get("status", "ACTIVE")
            for logical, arn in get_settings().state_machines.items()
        }


class DynamoPlatformStore(PlatformStore):
    def put_heartbeat(self, beat: Heartbeat) -> None:
        bound(HeartbeatRecord)(**beat.model_dump()).save()

    def heartbeats(self) -> dict[str, Heartbeat]:
        # A handful of components: a scan of this tiny table is the access pattern.
        rows = bound(HeartbeatRecord).scan()
        return {
            r.component: Heartbeat(component=r.component, ok=r.ok, at=r.at, source=r.source, detail=r.detail)
            for r in rows
        }

    def append_audit(self, event: AuditEvent) -> None:
        record = bound(AuditRecord)(**event.model_dump())
        # Append-only: an existing event id is never overwritten.
        record.save(condition=AuditRecord.event_id.does_not_exist())

    def audit_for(self, subject: str, limit: int) -> list[AuditEvent]:
        rows = bound(AuditRecord).query(subject, scan_index_forward=False, limit=limit)
        return [AuditEvent.model_validate(r.attribute_values) for r in rows]

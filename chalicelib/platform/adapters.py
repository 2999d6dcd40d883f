"""boto3 implementation of the health probes."""

from __future__ import annotations

from chalicelib import tables as catalog
from chalicelib.core import tables
from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.platform.ports import ServiceProbe


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

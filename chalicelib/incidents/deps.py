"""Cached factories of the incidents domain's ports, imported on first use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.incidents.ports import IncidentStore


@lru_cache(maxsize=1)
def get_incident_store() -> IncidentStore:
    from chalicelib.incidents.store import DynamoIncidentStore

    return DynamoIncidentStore()


@lru_cache(maxsize=1)
def get_idempotency_store() -> Any:
    """Powertools' DynamoDB persistence layer on the registered idempotency table."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from chalicelib.core.aws import client
    from chalicelib.core.tables import bound
    from chalicelib.platform.dal import IdempotencyRecord

    return DynamoDBPersistenceLayer(
        table_name=bound(IdempotencyRecord).Meta.table_name, boto3_client=client("dynamodb")
    )

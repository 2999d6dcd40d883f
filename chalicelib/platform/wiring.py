"""The platform's ports, built on first use. The implementations (pynamodb, boto3) are imported
inside the factories, not when the app is imported: that is most of a cold start."""

from __future__ import annotations

from typing import Any

from chalicelib.core.root import provider
from chalicelib.platform.ports import PlatformStore, ServiceProbe


@provider
def get_store() -> PlatformStore:
    from chalicelib.platform.adapters import DynamoPlatformStore

    return DynamoPlatformStore()


@provider
def get_probe() -> ServiceProbe:
    from chalicelib.platform.adapters import BotoServiceProbe

    return BotoServiceProbe()


@provider
def get_idempotency_layer() -> Any:
    """Powertools' DynamoDB persistence layer on the platform's idempotency table."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from chalicelib.core.aws import client
    from chalicelib.core.tables import bound
    from chalicelib.platform.dal import IdempotencyRecord

    table = bound(IdempotencyRecord).Meta.table_name
    return DynamoDBPersistenceLayer(table_name=table, boto3_client=client("dynamodb"))

"""One DynamoDB table per registered PynamoDB model, shaped by the model's own schema."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from chalicelib import tables as catalog
from chalicelib.core import tables
from infrastructure import constants
from infrastructure.nag import acknowledge

_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER, "B": dynamodb.AttributeType.BINARY}


def _keys(
    key_schema: list[dict[str, str]], types: dict[str, str]
) -> tuple[dynamodb.Attribute, dynamodb.Attribute | None]:
    """(partition key, sort key or None) from DynamoDB's KeySchema."""
    by_role = {
        k["KeyType"]: dynamodb.Attribute(name=k["AttributeName"], type=_TYPES[types[k["AttributeName"]]])
        for k in key_schema
    }
    return by_role["HASH"], by_role.get("RANGE")


def _projection(index: dict[str, Any]) -> tuple[dynamodb.ProjectionType, list[str] | None]:
    projection = index.get("projection", {})
    non_key = projection.get("NonKeyAttributes")
    return dynamodb.ProjectionType(projection.get("ProjectionType", "ALL")), list(non_key) if non_key else None


class Tables(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: str, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self.by_name: dict[str, dynamodb.Table] = {}
        self._indexes: dict[str, list[str]] = {}
        for model in catalog.all_models():
            logical = tables.logical_name(model)
            self.by_name[logical] = self._table(logical, tables.schema(model), tables.ttl_attribute(model), stage, key)
        self._backups(stage, key)

    def data_arns(self, logicals: Iterable[str] | None = None) -> list[str]:
        """The ARNs of these tables (default: every table) and of their indexes, named one by one (no `index/*`)."""
        arns = []
        for logical in self.by_name if logicals is None else logicals:
            table = self.by_name[logical]
            arns.append(table.table_arn)
            arns.extend(f"{table.table_arn}/index/{index}" for index in self._indexes[logical])
        return arns

    def _table(
        self, logical: str, schema: dict[str, Any], ttl: str | None, stage: str, key: kms.IKey
    ) -> dynamodb.Table:
        indexes = schema.get("global_secondary_indexes", []) + schema.get("local_secondary_indexes", [])
        self._indexes[logical] = [i["index_name"] for i in indexes]
        types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
        partition_key, sort_key = _keys(schema["key_schema"], types)
        table = dynamodb.Table(
            self,
            logical,
            table_name=constants.table_name(stage, logical),
            partition_key=partition_key,
            sort_key=sort_key,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            time_to_live_attribute=ttl,
        )
        for gsi in schema.get("global_secondary_indexes", []):
            gsi_partition, gsi_sort = _keys(gsi["key_schema"], types)
            projection, non_key = _projection(gsi)
            table.add_global_secondary_index(
                index_name=gsi["index_name"],
                partition_key=gsi_partition,
                sort_key=gsi_sort,
                projection_type=projection,
                non_key_attributes=non_key,
            )
        for lsi in schema.get("local_secondary_indexes", []):
            _, lsi_sort = _keys(lsi["key_schema"], types)
            assert lsi_sort is not None, f"{logical}: a local index needs a sort key"
            projection, non_key = _projection(lsi)
            table.add_local_secondary_index(
                index_name=lsi["index_name"], sort_key=lsi_sort, projection_type=projection, non_key_attributes=non_key
            )
        return table

    def _backups(self, stage: str, key: kms.IKey) -> None:
        # PITR covers 35 days; audit and health records need copies that outlive that window.
        vault = backup.BackupVault(
            self, "Vault", backup_vault_name=f"{constants.prefix(stage)}tables", encryption_key=key
        )
        plan = backup.BackupPlan(
            self,
            "Plan",
            backup_plan_name=f"{constants.prefix(stage)}tables",
            backup_vault=vault,
            backup_plan_rules=[backup.BackupPlanRule.daily(), backup.BackupPlanRule.monthly1_year()],
        )
        selection = plan.add_selection(
            "Tables", resources=[backup.BackupResource.from_dynamo_db_table(t) for t in self.by_name.values()]
        )
        acknowledge(
            selection,
            "The AWS-maintained policy documented for AWS Backup's service role.",
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSBackupServiceRolePolicyForBackup]",
        )

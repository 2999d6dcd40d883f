"""Stateful stack: the data key, one table per registered model, dead-letter queues."""

from __future__ import annotations

from aws_cdk.assertions import Match, Template

from chalicelib import tables as catalog
from chalicelib.core import tables
from infrastructure.constants import LAMBDA_TIMEOUT_S
from infrastructure.constructs.queues import queue_names
from iot_rules import CONSUMERS, work_queues
from tests.infrastructure.conftest import STAGE, Synth


def _key_ref(synth: Synth) -> dict[str, list[str]]:
    (key_id,) = synth.resources("stateful", "AWS::KMS::Key")
    return {"Fn::GetAtt": [key_id, "Arn"]}


def test_given_the_model_registry_then_one_table_per_model(synth: Synth) -> None:
    names = {r["Properties"]["TableName"] for r in synth.resources("stateful", "AWS::DynamoDB::Table").values()}
    assert names == {f"ems-{STAGE}-{tables.logical_name(m)}" for m in catalog.all_models()}


def test_every_table_is_cmk_encrypted_with_pitr_deletion_protection_and_retained(synth: Synth) -> None:
    template = Template.from_json(synth.templates["stateful"])
    for model in catalog.all_models():
        template.has_resource(
            "AWS::DynamoDB::Table",
            {
                "Properties": Match.object_like(
                    {
                        "TableName": f"ems-{STAGE}-{tables.logical_name(model)}",
                        "BillingMode": "PAY_PER_REQUEST",
                        "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": _key_ref(synth)},
                        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                        "DeletionProtectionEnabled": True,
                    }
                ),
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
            },
        )


def test_table_keys_indexes_and_ttl_follow_each_model(synth: Synth) -> None:
    by_name = {
        r["Properties"]["TableName"]: r["Properties"]
        for r in synth.resources("stateful", "AWS::DynamoDB::Table").values()
    }
    for model in catalog.all_models():
        props, schema = by_name[f"ems-{STAGE}-{tables.logical_name(model)}"], tables.schema(model)
        key = {(k["AttributeName"], k["KeyType"]) for k in schema["key_schema"]}
        assert {(k["AttributeName"], k["KeyType"]) for k in props["KeySchema"]} == key
        gsis = {g["index_name"] for g in schema["global_secondary_indexes"]}
        assert {g["IndexName"] for g in props.get("GlobalSecondaryIndexes", [])} == gsis
        ttl = tables.ttl_attribute(model)
        if ttl:
            assert props["TimeToLiveSpecification"] == {"AttributeName": ttl, "Enabled": True}
        else:
            assert "TimeToLiveSpecification" not in props


def test_the_data_key_rotates_and_is_retained(synth: Synth) -> None:
    Template.from_json(synth.templates["stateful"]).has_resource(
        "AWS::KMS::Key", {"Properties": Match.object_like({"EnableKeyRotation": True}), "DeletionPolicy": "Retain"}
    )


def test_every_dead_letter_queue_is_encrypted_tls_only_and_keeps_14_days(synth: Synth) -> None:
    template = Template.from_json(synth.templates["stateful"])
    assert len(queue_names()) > 1, "the IoT rules name at least one dead-letter queue, besides co-response's"
    for name in queue_names():
        template.has_resource_properties(
            "AWS::SQS::Queue",
            {
                "QueueName": f"ems-{STAGE}-{name}",
                "KmsMasterKeyId": _key_ref(synth),
                "MessageRetentionPeriod": 14 * 86400,
            },
        )
    template.resource_count_is("AWS::SQS::Queue", len(queue_names()) + len(work_queues()))
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )


def test_each_work_queue_redrives_to_its_dead_letter_queue_and_outlasts_its_consumer(synth: Synth) -> None:
    template = Template.from_json(synth.templates["stateful"])
    for name in work_queues():
        consumer = CONSUMERS[name]
        queues = template.find_resources("AWS::SQS::Queue", {"Properties": {"QueueName": f"ems-{STAGE}-{name}"}})
        (queue,) = queues.values()
        props = queue["Properties"]
        assert props["KmsMasterKeyId"] == _key_ref(synth)
        assert props["RedrivePolicy"]["maxReceiveCount"] == consumer.max_receive
        dlq = template.find_resources(
            "AWS::SQS::Queue", {"Properties": {"QueueName": f"ems-{STAGE}-{consumer.dead_letter}"}}
        )
        assert props["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [next(iter(dlq)), "Arn"]}
        # Lambda's guidance: a visibility timeout of at least six times the function's timeout
        assert props["VisibilityTimeout"] >= 6 * LAMBDA_TIMEOUT_S


def test_every_table_is_in_the_backup_plan(synth: Synth) -> None:
    (selection,) = synth.resources("stateful", "AWS::Backup::BackupSelection").values()
    selected = selection["Properties"]["BackupSelection"]["Resources"]
    assert len(selected) == len(catalog.all_models())


def test_the_identity_key_is_a_generated_secret_encrypted_with_the_data_key_and_kept(synth: Synth) -> None:
    template = Template.from_json(synth.templates["stateful"])
    secrets = template.find_resources(
        "AWS::SecretsManager::Secret", {"Properties": {"Name": f"ems-{STAGE}-identity-key"}}
    )
    (secret,) = secrets.values()
    assert secret["Properties"]["KmsKeyId"] == _key_ref(synth)
    assert secret["Properties"]["GenerateSecretString"]["GenerateStringKey"] == "key"
    assert secret["DeletionPolicy"] == "Retain"

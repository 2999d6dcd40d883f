"""IoT topic rules from `iot_rules/*.json`: SQL, Lambda/SQS actions and an errorAction each."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_iot as iot
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

import iot_rules
from infrastructure import constants
from infrastructure.constructs import grants

_Rule = iot.CfnTopicRule
_CONSUME = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")


class IotRules(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stage: str,
        function: Callable[[str], lambda_.IFunction],
        queues: Mapping[str, sqs.IQueue],
        work_queues: Mapping[str, sqs.IQueue],
        key: kms.IKey,
        function_policy: Callable[[str], iam.ManagedPolicy],
    ) -> None:
        super().__init__(scope, id)
        self._function, self._queues = function, {**queues, **work_queues}
        # IoT assumes this role only to deliver to the queues (actions and errorAction).
        self._role = iam.Role(self, "ActionsRole", assumed_by=iam.ServicePrincipal("iot.amazonaws.com"))
        self._delivers_to: dict[str, sqs.IQueue] = {}
        self.rules: dict[str, iot.CfnTopicRule] = {}
        failure_queue: dict[str, str] = {}
        for rule in iot_rules.load_rules():
            if "errorAction" not in rule:
                raise ValueError(f"iot rule {rule['name']} has no errorAction")
            topic_rule = _Rule(
                self,
                rule["name"],
                rule_name=constants.iot_rule_name(stage, rule["name"]),
                topic_rule_payload=_Rule.TopicRulePayloadProperty(
                    sql=rule["sql"],
                    aws_iot_sql_version=rule.get("sqlVersion", "2016-03-23"),
                    description=rule.get("description"),
                    rule_disabled=False,
                    actions=[self._action(a) for a in rule["actions"]],
                    error_action=self._action(rule["errorAction"]),
                ),
            )
            self.rules[rule["name"]] = topic_rule
            for name in iot_rules.rule_functions(rule):
                self._allow_invoke(rule["name"], name, topic_rule)
                if "sqs" in rule["errorAction"]:
                    failure_queue.setdefault(name, rule["errorAction"]["sqs"]["queue"])
        self._key = key
        self._on_failure(failure_queue, function_policy)
        self._consume(work_queues, function_policy)
        if self._delivers_to:
            iam.ManagedPolicy(
                self,
                "ActionsPolicy",
                roles=[self._role],
                statements=[grants.sqs_send(self._delivers_to.values()), grants.kms_data(key)],
            )

    def _action(self, action: Mapping[str, Any]) -> _Rule.ActionProperty:
        if "lambda" in action:
            arn = self._function(action["lambda"]["function"]).function_arn
            return _Rule.ActionProperty(lambda_=_Rule.LambdaActionProperty(function_arn=arn))
        if "sqs" in action:
            queue = self._queues[action["sqs"]["queue"]]
            self._delivers_to[action["sqs"]["queue"]] = queue
            return _Rule.ActionProperty(
                sqs=_Rule.SqsActionProperty(queue_url=queue.queue_url, role_arn=self._role.role_arn, use_base64=False)
            )
        raise ValueError(f"unsupported IoT rule action {sorted(action)}; add it to infrastructure/constructs/iot.py")

    def _allow_invoke(self, rule: str, name: str, topic_rule: iot.CfnTopicRule) -> None:
        lambda_.CfnPermission(
            self,
            f"{rule}-invokes-{name}",
            action="lambda:InvokeFunction",
            function_name=self._function(name).function_arn,
            principal="iot.amazonaws.com",
            source_arn=topic_rule.attr_arn,
            source_account=Aws.ACCOUNT_ID,
        )

    def _consume(self, work_queues: Mapping[str, sqs.IQueue], policy_of: Callable[[str], iam.ManagedPolicy]) -> None:
        """Each work queue drained by its consumer in batches, reporting failures per message."""
        for name, queue in sorted(work_queues.items()):
            consumer = iot_rules.CONSUMERS[name]
            policy = policy_of(consumer.function)
            mapping = lambda_.CfnEventSourceMapping(
                self,
                f"{name}-consumer",
                function_name=self._function(consumer.function).function_name,
                event_source_arn=queue.queue_arn,
                batch_size=consumer.batch_size,
                maximum_batching_window_in_seconds=consumer.window_s,
                function_response_types=["ReportBatchItemFailures"],
            )
            # Lambda checks the role when the mapping is created: the grants below must exist first.
            mapping.add_dependency(policy.node.default_child)  # type: ignore[arg-type]
            policy.add_statements(
                iam.PolicyStatement(
                    actions=list(_CONSUME),
                    resources=[queue.queue_arn],
                ),
                grants.sqs_send([self._queues[consumer.rejects]]),
                grants.kms_data(self._key),
            )

    def _on_failure(self, failure_queue: Mapping[str, str], policy_of: Callable[[str], iam.ManagedPolicy]) -> None:
        """IoT invokes asynchronously: a message the handler rejects would vanish after
        Lambda's retries. Send it, with the error, to the rule's dead-letter queue."""
        for name, queue_name in failure_queue.items():
            queue = self._queues[queue_name]
            # Lambda delivers on-failure records with the function's own role.
            policy_of(name).add_statements(grants.sqs_send([queue]), grants.kms_data(self._key))
            lambda_.CfnEventInvokeConfig(
                self,
                f"{name}-on-failure",
                function_name=self._function(name).function_name,
                qualifier="$LATEST",
                maximum_retry_attempts=2,
                destination_config=lambda_.CfnEventInvokeConfig.DestinationConfigProperty(
                    on_failure=lambda_.CfnEventInvokeConfig.OnFailureProperty(destination=queue.queue_arn)
                ),
            )

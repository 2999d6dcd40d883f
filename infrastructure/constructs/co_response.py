"""Co-response: the dispatch event bus, and for each agency an encrypted SNS topic its desk
subscribes to, fed by one rule on the bus."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.dispatch.messages import DISPATCHED, EVENT_SOURCE
from infrastructure import constants

_EVENTS = iam.ServicePrincipal("events.amazonaws.com")


def event_pattern(agency: str) -> dict[str, Any]:
    """Dispatches whose `co_responders` list names the agency (an array field matches any element)."""
    return {"source": [EVENT_SOURCE], "detail-type": [DISPATCHED], "detail": {"co_responders": [agency]}}


class CoResponse(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: str, key: kms.IKey, dead_letters: sqs.IQueue) -> None:
        super().__init__(scope, id)
        self._stage, self._key, self._dead_letters = stage, key, dead_letters
        self.bus_name = constants.event_bus_name(stage)
        # L1: the L2 bus would add its key-policy statement to the key of the stateful stack, which
        # writes its own (infrastructure/constructs/encryption.py).
        self.bus = events.CfnEventBus(
            self,
            "Bus",
            name=self.bus_name,
            description=f"EMS {stage}: dispatch events ({EVENT_SOURCE}), routed to co-responding agencies",
            # Events carry the place and nature of the call.
            kms_key_identifier=key.key_arn,
            # Events EventBridge cannot encrypt or decrypt (key disabled, policy changed) land here.
            dead_letter_config=events.CfnEventBus.DeadLetterConfigProperty(arn=dead_letters.queue_arn),
        )
        self.bus_arn = self.bus.attr_arn
        self.topics: dict[str, sns.Topic] = {}
        self.rules: dict[str, events.CfnRule] = {}
        for agency in constants.AGENCIES:
            self._desk(agency)

    def _desk(self, agency: str) -> None:
        name = constants.co_response_name(self._stage, agency)
        topic = sns.Topic(
            self,
            f"{agency}Topic",
            topic_name=name,
            display_name=f"EMS dispatch: {agency}",
            master_key=self._key,
            enforce_ssl=True,
        )
        # L1 with the target written out: the L2 SnsTopic target would grant every EventBridge
        # rule (no source condition) and add that principal to the key of the stateful stack.
        rule = events.CfnRule(
            self,
            f"{agency}Rule",
            name=name,
            description=f"Dispatches that bring {agency} along, to its desk's topic",
            event_bus_name=self.bus.attr_name,
            event_pattern=event_pattern(agency),
            state="ENABLED",
            targets=[
                events.CfnRule.TargetProperty(
                    id="desk",
                    arn=topic.topic_arn,
                    retry_policy=events.CfnRule.RetryPolicyProperty(
                        maximum_event_age_in_seconds=constants.CO_RESPONSE_MAX_EVENT_AGE_S
                    ),
                    dead_letter_config=events.CfnRule.DeadLetterConfigProperty(arn=self._dead_letters.queue_arn),
                )
            ],
        )
        source = {"aws:SourceArn": rule.attr_arn}
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[_EVENTS],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={"ArnEquals": source},
            )
        )
        # Only the rule publishes: no role of the account can inject or forge a co-response request.
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={"ArnNotEquals": source},
            )
        )
        # Messages carry the place and nature of the call: no plain-HTTP endpoints.
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["sns:Subscribe"],
                resources=[topic.topic_arn],
                conditions={"StringEquals": {"sns:Protocol": "http"}},
            )
        )
        self.topics[agency], self.rules[agency] = topic, rule

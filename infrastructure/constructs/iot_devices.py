"""Connected ambulances: the one IoT policy their certificates carry, from
`iot_rules/policies/ambulance.json`. Things and certificates are per unit, made by
`python -m admin provision-unit`, not by the stack (a certificate's private key must
reach its device, never a template)."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iot as iot
from constructs import Construct

from infrastructure import constants
from iot_rules.policies import ambulance_policy


class IotDevices(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: str) -> None:
        super().__init__(scope, id)
        self.policy = iot.CfnPolicy(
            self,
            "AmbulancePolicy",
            policy_name=constants.iot_policy_name(stage),
            policy_document=ambulance_policy(Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID),
        )

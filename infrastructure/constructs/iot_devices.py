"""Connected ambulances: the one IoT policy their certificates carry, from
`iot_rules/policies/ambulance.json`. Things and certificates are per unit, made by
`python -m admin provision-unit`, not by the stack (a certificate's private key must
reach its device, never a template)."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iot as iot
from aws_cdk import aws_lambda as lambda_
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


class AppAuthorizer(Construct):
    """The IoT Core custom authorizer of people's apps (`chalicelib/platform/mqtt_access.py`): apps connect
    with their ID token as the MQTT password and the authorizer's name in the user name. Signing is off:
    the token itself is the credential, checked against the user pool like the API's."""

    def __init__(self, scope: Construct, id: str, *, stage: str, function: lambda_.IFunction) -> None:
        super().__init__(scope, id)
        self.name = constants.app_authorizer_name(stage)
        self.authorizer = iot.CfnAuthorizer(
            self,
            "Authorizer",
            authorizer_name=self.name,
            authorizer_function_arn=function.function_arn,
            signing_disabled=True,
            status="ACTIVE",
            enable_caching_for_http=False,
        )
        lambda_.CfnPermission(
            self,
            "InvokeByIot",
            action="lambda:InvokeFunction",
            function_name=function.function_arn,
            principal="iot.amazonaws.com",
            source_arn=self.authorizer.attr_arn,
            source_account=Aws.ACCOUNT_ID,
        )

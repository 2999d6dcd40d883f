"""What must outlive any redeploy: the data key, tables, dead-letter queues and users."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from infrastructure.constructs.auth import CognitoAuth, Oidc
from infrastructure.constructs.encryption import DataKey
from infrastructure.constructs.queues import DeadLetterQueues
from infrastructure.constructs.tables import Tables
from infrastructure.settings import DeploySettings


class StatefulStack(Stack):
    def __init__(self, scope: Construct, id: str, *, settings: DeploySettings, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.key = DataKey(self, "DataKey", stage=settings.stage).key
        self.tables = Tables(self, "Tables", stage=settings.stage, key=self.key)
        self.queues = DeadLetterQueues(self, "DeadLetters", stage=settings.stage, key=self.key).by_name
        # The user directory (and its MFA secrets) is state: it lives here, not with the compute.
        self.oidc: Oidc | None = None
        if settings.use_cognito:
            self.oidc = CognitoAuth(self, "Auth", stage=settings.stage).oidc

"""What must outlive any redeploy: the data key, tables, QR signing keys, dead-letter queues and users."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from infrastructure.constructs.archive import IdentityKey
from infrastructure.constructs.auth import CognitoAuth, Oidc
from infrastructure.constructs.device_files import DeviceFiles
from infrastructure.constructs.encryption import DataKey
from infrastructure.constructs.intake import QrKeys
from infrastructure.constructs.queues import DeadLetterQueues
from infrastructure.constructs.tables import Tables
from infrastructure.settings import DeploySettings


class StatefulStack(Stack):
    def __init__(self, scope: Construct, id: str, *, settings: DeploySettings, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.key = DataKey(self, "DataKey", stage=settings.stage).key
        self.tables = Tables(self, "Tables", stage=settings.stage, key=self.key)
        # Printed doorplates are signed with these keys: state, like the tables.
        self.qr_keys = QrKeys(self, "QrKeys", stage=settings.stage, key=self.key).secret
        # The health archive's lookup keys are HMACs under this key: state, like the data.
        self.identity_key = IdentityKey(self, "IdentityKey", stage=settings.stage, key=self.key).secret
        queues = DeadLetterQueues(self, "DeadLetters", stage=settings.stage, key=self.key)
        self.queues, self.work_queues = queues.by_name, queues.work
        self.device_files = DeviceFiles(self, "DeviceFiles", stage=settings.stage, key=self.key)
        # The user directory (and its MFA secrets) is state: it lives here, not with the compute.
        self.oidc: Oidc | None = None
        if settings.use_cognito:
            self.oidc = CognitoAuth(self, "Auth", stage=settings.stage).oidc

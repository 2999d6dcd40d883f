"""Every AWS call a Lambda function makes, recorded for the check of its role.

When `EMS_AWS_CALLS_DIR` is set, `install()` hooks botocore: each call made while a function runs
is written (once per distinct request) to `<dir>/calls-<pid>.jsonl` as the function's name, the
operation and, per IAM action it needs, the resource by its logical name (the run's table prefix
stripped). Which function runs is a context variable: the Lambda adapter and the scheduler set it
around a handler, chalice's local gateway (the test client and the local API server) around a
request, as `api_handler`. Calls of test setup, seeding and the local stack itself run outside any
function and are not recorded; neither are moto's own calls while it serves one.

`tests/infrastructure/test_function_roles.py` evaluates the records against each function's role.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

ENV = "EMS_AWS_CALLS_DIR"
_STAGE_PREFIX = re.compile(r"^ems-[a-z][a-z0-9]{1,11}-")  # infrastructure.constants.prefix
API_HANDLER = "api_handler"

_function: ContextVar[str | None] = ContextVar("ems_running_function", default=None)
_lock = threading.Lock()
_seen: set[str] = set()
_installed: dict[str, Any] = {}

# botocore's service name -> the IAM service prefix, where they differ.
_IAM_PREFIX = {"stepfunctions": "states", "iot-data": "iot", "kinesis-video-signaling": "kinesisvideo"}
# Operations authorised by another action.
_ACTION = {
    ("s3", "HeadObject"): "GetObject",
    ("dynamodb", "TransactGetItems"): "GetItem",
    ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility",
}
_TRANSACT_WRITE = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


@contextlib.contextmanager
def running(name: str) -> Iterator[None]:
    """Calls made inside are the function `name`'s."""
    token = _function.set(name)
    try:
        yield
    finally:
        _function.reset(token)


def current() -> str | None:
    return _function.get()


def record(service: str, operation: str, params: dict[str, Any]) -> None:
    """Record a call a local stand-in makes instead of botocore (the MQTT publisher for iot-data's
    Publish): in AWS it is the running function's call."""
    if _installed and _function.get() is not None:
        _record_call(service, operation, params)


def install() -> bool:
    """Hook botocore and chalice's local gateway if `EMS_AWS_CALLS_DIR` is set (idempotent)."""
    directory = os.environ.get(ENV)
    if not directory or _installed:
        return bool(_installed)
    from botocore import signers
    from botocore.client import BaseClient
    from chalice.local import LocalGateway

    Path(directory).mkdir(parents=True, exist_ok=True)
    make_api_call = BaseClient._make_api_call
    # botocore copies these into each client class it creates: patched before any client exists.
    presign_url, presign_post = signers.generate_presigned_url, signers.generate_presigned_post
    handle_request = LocalGateway.handle_request

    def _make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if _function.get() is None:
            return make_api_call(client, operation, params)
        _record(client, operation, params)
        token = _function.set(None)  # moto serving this call in-process is no function
        try:
            return make_api_call(client, operation, params)
        finally:
            _function.reset(token)

    def _presigned_url(client: Any, ClientMethod: str, Params: Any = None, *args: Any, **kwargs: Any) -> Any:
        # The holder of the URL acts with the function's credentials: the signed call is the function's.
        if _function.get() is not None:
            operation = client.meta.method_to_api_mapping.get(ClientMethod, ClientMethod)
            _record(client, operation, dict(Params or {}))
        return presign_url(client, ClientMethod, Params, *args, **kwargs)

    def _presigned_post(client: Any, Bucket: str, Key: str, *args: Any, **kwargs: Any) -> Any:
        if _function.get() is not None:
            _record(client, "PutObject", {"Bucket": Bucket, "Key": Key})
        return presign_post(client, Bucket, Key, *args, **kwargs)

    def _handle_request(gateway: Any, *args: Any, **kwargs: Any) -> Any:
        with running(API_HANDLER):
            return handle_request(gateway, *args, **kwargs)

    BaseClient._make_api_call = _make_api_call  # type: ignore[method-assign]
    signers.generate_presigned_url = _presigned_url
    signers.generate_presigned_post = _presigned_post
    LocalGateway.handle_request = _handle_request  # type: ignore[method-assign,assignment]
    _installed.update(directory=directory)
    return True


def requests(service: str, operation: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The (IAM action, resource, condition keys) a call needs, resources by kind and logical name."""
    prefix = _IAM_PREFIX.get(service, service)
    action = f"{prefix}:{_ACTION.get((service, operation), operation)}"
    if service == "dynamodb":
        return _dynamodb(prefix, operation, action, params)
    if service == "events" and operation == "PutEvents":
        return [
            {
                "action": action,
                "resource": _named("event-bus", e.get("EventBusName", "default")),
                "context": {"events:source": e.get("Source"), "events:detail-type": e.get("DetailType")},
            }
            for e in params.get("Entries", [])
        ]
    return [{"action": action, "resource": _resource(service, params)}]


def _dynamodb(prefix: str, operation: str, action: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [{"action": action, "resource": _table(t)} for t in sorted(params.get("RequestItems", {}))]
    if operation == "TransactWriteItems":
        out = []
        for item in params.get("TransactItems", []):
            for kind, request in item.items():
                out.append({"action": f"{prefix}:{_TRANSACT_WRITE[kind]}", "resource": _table(request["TableName"])})
        return out
    if operation == "TransactGetItems":
        return [{"action": action, "resource": _table(i["Get"]["TableName"])} for i in params.get("TransactItems", [])]
    if "TableName" in params:
        return [{"action": action, "resource": _table(params["TableName"], params.get("IndexName"))}]
    return [{"action": action, "resource": {"kind": "*"}}]


def _resource(service: str, params: dict[str, Any]) -> dict[str, Any]:
    if service == "sqs":
        if "QueueUrl" in params:
            return _named("queue", str(params["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1])
        if "QueueName" in params:
            return _named("queue", params["QueueName"])
    if service == "stepfunctions" and "stateMachineArn" in params:
        return _named("state-machine", str(params["stateMachineArn"]).rsplit(":", 1)[-1])
    if service == "s3" and "Bucket" in params:
        return {**_named("bucket", params["Bucket"]), "key": params.get("Key", "")}
    if service == "secretsmanager" and "SecretId" in params:
        return _named("secret", _secret_name(str(params["SecretId"])))
    if service == "iot-data" and "topic" in params:
        return {"kind": "topic", "name": params["topic"]}
    if service.startswith("kinesis") and ("ChannelName" in params or "ChannelARN" in params):
        name = params.get("ChannelName") or str(params["ChannelARN"]).split(":channel/", 1)[-1].split("/", 1)[0]
        return {"kind": "channel", "name": name}
    if service == "sns" and "TopicArn" in params:
        return _named("sns-topic", str(params["TopicArn"]).rsplit(":", 1)[-1])
    return {"kind": "*"}


def _secret_name(secret_id: str) -> str:
    if secret_id.startswith("arn:"):
        name = secret_id.split(":secret:", 1)[-1]
        # The ARN ends in a dash and six random characters.
        return name[:-7] if len(name) > 7 and name[-7] == "-" else name
    return secret_id


def _table(name: str, index: str | None = None) -> dict[str, Any]:
    return {**_named("table", name), **({"index": index} if index else {})}


def _named(kind: str, name: str) -> dict[str, Any]:
    """Physical names carry the run's prefix (`ems-test-`); the record keeps the logical name."""
    prefix = os.environ.get("EMS_TABLE_PREFIX") or ""
    # A call outliving its test's environment (an execution still running) strips the stage's form.
    own = bool(prefix) and name.startswith(prefix)
    logical = name.removeprefix(prefix) if own else _STAGE_PREFIX.sub("", name, count=1)
    return {"kind": kind, "name": logical, "prefixed": logical != name}


def _record(client: Any, operation: str, params: dict[str, Any]) -> None:
    _record_call(client.meta.service_model.service_name, operation, params)


def _record_call(service: str, operation: str, params: dict[str, Any]) -> None:
    function = _function.get()
    try:
        found = requests(service, operation, params)
    except Exception as exc:  # a record must never break the call it describes
        found = [{"action": f"{service}:{operation}", "resource": {"kind": "?", "error": type(exc).__name__}}]
    for request in found:
        line = json.dumps({"function": function, "operation": operation, **request}, sort_keys=True, default=str)
        with _lock:
            if line in _seen:
                continue
            _seen.add(line)
            path = Path(_installed["directory"]) / f"calls-{os.getpid()}.jsonl"
            with path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")


def load(directory: Path) -> list[dict[str, Any]]:
    """Every distinct record under `directory`."""
    lines = {line for path in sorted(directory.glob("calls-*.jsonl")) for line in path.read_text("utf-8").splitlines()}
    return [json.loads(line) for line in sorted(lines) if line.strip()]

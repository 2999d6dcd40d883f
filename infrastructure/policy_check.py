"""Each function's recorded AWS calls (`devstack.aws_calls`) against its role policy in the
synthesised template: which calls the role would deny, and which statements no call exercised.

A small evaluator, enough for the policies this app writes: Allow statements only, action and
resource patterns with `*` and `?`, `StringEquals` conditions. The template's intrinsics are
resolved to concrete ARNs (a fixed account, the stack's region and partition); recorded resources
are logical names, given the template's prefix. Anything it cannot resolve stays unmatched, so an
unknown resource shows up as denied, never as allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from infrastructure.constructs.api import logical_id

ACCOUNT = "123456789012"
# Used by the services on the function's behalf (Lambda's log and trace delivery, DynamoDB, SQS, S3
# and Secrets Manager calling KMS), never by a call of the function's code: not recorded.
ON_BEHALF = ("logs:", "xray:", "kms:")
# The local stacks leave these unconfigured, so the functions use the service default there
# (`EMS_EVENT_BUS` unset: the default bus); in AWS the function is configured with the stack's own.
LOCAL_DEFAULTS = {("event-bus", "default"): "dispatch"}


@dataclass
class Statement:
    actions: list[str]
    resources: list[str]
    conditions: dict[str, Any]
    calls: int = 0  # recorded requests it allowed
    touched: set[str] = field(default_factory=set)  # its resource patterns those requests matched

    def allows(self, action: str, resource: str, context: Mapping[str, Any]) -> bool:
        return (
            any(_matches(a, action, case=False) for a in self.actions)
            and any(_matches(r, resource) for r in self.resources)
            and _conditions_hold(self.conditions, context)
        )


@dataclass
class Verdict:
    requests: int = 0
    callers: set[str] = field(default_factory=set)  # functions with at least one recorded request
    denied: list[tuple[str, str, str]] = field(default_factory=list)  # (function, action, resource)
    statements: dict[str, list[Statement]] = field(default_factory=dict)  # function -> its statements

    def unused(self) -> dict[str, list[Statement]]:
        """Per function, the statements no recorded call exercised (services' own use left out)."""
        return {
            fn: [s for s in statements if not s.calls and not all(a.startswith(ON_BEHALF) for a in s.actions)]
            for fn, statements in sorted(self.statements.items())
        }


class Templates:
    """Both stacks' templates with their intrinsics resolvable to strings."""

    def __init__(self, stateful: Mapping[str, Any], stateless: Mapping[str, Any], *, region: str) -> None:
        self.region = region
        self.partition = "aws-cn" if region.startswith("cn-") else "aws"
        self._stacks = {"stateful": stateful, "stateless": stateless}
        self._exports = {
            out["Export"]["Name"]: out["Value"]
            for out in stateful.get("Outputs", {}).values()
            if isinstance(out.get("Export", {}).get("Name"), str)
        }
        env = stateless["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
        self.prefix = str(env["EMS_TABLE_PREFIX"])

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        where = f"{self.region}:{ACCOUNT}" if regional else ":"
        return f"arn:{self.partition}:{service}:{where}:{resource}"

    def resolve(self, value: Any, stack: str = "stateless") -> str:
        if isinstance(value, str):
            return value
        if not isinstance(value, dict) or len(value) != 1:
            return f"<unresolved {value!r}>"
        ((fn, arg),) = value.items()
        if fn == "Fn::Join":
            return str(arg[0]).join(self.resolve(v, stack) for v in arg[1])
        if fn == "Ref":
            return self._ref(arg, stack)
        if fn == "Fn::GetAtt":
            return self._attribute(arg[0], arg[1], stack)
        if fn == "Fn::ImportValue" and self.resolve(arg, stack) in self._exports:
            return self.resolve(self._exports[self.resolve(arg, stack)], "stateful")
        if fn == "Fn::Select":
            return self._select(arg, stack)
        return f"<unresolved {fn}>"

    def _select(self, arg: list[Any], stack: str) -> str:
        index, source = int(arg[0]), arg[1]
        if isinstance(source, dict) and "Fn::Split" in source:
            sep, text = source["Fn::Split"]
            return self.resolve(text, stack).split(sep)[index]
        return f"<unresolved Fn::Select {arg!r}>"

    def _ref(self, name: str, stack: str) -> str:
        pseudo = {"AWS::Partition": self.partition, "AWS::Region": self.region, "AWS::AccountId": ACCOUNT}
        if name in pseudo:
            return pseudo[name]
        if name == "AWS::URLSuffix":
            return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        resource = self._stacks[stack]["Resources"].get(name)
        if resource is None:
            return f"<parameter {name}>"
        props, kind = resource.get("Properties", {}), resource["Type"]
        if kind == "AWS::SecretsManager::Secret":
            return self.arn("secretsmanager", f"secret:{self.resolve(props['Name'], stack)}-RANDOM")
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{self.region}/{ACCOUNT}/{self.resolve(props['QueueName'], stack)}"
        if kind == "AWS::StepFunctions::StateMachine":
            return self.arn("states", f"stateMachine:{self.resolve(props['StateMachineName'], stack)}")
        for key in ("TableName", "BucketName", "Name", "RoleName", "FunctionName"):
            if key in props:
                return self.resolve(props[key], stack)
        return name

    def _attribute(self, logical: str, attribute: str, stack: str) -> str:
        resource = self._stacks[stack]["Resources"].get(logical)
        if resource is None:
            return f"<unresolved {logical}.{attribute}>"
        props, kind = resource.get("Properties", {}), resource["Type"]
        if attribute != "Arn":
            return self._ref(logical, stack)
        service_resource = {
            "AWS::DynamoDB::Table": lambda: ("dynamodb", f"table/{self.resolve(props['TableName'], stack)}"),
            "AWS::SQS::Queue": lambda: ("sqs", self.resolve(props["QueueName"], stack)),
            "AWS::Events::EventBus": lambda: ("events", f"event-bus/{self.resolve(props['Name'], stack)}"),
            "AWS::KMS::Key": lambda: ("kms", f"key/{logical}"),
            "AWS::Logs::LogGroup": lambda: ("logs", f"log-group:{self.resolve(props['LogGroupName'], stack)}:*"),
            "AWS::SNS::Topic": lambda: ("sns", self.resolve(props.get("TopicName", logical), stack)),
        }.get(kind)
        if kind == "AWS::S3::Bucket":
            return f"arn:{self.partition}:s3:::{self._ref(logical, stack)}"
        if service_resource is None:
            return f"<unresolved {logical}.Arn>"
        return self.arn(*service_resource())

    def buckets(self) -> list[str]:
        return [
            self.resolve(r["Properties"]["BucketName"], "stateful")
            for r in self._stacks["stateful"]["Resources"].values()
            if r["Type"] == "AWS::S3::Bucket" and "BucketName" in r.get("Properties", {})
        ]

    def function_statements(self, name: str) -> list[Statement]:
        """The statements of the managed policies on the function's own role."""
        resources = self._stacks["stateless"]["Resources"]
        role = resources[logical_id(name)]["Properties"]["Role"]["Fn::GetAtt"][0]
        out = []
        for policy in resources.values():
            if policy["Type"] != "AWS::IAM::ManagedPolicy" or {"Ref": role} not in policy["Properties"]["Roles"]:
                continue
            for s in policy["Properties"]["PolicyDocument"]["Statement"]:
                if s.get("Effect") != "Allow":
                    continue
                out.append(
                    Statement(
                        actions=_list(s["Action"]),
                        resources=[self.resolve(r) for r in _list(s["Resource"])],
                        conditions=s.get("Condition", {}),
                    )
                )
        return out

    def resource_arn(self, resource: Mapping[str, Any]) -> str:
        """A recorded resource (kind and logical name) as the deployed ARN."""
        kind, name = resource.get("kind"), str(resource.get("name", ""))
        name = LOCAL_DEFAULTS.get((str(kind), name), name)
        physical = f"{self.prefix}{name}"
        if kind == "table":
            index = f"/index/{resource['index']}" if resource.get("index") else ""
            return self.arn("dynamodb", f"table/{physical}{index}")
        if kind == "queue":
            return self.arn("sqs", physical)
        if kind == "state-machine":
            return self.arn("states", f"stateMachine:{physical}")
        if kind == "secret":
            return self.arn("secretsmanager", f"secret:{physical}-RANDOM")
        if kind == "event-bus":
            return self.arn("events", f"event-bus/{physical}")
        if kind == "sns-topic":
            return self.arn("sns", physical)
        if kind == "topic":
            return self.arn("iot", f"topic/{name}")
        if kind == "channel":
            return self.arn("kinesisvideo", f"channel/{name}/0")
        if kind == "bucket":
            # The deployed name adds account and region to the stage's: the one bucket named so.
            (bucket,) = [b for b in self.buckets() if b == physical or b.startswith(f"{physical}-")] or [physical]
            return f"arn:{self.partition}:s3:::{bucket}/{resource.get('key', '')}"
        return "*"


def evaluate(templates: Templates, records: Iterable[Mapping[str, Any]], functions: Iterable[str]) -> Verdict:
    verdict = Verdict(statements={name: templates.function_statements(name) for name in functions})
    for record in records:
        statements = verdict.statements.get(record["function"])
        resource = templates.resource_arn(record["resource"])
        verdict.requests += 1
        verdict.callers.add(record["function"])
        allowing = [s for s in statements or [] if s.allows(record["action"], resource, record.get("context") or {})]
        if not allowing:
            verdict.denied.append((record["function"], record["action"], resource))
        for s in allowing:
            s.calls += 1
            s.touched |= {r for r in s.resources if _matches(r, resource)}
    return verdict


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(pattern: str, value: str, *, case: bool = True) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


def _conditions_hold(conditions: Mapping[str, Any], context: Mapping[str, Any]) -> bool:
    for operator, checks in conditions.items():
        if operator != "StringEquals":
            return False  # not understood here: never taken as allowing
        for key, expected in checks.items():
            if context.get(key) not in _list(expected):
                return False
    return True

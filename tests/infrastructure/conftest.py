"""Synthesize the app once per session for a China and a global region.

`bundle_dependencies=false`: the Lambda bundle is built without pip (offline, fast);
the templates do not depend on the wheels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import infrastructure  # noqa: F401  - silences jsii's Node banner before aws_cdk loads

REGIONS = {"cn": "cn-northwest-1", "global": "ap-southeast-1"}
STAGE = "test"


@dataclass
class Synth:
    region: str
    app: Any  # aws_cdk.App, kept alive for cdk-nag (it walks the construct tree)
    stacks: dict[str, Any]  # "stateful" / "stateless" -> Stack
    templates: dict[str, dict[str, Any]]  # same keys -> template JSON
    outdir: Path

    @property
    def partition(self) -> str:
        return "aws-cn" if self.region.startswith("cn-") else "aws"

    def resources(self, kind: str, type_: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.templates[kind]["Resources"].items() if r["Type"] == type_}

    def function_policies(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Function logical id -> (logical id, resource) of the managed policy on its own role."""
        by_role = {
            ref["Ref"]: (logical, policy)
            for logical, policy in self.resources("stateless", "AWS::IAM::ManagedPolicy").items()
            for ref in policy["Properties"].get("Roles", [])
            if isinstance(ref, dict) and "Ref" in ref
        }
        return {
            logical: by_role[fn["Properties"]["Role"]["Fn::GetAtt"][0]]
            for logical, fn in self.resources("stateless", "AWS::Serverless::Function").items()
        }

    def function_statements(self, function: str | None = None) -> list[dict[str, Any]]:
        """The statements of one function's policy (by logical id), or of every function's."""
        policies = self.function_policies()
        chosen = [policies[function]] if function else list(policies.values())
        return [s for _, policy in chosen for s in policy["Properties"]["PolicyDocument"]["Statement"]]


def _synth(region: str, root: Path) -> Synth:
    import aws_cdk as cdk

    from infrastructure.app import build

    outdir = root / "cdk.out"
    app = cdk.App(context={"stage": STAGE, "region": region, "bundle_dependencies": "false"}, outdir=str(outdir))
    stateful, stateless = build(app, build_dir=root / "build", checks=False)
    app.synth()
    stacks = {"stateful": stateful, "stateless": stateless}
    templates = {
        kind: json.loads((outdir / f"{stack.stack_name}.template.json").read_text(encoding="utf-8"))
        for kind, stack in stacks.items()
    }
    return Synth(region, app, stacks, templates, outdir)


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synth]:
    return {key: _synth(region, tmp_path_factory.mktemp(key)) for key, region in REGIONS.items()}


@pytest.fixture(scope="session", params=sorted(REGIONS))
def synth(request: pytest.FixtureRequest, synths: dict[str, Synth]) -> Synth:
    return synths[request.param]


@pytest.fixture(scope="session")
def cn(synths: dict[str, Synth]) -> Synth:
    return synths["cn"]


@pytest.fixture(scope="session")
def global_(synths: dict[str, Synth]) -> Synth:
    return synths["global"]

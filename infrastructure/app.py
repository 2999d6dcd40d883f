"""Entry point: `python -m infrastructure.app [-c stage=prod] [-c region=cn-northwest-1] [-o DIR]`.

Also works as a CDK CLI app (`cdk synth`), which passes context and the output
directory through the environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import aws_cdk as cdk

from infrastructure import constants
from infrastructure.chalice_project import REPO_ROOT
from infrastructure.nag import apply_checks
from infrastructure.settings import DeploySettings
from infrastructure.stacks.stateful_stack import StatefulStack
from infrastructure.stacks.stateless_stack import StatelessStack


def build(app: cdk.App, *, build_dir: Path, checks: bool = True) -> tuple[StatefulStack, StatelessStack]:
    """Add both stacks to `app`; `checks=False` leaves cdk-nag to the caller (tests report findings)."""
    settings = DeploySettings.from_node(app.node)
    env = cdk.Environment(account=settings.account, region=settings.region)
    stateful = StatefulStack(
        app,
        constants.stack_name(settings.stage, "stateful"),
        settings=settings,
        env=env,
        description=f"EMS {settings.stage}: data key, tables, dead-letter queues, users",
    )
    stateless = StatelessStack(
        app,
        constants.stack_name(settings.stage, "stateless"),
        settings=settings,
        stateful=stateful,
        build_dir=build_dir,
        env=env,
        description=f"EMS {settings.stage}: API, functions, workflows, IoT rules, alarms",
    )
    stateless.add_stack_dependency(stateful)
    for stack in (stateful, stateless):
        cdk.Tags.of(stack).add("project", constants.SERVICE)
        cdk.Tags.of(stack).add("stage", settings.stage)
    if checks:
        apply_checks(app)
    return stateful, stateless


def _parse_args(argv: list[str]) -> tuple[dict[str, str], str | None]:
    context: dict[str, str] = {}
    outdir = None
    args = iter(argv)
    for arg in args:
        if arg in ("-c", "--context"):
            key, _, value = next(args, "").partition("=")
            context[key] = value
        elif arg in ("-o", "--output"):
            outdir = next(args, None)
        else:
            raise SystemExit(f"unknown argument {arg!r}; use -c key=value and -o DIR")
    return context, outdir


def main(argv: list[str]) -> None:
    context, outdir = _parse_args(argv)
    outdir = outdir or os.environ.get("CDK_OUTDIR") or str(REPO_ROOT / "cdk.out")
    app = cdk.App(context=context, outdir=outdir)
    build(app, build_dir=Path(outdir).resolve() / ".build")
    assembly = app.synth()
    for stack in assembly.stacks:
        print(f"{stack.stack_name}: {stack.template_full_path}")


if __name__ == "__main__":
    main(sys.argv[1:])

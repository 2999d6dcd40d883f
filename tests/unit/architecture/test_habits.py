"""The commit hook and `make lint` run the same checks, so a commit that passes the hook passes CI."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def lint_commands() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe
    lines = [line.strip().replace("$(VENV)", ".venv") for line in recipe.group(1).splitlines()]
    return {re.sub(r"\s+\.$", "", line) for line in lines}


def hook_commands() -> set[str]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = {hook["entry"] for repo in config["repos"] for hook in repo["hooks"]}
    return {re.sub(r"^env (PYTHONPATH=\. )", r"\1", e) for e in entries}


def test_the_commit_hook_runs_what_make_lint_runs() -> None:
    assert hook_commands() == lint_commands()

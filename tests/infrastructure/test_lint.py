"""cfn-lint, offline, for the region each template is meant for (spec and SAM transform)."""

from __future__ import annotations

import json

from cfnlint.api import lint
from cfnlint.config import ManualArgs

from tests.infrastructure.conftest import Synth

# W3005: CDK gives each state machine a DependsOn its role although RoleArn already
# references it; redundant, harmless, and not ours to remove.
IGNORED = ["W3005"]


def test_every_template_is_cfn_lint_clean(synth: Synth) -> None:
    for kind, template in synth.templates.items():
        matches = lint(json.dumps(template), config=ManualArgs(regions=[synth.region], ignore_checks=IGNORED))
        assert not matches, f"{kind} ({synth.region}):\n" + "\n".join(str(m) for m in matches)

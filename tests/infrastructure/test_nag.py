"""cdk-nag AwsSolutions and HIPAA Security: no unacknowledged finding, every acknowledgment reasoned."""

from __future__ import annotations

from aws_cdk import Validations

from infrastructure.nag import packs
from tests.infrastructure.conftest import Synth


def test_no_unacknowledged_findings(synth: Synth) -> None:
    findings = [
        f"{v.severity} {v.rule_name} at {[r.construct_path for r in v.violating_resources]}"
        for pack in packs()
        for v in pack.validate_scope(synth.app).violations
    ]
    assert not findings, "\n".join(findings)


def test_every_acknowledgment_carries_a_reason(synth: Synth) -> None:
    acknowledged = {
        (construct.node.path, rule): reason
        for construct in synth.app.node.find_all()
        for entry in construct.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in (entry.data or {}).items()
    }
    assert acknowledged
    assert all(len(str(reason).split()) >= 6 for reason in acknowledged.values()), acknowledged

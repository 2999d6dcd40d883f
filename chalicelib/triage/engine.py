"""The triage engine: interprets a rules file over one assessment. Pure: the caller passes `now`.

The patient takes the most urgent level any rule reaches; with none, level 4. The primary pathway is
the most urgent pathway that fired (ties: the rules file's `pathway_order`), and the capabilities
required are those of its rules only: a hospital is chosen for the primary problem.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from importlib import resources
from typing import Any

from chalicelib.clinical.news2 import Observations, score
from chalicelib.core.root import provider
from chalicelib.hospitals.api import Capability
from chalicelib.triage.schemas import (
    AssessmentInput,
    BeFastSigns,
    Bounds,
    Condition,
    FindingRule,
    Findings,
    News2Summary,
    Reason,
    RuleSet,
    TraumaCriteria,
    TriageResult,
    VitalRule,
    Vitals,
)

_STROKE_SIGNS = ("balance", "eyes", "face", "arm", "speech")  # BE-FAST's T is the onset, not a sign
_DERIVED = ("stroke_signs", "hours_since_last_known_well")
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda a, b: a in b,
}
_Rule = VitalRule | FindingRule


def load_rules(version: str = "1") -> RuleSet:
    """The rules of `version`, from rules_v<version>.json, parsed and checked once per process."""
    return _load(version)


@provider
def _load(version: str) -> RuleSet:
    if not re.fullmatch(r"[0-9]+", version):
        raise ValueError(f"rules version must be digits, not {version!r}")
    path = resources.files(__package__).joinpath(f"rules_v{version}.json")
    if not path.is_file():
        raise LookupError(f"no triage rules version {version}")
    rules = RuleSet.model_validate_json(path.read_text(encoding="utf-8"))
    if rules.version != version:
        raise ValueError(f"rules_v{version}.json says version {rules.version}")
    _check_fields(rules)
    return rules


def triage(inp: AssessmentInput, *, now: datetime, rules: RuleSet | None = None) -> TriageResult:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    rules = load_rules() if rules is None else rules
    facts = _facts(inp, now)
    every: list[_Rule] = [*rules.vital_rules, *rules.pathway_rules, *rules.finding_rules]
    order = {r.id: i for i, r in enumerate(every)}
    fired: list[_Rule] = [r for r in rules.vital_rules if _in_band(r, getattr(inp.vitals, r.indicator))]
    fired += [r for r in [*rules.pathway_rules, *rules.finding_rules] if _holds(r.when, facts)]
    fired.sort(key=lambda r: (r.level, order[r.id]))
    level = fired[0].level if fired else 4
    pathways = _pathways([r for r in fired if isinstance(r, FindingRule)], rules.pathway_order)
    primary = pathways[0] if pathways else None
    needs = {c for r in fired if isinstance(r, FindingRule) and r.pathway == primary for c in r.capabilities}
    reasons = [
        Reason(rule=r.id, version=rules.version, label=r.label, level=r.level, pathway=_pathway(r)) for r in fired
    ]
    if not fired:
        reasons = [Reason(rule="none", version=rules.version, label=rules.no_indicator, level=4, pathway=None)]
    band = next(d for d in rules.levels if d.level == level)
    return TriageResult(
        level=level,
        label=band.label,
        colour=band.colour,
        target_minutes=band.target_minutes,
        pathway=primary,
        pathways=pathways,
        required_capabilities=[c for c in Capability if c in needs],
        news2=_news2(inp.vitals),
        reasons=reasons,
        rules_version=rules.version,
    )


def _pathway(rule: _Rule) -> Any:
    return rule.pathway if isinstance(rule, FindingRule) else None


def _pathways(fired: list[FindingRule], order: list[Any]) -> list[Any]:
    urgency: dict[Any, int] = {}
    for r in fired:
        if r.pathway is not None:
            urgency[r.pathway] = min(r.level, urgency.get(r.pathway, 4))
    return sorted(urgency, key=lambda p: (urgency[p], order.index(p)))


def _in_band(rule: VitalRule, value: Any) -> bool:
    if value is None:
        return False
    if rule.one_of is not None:
        return value in rule.one_of
    return rule.range is not None and _within(rule.range, value)


def _within(b: Bounds, x: float) -> bool:
    return (
        (b.gt is None or x > b.gt)
        and (b.gte is None or x >= b.gte)
        and (b.lt is None or x < b.lt)
        and (b.lte is None or x <= b.lte)
    )


def _holds(cond: Condition, facts: Mapping[str, Any]) -> bool:
    if cond.all is not None:
        return all(_holds(c, facts) for c in cond.all)
    if cond.any is not None:
        return any(_holds(c, facts) for c in cond.any)
    value = facts.get(cond.field or "")
    if cond.op == "exists":
        return (value is not None) == bool(cond.value)
    if cond.op == "ne":
        return bool(value != cond.value)  # a missing field differs from any value
    if cond.op == "nonempty":
        return bool(value)
    return value is not None and _COMPARE[cond.op or ""](value, cond.value)


def _facts(inp: AssessmentInput, now: datetime) -> dict[str, Any]:
    """Dotted names (vitals.hr, findings.trauma.red, derived.stroke_signs) to values; unknown is None."""
    f = inp.findings
    facts = {f"vitals.{k}": v for k, v in inp.vitals.model_dump().items()}
    facts |= {f"findings.{k}": getattr(f, k) for k in Findings.model_fields if k != "trauma"}
    trauma = f.trauma or TraumaCriteria()
    facts |= {"findings.trauma.red": trauma.red, "findings.trauma.yellow": trauma.yellow}
    signs = f.be_fast is True or (
        isinstance(f.be_fast, BeFastSigns) and any(getattr(f.be_fast, s) is True for s in _STROKE_SIGNS)
    )
    hours = None if f.last_known_well is None else max(0.0, (now - f.last_known_well).total_seconds() / 3600)
    return facts | {"derived.stroke_signs": signs, "derived.hours_since_last_known_well": hours}


def _news2(vitals: Vitals) -> News2Summary:
    news = score(Observations(**vitals.model_dump(include=set(Observations.model_fields) & set(Vitals.model_fields))))
    return News2Summary(total=news.total, risk=news.risk, complete=news.complete, missing=list(news.missing))


def _fields(cond: Condition) -> Iterable[str]:
    if cond.field is not None:
        yield cond.field
    for sub in [*(cond.all or []), *(cond.any or [])]:
        yield from _fields(sub)


def _check_fields(rules: RuleSet) -> None:
    """A rules file naming a field the input does not have would silently never fire: refuse it."""
    known = {f"vitals.{k}" for k in Vitals.model_fields} | {f"findings.{k}" for k in Findings.model_fields}
    known |= {f"findings.trauma.{k}" for k in TraumaCriteria.model_fields} | {f"derived.{k}" for k in _DERIVED}
    for rule in [*rules.pathway_rules, *rules.finding_rules]:
        if unknown := set(_fields(rule.when)) - known:
            raise ValueError(f"rule {rule.id} names unknown fields {sorted(unknown)}")
        if rule.pathway is not None and rule.pathway not in rules.pathway_order:
            raise ValueError(f"rule {rule.id}: pathway {rule.pathway} missing from pathway_order")

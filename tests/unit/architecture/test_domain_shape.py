"""Every domain has the same few layer files (docs/architecture.md, "One shape for every domain").

A module that is neither a template layer nor a registered distinct helper fails here: a new name
is a decision, taken in this file, not an accident of whoever wrote the module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "chalicelib"
LAYERS = {"routes", "schemas", "entities", "logic", "service", "ports", "dal", "adapters", "wiring", "settings", "api"}
# Names that say "a layer" in other words: never a distinct helper.
SYNONYMS = {
    "models", "store", "stores", "deps", "handlers", "sink", "sinks", "claims", "s3", "schemas_api",
    "location_adapter", "intake", "assign", "ingest", "queries", "views", "repository", "dao", "container",
}  # fmt: skip
# Distinct helpers, each a thing of its own domain, not a layer.
HELPERS: dict[str, set[str]] = {
    "addresses": set(),
    "aeds": {"keepers"},
    "archive": {"bundle", "identity", "summary"},
    "bookings": {"access", "inbound"},
    "callpage": {"assets", "doorplate", "i18n", "page"},
    "clinical": {"news2"},
    "consultations": set(),
    "coresponse": {"cleanup"},
    "cpr": {"guidance", "video"},
    "devicefiles": {"rules"},
    "dispatch": {"candidates", "eta", "messages", "recommend", "tiles"},
    "fleet": set(),
    "handover": {"bundle"},
    "healthaccess": {"refusals", "rules"},
    "hospitals": {"matching", "registry"},
    "incidents": {"caller_tokens", "idempotency", "scope", "texts"},
    "platform": {"audit", "mqtt_access"},
    "portrait": {"svg"},
    "qr": {"errors", "keys", "revocations", "svg", "tokens", "verifier"},
    "telemetry": {"alerts", "decode"},
    "timeline": {"nodes"},
    "triage": {"engine"},
    "video": set(),
    "volunteers": {"alerts", "answers", "desk", "notify", "registry"},
    "workflow": {"definitions"},
}
COMPOSITION_ROOT = PACKAGE / "core" / "root.py"
PROCESS_SINGLETONS = PACKAGE / "core" / "observability.py"  # logger, tracer, metrics: never rebuilt


def domains() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name != "core")


def modules(domain: str) -> set[str]:
    folder = PACKAGE / domain
    names = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    return names | {p.name for p in folder.iterdir() if (p / "__init__.py").exists()}


def test_every_domain_is_registered() -> None:
    assert domains() == sorted(HELPERS), "a new domain registers its distinct helpers (or none) in HELPERS"


@pytest.mark.parametrize("domain", domains())
def test_a_domain_has_only_template_layers_and_its_registered_helpers(domain: str) -> None:
    unknown = modules(domain) - LAYERS - HELPERS.get(domain, set())
    assert not unknown, f"{domain}: {sorted(unknown)} is neither a template layer nor a registered helper"


def test_no_registered_helper_is_a_layer_in_other_words() -> None:
    named = {f"{d}.{h}" for d, helpers in HELPERS.items() for h in helpers if h in SYNONYMS or h in LAYERS}
    assert not named


@pytest.mark.parametrize("domain", domains())
def test_no_registered_helper_is_stale(domain: str) -> None:
    assert HELPERS.get(domain, set()) <= modules(domain), "remove helpers that no longer exist"


def test_one_composition_root_holds_every_cache() -> None:
    cached = re.compile(r"\b(lru_cache|functools\.cache)\b|^from functools import .*\bcache\b", re.M)
    offenders = [
        str(p.relative_to(ROOT))
        for p in PACKAGE.rglob("*.py")
        if p not in (COMPOSITION_ROOT, PROCESS_SINGLETONS) and cached.search(p.read_text(encoding="utf-8"))
    ]
    assert not offenders, "declare factories with chalicelib.core.root.provider"


def test_lambda_entry_points_live_in_their_domains_routes() -> None:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    functions = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert functions == [], "app.py registers blueprints; entry points are declared in <domain>/routes.py"

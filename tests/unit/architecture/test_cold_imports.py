"""What `import app` may load: a deterministic guard of cold start (bench/cold_start.py times it).

A Lambda container pays for every module `app` imports before its first request. Clients, table
models and crypto load on first use, through the domains' `wiring` factories; a route module that
pulls one in at import shows up here, in `make test`, not months later in a benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Third-party packages loaded on first use only.
FORBIDDEN_PACKAGES = {
    "boto3", "botocore", "pynamodb", "jwt", "cryptography", "aws_lambda_powertools", "aws_xray_sdk",
    "pydantic_settings", "requests", "urllib3", "h3", "PIL",
}  # fmt: skip
# Layers of a domain that touch AWS or read the environment: never needed to declare a route
# (`wiring` may load: its factories import their adapters inside, on first use).
FORBIDDEN_LAYERS = {"dal", "adapters", "settings"}


def loaded_by(statement: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def app_modules() -> list[str]:
    return loaded_by("import app")


def test_import_app_loads_no_client_table_or_crypto_package(app_modules: list[str]) -> None:
    assert sorted({m.split(".")[0] for m in app_modules} & FORBIDDEN_PACKAGES) == []


def test_import_app_loads_no_domain_layer_that_touches_aws(app_modules: list[str]) -> None:
    layers = [m for m in app_modules if m.startswith("chalicelib.") and set(m.split(".")[2:3]) & FORBIDDEN_LAYERS]
    assert layers == []

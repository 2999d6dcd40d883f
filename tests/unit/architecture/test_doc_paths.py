"""Every test, module or file path the docs and tools name exists: a moved file updates its mentions."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WHERE = ["README.md", "docs", "devstack", "bench", "admin", "infrastructure"]
PATH = re.compile(r"(?<![\w./])((?:tests|chalicelib|devstack|infrastructure|bench|admin)/[\w/.-]+\.(?:py|json|md))\b")


def mentions() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for where in WHERE:
        base = ROOT / where
        files = [base] if base.is_file() else [*base.rglob("*.md"), *base.rglob("*.py")]
        for f in files:
            for path in PATH.findall(f.read_text(encoding="utf-8")):
                found.setdefault(path, set()).add(str(f.relative_to(ROOT)))
    return found


def test_every_named_path_exists() -> None:
    missing = {p: sorted(by) for p, by in mentions().items() if "*" not in p and not (ROOT / p).exists()}
    assert not missing

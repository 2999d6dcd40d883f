"""Step Functions definitions: the `.asl.json` files here are the one source read by
CDK, the local stack and the tests. Placeholders: `${Partition}` and `${fn_<name>}`
for the ARN of the Chalice Lambda function `<name>`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def names() -> list[str]:
    return sorted(p.name.removesuffix(".asl.json") for p in HERE.glob("*.asl.json"))


def path(name: str) -> Path:
    return HERE / f"{name}.asl.json"


def raw(name: str) -> str:
    return path(name).read_text(encoding="utf-8")


def functions(name: str) -> list[str]:
    """Lambda functions a definition invokes (from its `${fn_<name>}` placeholders)."""
    return sorted({m[3:] for m in _PLACEHOLDER.findall(raw(name)) if m.startswith("fn_")})


def substitutions(name: str, partition: str, function_arns: dict[str, str]) -> dict[str, str]:
    subs = {"Partition": partition}
    subs.update({f"fn_{fn}": function_arns[fn] for fn in functions(name)})
    return subs


def render(name: str, subs: dict[str, str]) -> dict[str, Any]:
    def replace(m: re.Match[str]) -> str:
        if m.group(1) not in subs:
            raise KeyError(f"{name}: no value for ${{{m.group(1)}}}")
        return subs[m.group(1)]

    return json.loads(_PLACEHOLDER.sub(replace, raw(name)))  # type: ignore[no-any-return]

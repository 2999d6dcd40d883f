"""What each Lambda function may touch, derived from the code it can run.

Every function gets its own role. What the role grants is not listed per function (a list that
would drift from the code): it follows from the function's entry point (chalice's handler
string) through the import graph of `chalicelib` (imports inside functions counted, as
import-linter counts them) to

- the tables of every `dal` module it reaches (a PynamoDB model's module names its owner), and
- the capabilities of the modules it reaches, from `CAPABILITIES` below: the few modules that
  call an AWS service other than DynamoDB, keyed by module prefix so a layer that becomes a
  package, or a domain that renames its files, keeps its grant.

The API function reaches every route module and so most tables: one Chalice API Lambda. The gain
is in the other functions, each reaching its own domain and the `api` of the domains it calls.
The recorded calls of the integration and end-to-end tests check the result
(`tests/infrastructure/test_function_roles.py`).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGE = "chalicelib"
API_HANDLER = "api_handler"  # chalice's name of the API function (its `lambda_functions` key)


class Capability(StrEnum):
    """An AWS permission other than table data, granted to the functions that reach its module."""

    PUBLISH = "publish"  # iot:Publish below ems/
    START_WORKFLOWS = "start_workflows"  # states:StartExecution on the platform's machines
    DESCRIBE_WORKFLOWS = "describe_workflows"  # the canary's states:DescribeStateMachine
    DESCRIBE_TABLES = "describe_tables"  # the canary's dynamodb:DescribeTable on every table
    TASK_RESPONSES = "task_responses"  # states:SendTask* (completes `.waitForTaskToken` tasks)
    QR_KEYS = "qr_keys"  # the doorplate signing keys secret
    IDENTITY_KEY = "identity_key"  # the health archive's lookup key secret
    DEVICE_FILES = "device_files"  # objects of the device-files bucket
    CO_RESPONSE_EVENTS = "co_response_events"  # events:PutEvents on the dispatch bus
    VIDEO_ROOMS = "video_rooms"  # Kinesis Video signaling channels
    TELEMETRY_REJECTS = "telemetry_rejects"  # sqs:SendMessage to the telemetry rejects queue


# Module prefix -> what its code calls. A prefix matches the module and everything below it.
CAPABILITIES: Mapping[str, tuple[Capability, ...]] = {
    "chalicelib.core.publisher": (Capability.PUBLISH,),
    "chalicelib.core.workflows": (Capability.START_WORKFLOWS,),
    "chalicelib.platform.adapters": (Capability.DESCRIBE_TABLES, Capability.DESCRIBE_WORKFLOWS),
    "chalicelib.dispatch.adapters.aws": (Capability.CO_RESPONSE_EVENTS, Capability.TASK_RESPONSES),
    "chalicelib.workflow.adapters": (Capability.TASK_RESPONSES,),
    "chalicelib.qr.keys": (Capability.QR_KEYS,),
    "chalicelib.archive": (Capability.IDENTITY_KEY,),  # the key is read by its wiring
    "chalicelib.devicefiles.adapters": (Capability.DEVICE_FILES,),
    "chalicelib.video.adapters.kvs": (Capability.VIDEO_ROOMS,),
    "chalicelib.telemetry.adapters.outbound": (Capability.TELEMETRY_REJECTS,),
}

# Reached, but not followed: the tables catalog imports every `dal` so the canary can describe
# each table (DESCRIBE_TABLES), not to read or write their items.
OPAQUE = frozenset({"chalicelib.tables"})
CAPABILITIES_OF_OPAQUE: Mapping[str, tuple[Capability, ...]] = {"chalicelib.tables": (Capability.DESCRIBE_TABLES,)}


@dataclass(frozen=True)
class Access:
    """One function's reach: its entry modules, every module it can run, and what follows."""

    entries: frozenset[str]
    modules: frozenset[str]
    tables: tuple[str, ...]  # logical names, sorted
    capabilities: tuple[Capability, ...]  # sorted

    def __contains__(self, capability: object) -> bool:
        return capability in self.capabilities


def derive(app_module: ModuleType | None = None) -> dict[str, Access]:
    """Every function of the Chalice app (by chalice name) -> its access."""
    app_module = app_module or _app_module()
    graph = _graph()
    owners = _table_owners()
    out: dict[str, Access] = {}
    for name, entries in entry_modules(app_module, graph.modules).items():
        modules = reach(entries, graph)
        tables = sorted({t for m in modules for t in owners.get(m, ())})
        capabilities = sorted({c for m in modules for c in _capabilities_of(m)})
        out[name] = Access(frozenset(entries), frozenset(modules), tuple(tables), tuple(capabilities))
    return out


def entry_modules(app_module: ModuleType, known: Iterable[str]) -> dict[str, set[str]]:
    """Function name -> the `chalicelib` modules its code runs from.

    The API handler is the app module itself (`app.app`): whatever app.py imports, every route.
    A declared function runs its own body: the modules that body names or imports (a helper of
    its own module is followed into), not the rest of the module that declares it, whose HTTP
    routes belong to the API function.
    """
    known = set(known)
    out = {API_HANDLER: _imported_by(ast.parse(Path(inspect.getfile(app_module)).read_text("utf-8")), known)}
    for fn in _declared(app_module.app):
        module, _, attr = fn.handler_string.rpartition(".")
        out[fn.name] = _run_by(getattr(sys.modules[module], attr), known, set())
    return out


def function_names(app_module: ModuleType | None = None) -> list[str]:
    """Every function of the Chalice app by chalice name: the API's and each declared one."""
    return [API_HANDLER, *(fn.name for fn in _declared((app_module or _app_module()).app))]


def _declared(chalice_app: Any) -> list[Any]:
    """`@lambda_function`s and event sources (`@schedule` and the like): each its own function."""
    return [*chalice_app.pure_lambda_functions, *chalice_app.event_sources]


def reach(entries: Iterable[str], graph: Any) -> set[str]:
    """The entries and every module they import, directly or not, stopping at `OPAQUE`."""
    seen: set[str] = set()
    todo = [m for m in entries if m in graph.modules]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        if module not in OPAQUE:
            todo.extend(graph.find_modules_directly_imported_by(module) - seen)
    return seen


def _capabilities_of(module: str) -> tuple[Capability, ...]:
    found: list[Capability] = list(CAPABILITIES_OF_OPAQUE.get(module, ()))
    for prefix, capabilities in CAPABILITIES.items():
        if module == prefix or module.startswith(prefix + "."):
            found.extend(capabilities)
    return tuple(found)


@cache
def _graph() -> Any:
    import grimp

    return grimp.build_graph(PACKAGE, cache_dir=None)


def _table_owners() -> dict[str, list[str]]:
    """Module -> logical names of the tables it declares."""
    from chalicelib import tables as catalog
    from chalicelib.core import tables

    owners: dict[str, list[str]] = {}
    for model in catalog.all_models():
        owners.setdefault(model.__module__, []).append(tables.logical_name(model))
    return owners


def _app_module() -> ModuleType:
    return sys.modules.get("app") or importlib.import_module("app")


def _imported_by(tree: ast.AST, known: set[str]) -> set[str]:
    """The known modules a syntax tree imports (`from a import b` is `a.b` when that is a module)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
    return found & known


def _run_by(handler: Any, known: set[str], seen: set[Any]) -> set[str]:
    """The known modules a function's body imports or names (modules, and the modules of the
    functions and classes it names); functions of its own module are followed into."""
    handler = _unwrap(handler)
    if handler in seen:
        return set()
    seen.add(handler)
    home = handler.__module__
    found = _imported_by(ast.parse(textwrap.dedent(inspect.getsource(handler))), known)
    names = inspect.getclosurevars(handler)
    for value in [*names.globals.values(), *names.nonlocals.values()]:
        if inspect.isfunction(value) and value.__module__ == home:
            found |= _run_by(value, known, seen)
            continue
        name = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", None)
        if name in known and name != home:
            found.add(name)
    return found


def _unwrap(handler: Any) -> Any:
    """The user's function inside chalice's wrappers and `core.lambdas`' entry."""
    while True:
        if hasattr(handler, "domain_function"):
            handler = handler.domain_function
        elif inspect.isfunction(handler):
            return handler
        else:
            handler = next(getattr(handler, a) for a in ("func", "_original_func") if hasattr(handler, a))

"""What each Lambda function may touch, derived from the code it can run.

Every function gets its own role. What the role grants is not listed per function (a list that
would drift from the code): it follows from the function's entry point (chalice's handler
string) through the code it can run (`access_walk`: the functions and classes its body names,
theirs in turn) to

- the tables of the PynamoDB models that code names, and
- the capabilities of the functions and classes it reaches, from `CAPABILITIES` below: the few
  modules (or, where a module holds more than one adapter, classes) that call an AWS service
  other than DynamoDB, keyed by dotted prefix so a layer that becomes a package keeps its grant.

Objects, not modules: in the import graph a domain's `api` imports its whole service and its
wiring every adapter, so every function reached almost every table. Where the walk cannot follow
the code (a module used as a value, say) it falls back to that module's import-graph reach, as
the API function does as a whole: it runs every route, so it takes what `app.py` imports. The
recorded calls of the integration and end-to-end tests check the result
(`tests/infrastructure/test_function_roles.py`).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from infrastructure.access_walk import Walker, roots_of

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


# Dotted prefix -> what its code calls. A prefix matches the module or class it names and
# everything below it (a class's methods); the reach of a module, where the walk falls back to the
# import graph, matches the prefixes inside it too.
CAPABILITIES: Mapping[str, tuple[Capability, ...]] = {
    "chalicelib.core.publisher": (Capability.PUBLISH,),
    "chalicelib.core.workflows": (Capability.START_WORKFLOWS,),
    # The health probe, not the platform's store beside it.
    "chalicelib.platform.adapters.BotoServiceProbe": (Capability.DESCRIBE_TABLES, Capability.DESCRIBE_WORKFLOWS),
    "chalicelib.dispatch.adapters.aws.EventBridgeCoResponders": (Capability.CO_RESPONSE_EVENTS,),
    "chalicelib.dispatch.adapters.aws.StepFunctionsWaker": (Capability.TASK_RESPONSES,),
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
    """Every function of the Chalice app (by chalice name) -> its access.

    The API function by the import graph from `app.py` (it runs every route); each declared
    function by the code its handler can run.
    """
    app_module = app_module or _app_module()
    graph = _graph()
    owners = _table_owners()
    models = {model: tables[0] for model, tables in _model_tables().items()}
    walker = Walker(PACKAGE, OPAQUE)
    app_entries = _imported_by(ast.parse(Path(inspect.getfile(app_module)).read_text("utf-8")), set(graph.modules))
    out = {API_HANDLER: _of_modules(app_entries, reach(app_entries, graph), owners)}
    for fn in _declared(app_module.app):
        module, _, attr = fn.handler_string.rpartition(".")
        reached = walker.walk(roots_of(getattr(sys.modules[module], attr), _unwrap))
        fallback = reach(reached.unresolved, graph)  # code the walk could not follow: by module
        by_module = _of_modules(set(), fallback, owners)
        tables = {models[c] for c in reached.classes if c in models} | set(by_module.tables)
        capabilities = {c for m, q in reached.names for c in _capabilities_of(f"{m}.{q}")}
        out[fn.name] = Access(
            frozenset({module}),
            frozenset(reached.modules | fallback),
            tuple(sorted(tables)),
            tuple(sorted(capabilities | set(by_module.capabilities))),
        )
    return out


def _of_modules(entries: set[str], modules: set[str], owners: Mapping[str, list[str]]) -> Access:
    """Access by the import graph: the tables of every `dal` module reached, every capability."""
    tables = sorted({t for m in modules for t in owners.get(m, ())})
    capabilities = sorted({c for m in modules for c in _capabilities_of(m, within=True)})
    return Access(frozenset(entries), frozenset(modules), tuple(tables), tuple(capabilities))


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


def _capabilities_of(name: str, *, within: bool = False) -> tuple[Capability, ...]:
    """What the module, function or class `name` (dotted) calls; `within`: or anything inside it."""
    found: list[Capability] = [c for m, cs in CAPABILITIES_OF_OPAQUE.items() if _below(name, m) for c in cs]
    for prefix, capabilities in CAPABILITIES.items():
        if _below(name, prefix) or (within and _below(prefix, name)):
            found.extend(capabilities)
    return tuple(found)


def _below(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@cache
def _graph() -> Any:
    import grimp

    return grimp.build_graph(PACKAGE, cache_dir=None)


def _table_owners() -> dict[str, list[str]]:
    """Module -> logical names of the tables it declares."""
    owners: dict[str, list[str]] = {}
    for model, tables in _model_tables().items():
        owners.setdefault(model.__module__, []).extend(tables)
    return owners


def _model_tables() -> dict[type, list[str]]:
    """Every PynamoDB model of the catalog -> its table's logical name."""
    from chalicelib import tables as catalog
    from chalicelib.core import tables

    return {model: [tables.logical_name(model)] for model in catalog.all_models()}


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


def _unwrap(handler: Any) -> Any:
    """The user's function inside chalice's wrappers and `core.lambdas`' entry."""
    while True:
        if hasattr(handler, "domain_function"):
            handler = handler.domain_function
        elif inspect.isfunction(handler):
            return handler
        else:
            handler = next(getattr(handler, a) for a in ("func", "_original_func") if hasattr(handler, a))

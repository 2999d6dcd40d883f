"""The code walker of `infrastructure.access` (`access_walk`) on small hand-written modules: what a function's
body names is reached, what its module merely holds is not, and what cannot be followed is
reported for the import graph's fallback."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from infrastructure.access_walk import Reached, Walker

PACKAGE = "walked"

MODULES = {
    "__init__": "",
    "ports": """
        from abc import ABC, abstractmethod

        class Store(ABC):
            @abstractmethod
            def put(self, item: str) -> None: ...
        """,
    "dal": """
        class Record:
            def save(self) -> None: ...

        class Other:
            def save(self) -> None: ...
        """,
    "adapters": """
        from walked.dal import Record
        from walked.ports import Store

        class DynamoStore(Store):
            def put(self, item: str) -> None:
                Record().save()

        class QueueStore(Store):
            def put(self, item: str) -> None:
                from walked.dal import Other

                Other().save()
        """,
    "wiring": """
        from functools import lru_cache

        @lru_cache
        def get_store():
            from walked.adapters import DynamoStore

            return DynamoStore()

        @lru_cache
        def get_queue():
            from walked.adapters import QueueStore

            return QueueStore()
        """,
    "service": """
        from walked import helpers
        from walked.ports import Store

        def register(store: Store, item: str) -> None:
            store.put(helpers.clean(item))
        """,
    "helpers": """
        def clean(item: str) -> str:
            return item.strip()

        def audited(item: str) -> str:
            from walked.wiring import get_queue

            get_queue().put(item)
            return item

        def dynamic():
            from walked import dal

            return dal
        """,
    "entry": """
        from __future__ import annotations

        from walked import helpers, missing_holder
        from walked.helpers import audited
        from walked.ports import Store

        def decorate(fn):
            audited("decorated")
            return fn

        @decorate
        def handler(event: dict, store: Store = None) -> None:
            from walked.service import register
            from walked.wiring import get_store

            register(get_store(), event["item"])

        def uses_a_module_value():
            return helpers.dynamic().Record

        def uses_getattr(name: str):
            from . import dal

            return getattr(dal, name)

        def uses_a_missing_attribute():
            return missing_holder.nothing_here

        def annotated(item: helpers.audited) -> audited:
            pass
        """,
    "missing_holder": "",
}


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("walk")
    package = root / PACKAGE
    package.mkdir()
    for name, text in MODULES.items():
        (package / f"{name}.py").write_text(textwrap.dedent(text), "utf-8")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(f"{PACKAGE}.entry")
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _walk(*roots: Any) -> Reached:
    return Walker(PACKAGE).walk(roots)


def _names(reached: Reached) -> set[str]:
    return {f"{module.removeprefix(PACKAGE + '.')}.{name}" for module, name in reached.names}


def test_a_handler_reaches_what_its_body_names_and_their_code_in_turn(walked: Any) -> None:
    names = _names(_walk(walked.handler))
    assert {"service.register", "wiring.get_store", "adapters.DynamoStore", "dal.Record", "helpers.clean"} <= names
    assert {"ports.Store", "ports.Store.put"} <= names  # the concrete class's base, nothing below it


def test_what_the_module_merely_holds_is_not_reached(walked: Any) -> None:
    names = _names(_walk(walked.handler))
    # The other adapter of the same port, the helpers the body does not name, the decorator (run
    # at definition, not by a call) and what only an annotation names.
    assert not {"adapters.QueueStore", "dal.Other", "wiring.get_queue", "helpers.audited", "entry.decorate"} & names
    assert not _walk(walked.handler).unresolved


def test_a_module_used_as_a_value_reaches_all_it_holds(walked: Any) -> None:
    reached = _walk(walked.uses_a_module_value)
    assert {"dal.Record", "dal.Other"} <= _names(reached)
    assert not reached.unresolved


def test_getattr_on_a_module_reaches_all_it_holds(walked: Any) -> None:
    assert {"dal.Record", "dal.Other"} <= _names(_walk(walked.uses_getattr))


def test_an_attribute_the_module_lacks_falls_back_to_the_module(walked: Any) -> None:
    assert _walk(walked.uses_a_missing_attribute).unresolved == {f"{PACKAGE}.missing_holder"}


def test_annotations_are_not_followed(walked: Any) -> None:
    reached = _walk(walked.annotated)
    assert _names(reached) == {"entry.annotated"} and not reached.unresolved


def test_classes_reached_include_the_models_a_method_names(walked: Any) -> None:
    classes = {c.__qualname__ for c in _walk(walked.handler).classes}
    assert {"Record", "DynamoStore", "Store"} <= classes and "Other" not in classes


def test_objects_outside_the_package_are_not_entered(walked: Any) -> None:
    reached = Walker("elsewhere").walk([walked.handler])
    assert not reached.names and not reached.classes and not reached.unresolved

"""The code a function can run: from its body to the functions and classes that body names.

Modules are too coarse a unit: a domain's `api` imports its whole service, its wiring every
adapter, so in the import graph everything reaches everything. Here the unit is the object. From a
function, follow what its body references (globals, closure cells, names imported inside it,
`module.attr` resolved to the object); from a class, its methods, class attributes and bases,
never its subclasses: an abstract port leads nowhere, the concrete class is reached where a
factory names it. An instance is its class. Whatever a body can call was either named by reached
code or built by it, so the methods it calls belong to a reached class.

A module used as a value (returned, passed, given to `getattr`) counts as everything it holds.
A body without source (a dataclass's generated `__eq__`) counts as every name its code holds.
An attribute a module does not have is recorded as unresolved: the caller grants that module's
whole import-graph reach. Each way, the result stays a superset of what the code can do.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import inspect
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from types import FunctionType, MethodType, ModuleType
from typing import Any


@dataclass
class Reached:
    """What a walk found."""

    classes: set[type] = field(default_factory=set)  # every class of the package reached
    names: set[tuple[str, str]] = field(default_factory=set)  # (module, qualname) of each function and class
    unresolved: set[str] = field(default_factory=set)  # modules the code uses in a way not followed

    @property
    def modules(self) -> set[str]:
        """The modules of the functions and classes reached."""
        return {module for module, _ in self.names}


class Walker:
    """Follows code of `package` from roots; objects of `opaque` modules are reached, not entered."""

    def __init__(self, package: str, opaque: Iterable[str] = ()) -> None:
        self.package = package
        self.opaque = frozenset(opaque)

    def walk(self, roots: Iterable[Any]) -> Reached:
        out = Reached()
        seen: set[int] = set()
        keep: list[Any] = []  # what `seen` names stays alive for the walk
        todo = list(roots)
        while todo:
            obj = todo.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            keep.append(obj)
            todo.extend(self._step(obj, out))
        return out

    def _ours(self, module: object) -> bool:
        return isinstance(module, str) and (module == self.package or module.startswith(self.package + "."))

    def _step(self, obj: Any, out: Reached) -> Iterator[Any]:
        """What reaching `obj` leads to (and what it adds to `out`)."""
        if isinstance(obj, ModuleType):
            yield from self._module_value(obj, out)
            return
        held = _held(obj)
        if held is not None:  # a container or a wrapper: what it holds
            yield from held
            return
        wrapped = _wrapped(obj)
        if wrapped is not None:  # functools.wraps, lru_cache (the composition root's providers)
            yield wrapped
        if isinstance(obj, FunctionType | type):
            if self._ours(obj.__module__):
                yield from self._code(obj, out)
        elif self._ours(type(obj).__module__):  # an instance: its class and what it holds
            yield type(obj)
            yield from getattr(obj, "__dict__", {}).values()

    def _module_value(self, module: ModuleType, out: Reached) -> Iterator[Any]:
        """A module as a value (returned, passed): any of its attributes may be used."""
        if not self._ours(module.__name__) or module.__name__ in self.opaque:
            return
        if hasattr(module, "__getattr__"):  # attributes made on demand: not followed
            out.unresolved.add(module.__name__)
        else:
            yield from (v for k, v in vars(module).items() if not k.startswith("__"))

    def _code(self, obj: FunctionType | type, out: Reached) -> Iterator[Any]:
        """A function's body's references; a class's methods, attributes and bases."""
        out.names.add((obj.__module__, obj.__qualname__))
        if obj.__module__ in self.opaque:
            return
        if isinstance(obj, FunctionType):
            yield from self._referenced_by(obj, out)
            return
        out.classes.add(obj)
        yield from obj.__bases__
        yield from vars(obj).values()
        if is_dataclass(obj):
            yield from (v for f in fields(obj) for v in (f.default, f.default_factory))

    def _referenced_by(self, fn: FunctionType, out: Reached) -> Iterator[Any]:
        """The objects a function's body names (its decorators and annotations are not run by it)."""
        scope = _Scope(fn)
        tree = _body_tree(fn)
        if tree is None:  # no source (a dataclass's `__eq__`, say): every name its code holds
            for name in _code_names(fn.__code__):
                value = scope.lookup(name)
                if value is not _MISSING:
                    yield value
            return
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                scope.bind_import(node)
        parents = {id(child): parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                value = scope.lookup(node.id)
                if value is not _MISSING:
                    yield self._through_attributes(value, node, parents, out)

    def _through_attributes(self, value: Any, node: ast.AST, parents: dict[int, ast.AST], out: Reached) -> Any:
        """`module.attr.attr` as the object it names; a module left as a value stays a module."""
        parent = parents.get(id(node))
        while isinstance(value, ModuleType) and isinstance(parent, ast.Attribute):
            attr = getattr(value, parent.attr, _MISSING)
            if attr is _MISSING:
                attr = _submodule(value, parent.attr)
            if attr is _MISSING:
                out.unresolved.add(value.__name__)  # not resolvable: the module's whole reach
                return None
            value, node, parent = attr, parent, parents.get(id(parent))
        return value


_MISSING: Any = object()


class _Scope:
    """Names as a function's body sees them: its own imports, closure cells, module globals."""

    def __init__(self, fn: FunctionType) -> None:
        self.fn = fn
        cells = fn.__closure__ or ()
        self.names: dict[str, Any] = {}
        for name, cell in zip(fn.__code__.co_freevars, cells, strict=True):
            try:
                self.names[name] = cell.cell_contents
            except ValueError:  # not bound yet
                continue

    def lookup(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        if name in self.fn.__globals__:
            return self.fn.__globals__[name]
        return _MISSING  # a builtin, or a local of the body

    def bind_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                module = _import(alias.name)
                if alias.asname:
                    self.names[alias.asname] = module
                else:
                    top = alias.name.partition(".")[0]
                    self.names[top] = _import(top)
            return
        package = self.fn.__module__ if _is_package(self.fn.__module__) else self.fn.__module__.rpartition(".")[0]
        base = (
            importlib.util.resolve_name("." * node.level + (node.module or ""), package) if node.level else node.module
        )
        module = _import(base or "")
        for alias in node.names:
            value = getattr(module, alias.name, _MISSING) if module is not _MISSING else _MISSING
            if value is _MISSING:
                value = _import(f"{base}.{alias.name}")
            self.names[alias.asname or alias.name] = value


def _body_tree(fn: FunctionType) -> ast.AST | None:
    """The function's syntax tree without what its definition, not its call, evaluates."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):  # no source, or a lambda inside a larger expression
        return None
    top = tree.body[0] if tree.body else None
    if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
        top.decorator_list = []
    elif not (isinstance(top, ast.Expr) and isinstance(top.value, ast.Lambda)):
        return None  # `x = lambda ...` and the like: the code-name fallback is sound
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
        if isinstance(node, ast.arg):
            node.annotation = None
        if isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant(None)
    return tree


def _code_names(code: Any) -> set[str]:
    names = {*code.co_names, *code.co_freevars}
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _code_names(const)
    return names


def _held(obj: Any) -> Iterable[Any] | None:
    """What a container or a wrapper of callables holds; None for anything else."""
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, list | tuple | set | frozenset):
        return obj
    if isinstance(obj, functools.partial):
        return [obj.func, *obj.args, *obj.keywords.values()]
    if isinstance(obj, MethodType):
        return [obj.__func__, obj.__self__]
    if isinstance(obj, staticmethod | classmethod):
        return [obj.__func__]
    if isinstance(obj, property):
        return [f for f in (obj.fget, obj.fset, obj.fdel) if f]
    return None


def _wrapped(obj: Any) -> Any:
    try:
        return getattr(obj, "__wrapped__", None)
    except Exception:
        return None


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return _MISSING


def _submodule(module: ModuleType, attr: str) -> Any:
    return _import(f"{module.__name__}.{attr}") if hasattr(module, "__path__") else _MISSING


def _is_package(name: str) -> bool:
    module = importlib.import_module(name)
    return hasattr(module, "__path__")


def roots_of(handler: Any, unwrap: Callable[[Any], Any]) -> list[Any]:
    """A declared function's code: chalice's entry around it and the domain function inside."""
    return [handler, unwrap(handler), *(getattr(handler, a) for a in ("func", "_original_func") if hasattr(handler, a))]

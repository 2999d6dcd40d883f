"""import-linter contracts the stock types cannot express (registered in `.importlinter`).

- `private_layers`: a domain's private layers (`dal`, `adapters`, `wiring`) are imported only from
  inside that domain. Other domains call its `api`; the composition above the domains
  (`chalicelib.tables`, `app`) may see them.
- `acyclic_modules`: no import cycle between modules, imports inside functions included (grimp
  records every import statement, wherever it sits), so a cycle cannot hide in a function body.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output

# The package's own modules sit above (composition) or below (`core`) the domains.
COMPOSITION = {"tables", "openapi", "core"}


def domain_of(module: str, root: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != root or parts[1] in COMPOSITION:
        return None
    return parts[1]


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else None


class PrivateLayersContract(Contract):
    root = fields.StringField()
    private = fields.ListField(subfield=fields.StringField())
    allowed_importers = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        root = str(self.root)
        private = {str(p) for p in self.private}  # type: ignore[attr-defined]
        allowed = tuple(str(a) for a in (self.allowed_importers or []))  # type: ignore[attr-defined]
        broken: list[tuple[str, str]] = []
        for importer in sorted(graph.modules):
            if importer.startswith(allowed):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                owner, user = domain_of(imported, root), domain_of(importer, root)
                if owner and user and user != owner and layer_of(imported) in private:
                    broken.append((importer, imported))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported in check.metadata["broken"]:
            output.print_error(f"{importer} imports {imported}: call the owner's api instead", bold=False)
            output.new_line()


class AcyclicModulesContract(Contract):
    root = fields.StringField()

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        root = str(self.root)
        modules = {m for m in graph.modules if m == root or m.startswith(root + ".")}
        edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i in modules} for m in modules}
        cycles = [sorted(c) for c in strongly_connected(edges) if len(c) > 1]
        return ContractCheck(kept=not cycles, metadata={"cycles": sorted(cycles)})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error("import cycle: " + " <-> ".join(cycle), bold=False)
            output.new_line()


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the module graph is deep enough to hit the recursion limit)."""
    state = _Tarjan(edges)
    for start in sorted(edges):
        if start not in state.index:
            state.visit(start)
    return state.found


class _Tarjan:
    def __init__(self, edges: dict[str, set[str]]) -> None:
        self.edges = edges
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.found: list[set[str]] = []

    def enter(self, node: str) -> Any:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        return iter(sorted(self.edges[node]))

    def visit(self, start: str) -> None:
        work: list[tuple[str, Any]] = [(start, self.enter(start))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    self.low[work[-1][0]] = min(self.low[work[-1][0]], self.low[node])
                self.close(node)
            elif child not in self.index:
                work.append((child, self.enter(child)))
            elif child in self.on_stack:
                self.low[node] = min(self.low[node], self.index[child])

    def close(self, node: str) -> None:
        if self.low[node] != self.index[node]:
            return
        component: set[str] = set()
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            component.add(member)
            if member == node:
                break
        self.found.append(component)

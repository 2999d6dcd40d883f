"""The custom import contracts (tests/architecture/contracts.py) on small graphs built by hand."""

from __future__ import annotations

import grimp
from hypothesis import given
from hypothesis import strategies as st

from tests.architecture.contracts import (
    AcyclicModulesContract,
    PrivateLayersContract,
    strongly_connected,
)


def graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    g = grimp.ImportGraph()
    for importer, imported in imports:
        for module in (importer, imported):
            if module not in g.modules:
                g.add_module(module)
        g.add_import(importer=importer, imported=imported)
    return g


def private(**options: object) -> PrivateLayersContract:
    fields = {"root": "pkg", "private": ["dal", "adapters", "wiring"], **options}
    return PrivateLayersContract(name="private", session_options={}, contract_options=fields)


def acyclic() -> AcyclicModulesContract:
    return AcyclicModulesContract(name="acyclic", session_options={}, contract_options={"root": "pkg"})


def test_a_domain_reaching_into_another_domains_dal_breaks_the_contract() -> None:
    check = private().check(graph(("pkg.triage.service", "pkg.incidents.dal")), verbose=False)
    assert not check.kept
    assert check.metadata["broken"] == [("pkg.triage.service", "pkg.incidents.dal")]


def test_the_owner_its_api_and_the_composition_above_may_import_private_layers() -> None:
    g = graph(
        ("pkg.incidents.api", "pkg.incidents.wiring"),
        ("pkg.incidents.wiring", "pkg.incidents.adapters"),
        ("pkg.triage.service", "pkg.incidents.api"),
        ("pkg.tables", "pkg.incidents.dal"),
    )
    assert private().check(g, verbose=False).kept


def test_core_is_not_a_domain_so_nothing_in_it_is_private_to_one() -> None:
    assert private().check(graph(("pkg.triage.service", "pkg.core.adapters")), verbose=False).kept


def test_a_cycle_through_three_modules_is_reported_once_with_its_members() -> None:
    g = graph(("pkg.a.x", "pkg.b.y"), ("pkg.b.y", "pkg.c.z"), ("pkg.c.z", "pkg.a.x"), ("pkg.c.z", "pkg.d.w"))
    check = acyclic().check(g, verbose=False)
    assert not check.kept
    assert check.metadata["cycles"] == [["pkg.a.x", "pkg.b.y", "pkg.c.z"]]


def test_a_chain_is_acyclic() -> None:
    assert acyclic().check(graph(("pkg.a.x", "pkg.b.y"), ("pkg.b.y", "pkg.c.z")), verbose=False).kept


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=40))
def test_components_are_exactly_the_mutually_reachable_sets(pairs: list[tuple[int, int]]) -> None:
    edges: dict[str, set[str]] = {str(n): set() for n in range(13)}
    for a, b in pairs:
        edges[str(a)].add(str(b))
    components = strongly_connected(edges)
    assert sorted(n for c in components for n in c) == sorted(edges)  # a partition
    for component in components:
        for node in component:
            mutual = {m for m in reachable(edges, node) if node in reachable(edges, m)}
            assert mutual == component

"""The shape of the library, read from its source: graph/ never imports the web app, the
store's interface imports no store, and no import cycle remains among the graph modules."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from graph.settings import PROJECT_ROOT

GRAPH_PACKAGE = PROJECT_ROOT / "graph"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(GRAPH_PACKAGE.rglob("*.py"))}


def imported_names(module: str) -> list[tuple[str, int]]:
    """Every module ``module`` imports, at module level or inside a function alike, with the
    line: ``from a.b import c`` names ``a.b.c`` when that is a module, else ``a.b``."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parents, base] if base else parents)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                names.append((submodule if submodule in MODULES else base, node.lineno))
    return names


def import_graph() -> nx.DiGraph:
    """graph module → graph module it imports. The package a submodule lives in is not an
    edge of its own: Python runs a package's ``__init__`` before any of its submodules, so an
    ``__init__`` that re-exports its submodules (graph/store/__init__.py) is no cycle."""
    graph = nx.DiGraph()
    for module in MODULES:
        graph.add_node(module)
        for name, _ in imported_names(module):
            if name in MODULES and name != module:
                graph.add_edge(module, name)
    return graph


def test_no_module_under_graph_imports_the_web_app() -> None:
    offending = [
        f"{MODULES[module].relative_to(PROJECT_ROOT)}:{line} imports {name}"
        for module in MODULES
        for name, line in imported_names(module)
        if name == "webapp" or name.startswith("webapp.")
    ]
    assert offending == []


def test_no_import_cycle_remains_among_the_graph_modules() -> None:
    cycles = sorted(nx.simple_cycles(import_graph()))
    assert cycles == []


def test_the_store_interface_imports_no_store() -> None:
    imported = {name for name, _ in imported_names("graph.store.interface")}
    assert not {name for name in imported if name.startswith("graph.")}


def test_the_import_graph_sees_the_imports_inside_functions() -> None:
    """The cycle test above can fail: it sees what graph/cli.py imports only inside its
    commands, and an import back from such a module would close a cycle."""
    graph = import_graph()
    assert graph.has_edge("graph.cli", "graph.store.workers")  # inside `ikg sparql`
    assert graph.has_edge("graph.store.push", "graph.store.update")
    graph.add_edge("graph.store.update", "graph.cli")
    assert not nx.is_directed_acyclic_graph(graph)

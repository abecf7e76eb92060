"""The shape of the package, read from the source: imports flow one way.

Every module under ``esma/`` is parsed (nothing is imported) and every import statement in it is
collected, those inside functions included, since a lazy import runs too, only later. Imports
under ``if TYPE_CHECKING:`` never run and are left out. Three rules follow from the house plan:

- no import cycle between esma modules (a cycle works only as long as some import stays lazy);
- no private name (one leading underscore) imported from another esma module: a helper that
  several modules need is public in one place;
- numba only in ``esma/kernels/``: the compiled kernels are the one place that knows about it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "esma"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_time_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, at any depth, except under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    """The absolute module name of ``from ... import`` (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


class Module:
    """One parsed module of the package: its name, its tree and the imports that can run."""

    def __init__(self, name: str, source: str, is_package: bool = False) -> None:
        self.name = name
        self.is_package = is_package
        self.tree = ast.parse(source)
        self.imports = _run_time_imports(self.tree)

    @classmethod
    def read(cls, path: Path) -> Module:
        source = path.read_text(encoding="utf-8")
        return cls(_module_name(path), source, is_package=path.name == "__init__.py")


MODULES = {m.name: m for m in map(Module.read, sorted(PACKAGE.rglob("*.py")))}


def _with_parents(name: str) -> list[str]:
    """``esma.kernels.bm`` and the packages an import of it runs first (``esma.kernels``)."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _encloses(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def _edges(module: Module, modules: dict[str, Module] = MODULES) -> set[str]:
    """The esma modules that importing or running ``module`` imports.

    A package that encloses ``module`` is counted only when it is imported by name (``from
    esma.cli import cli``): as the parent of a sibling (``from esma.cli.common import ...``) it
    has been imported before ``module`` runs at all, so the import does not run it.
    """
    out: set[str] = set()
    for node in module.imports:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _absolute(module.name, node, module.is_package)
            # ``from esma.kernels import screen`` imports the module esma.kernels.screen.
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for target in targets:
            out.update(
                t
                for t in _with_parents(target)
                if t in modules and (t == target or not _encloses(t, module.name))
            )
    out.discard(module.name)
    return out


def import_graph(modules: dict[str, Module] = MODULES) -> dict[str, set[str]]:
    return {name: _edges(module, modules) for name, module in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(modules: dict[str, Module] = MODULES) -> list[str]:
    """``module: from other import _name``, for every private name crossing a module boundary.

    A private module (``esma.kernels._jit``) may be imported from inside its own package.
    """
    out = []
    for module in modules.values():
        for node in module.imports:
            if isinstance(node, ast.Import):
                pairs = [(alias.name, None) for alias in node.names]
            else:
                base = _absolute(module.name, node, module.is_package)
                pairs = [(base, alias.name) for alias in node.names]
            for source, name in pairs:
                if source != "esma" and not source.startswith("esma."):
                    continue
                if name is not None and _private(name) and source != module.name:
                    out.append(f"{module.name}: from {source} import {name}")
                parts = source.split(".")
                for i, part in enumerate(parts):
                    home = ".".join(parts[:i])  # the package that holds the private module
                    if _private(part) and not module.name.startswith(home + "."):
                        out.append(f"{module.name}: imports the private module {source}")
    return sorted(set(out))


def private_attributes(modules: dict[str, Module] = MODULES) -> list[str]:
    """``module: Name._attr`` where ``Name`` was imported from another esma module: a private
    attribute of a class or module reached across the boundary (``Recurrence._trusted``)."""
    out = []
    for module in modules.values():
        imported = set()
        for node in module.imports:
            if isinstance(node, ast.ImportFrom):
                base = _absolute(module.name, node, module.is_package)
                if base == "esma" or base.startswith("esma."):
                    imported.update(alias.asname or alias.name for alias in node.names)
            else:
                imported.update(
                    alias.asname
                    for alias in node.names
                    if alias.asname and alias.name.startswith("esma.")
                )
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in imported
                and _private(node.attr)
            ):
                out.append(f"{module.name}: {node.value.id}.{node.attr}")
    return sorted(set(out))


def numba_outside_kernels(modules: dict[str, Module] = MODULES) -> list[str]:
    out = []
    for module in modules.values():
        if module.name == "esma.kernels" or module.name.startswith("esma.kernels."):
            continue
        for node in module.imports:
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""] * (node.level == 0)
            )
            if any(n == "numba" or n.startswith("numba.") for n in names):
                out.append(f"{module.name}, line {node.lineno}")
    return out


def test_the_package_is_found():
    assert {"esma", "esma.errors", "esma.conjecture", "esma.kernels.bm"} <= set(MODULES)


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_no_private_names_cross_modules():
    assert private_imports() == []
    assert private_attributes() == []


def test_numba_only_in_kernels():
    assert numba_outside_kernels() == []


# -- the checks themselves, on made-up modules ---------------------------------------------------


def test_cycles_are_found_and_acyclic_graphs_pass():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


@pytest.mark.parametrize(
    ("source", "counted"),
    [
        ("def f():\n    import esma.x\n", True),  # lazy imports run too
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import esma.x\n", False),
        (
            "import typing\nif typing.TYPE_CHECKING:\n    import esma.x\nelse:\n    import y\n",
            False,
        ),
    ],
)
def test_type_checking_imports_are_the_only_ones_left_out(source, counted):
    names = [a.name for node in _run_time_imports(ast.parse(source)) for a in node.names]
    assert ("esma.x" in names) == counted


def test_a_package_may_import_submodules_that_import_their_siblings():
    """Importing ``esma.p.b`` from ``esma.p.a`` does not run ``esma.p`` (it already runs); a
    submodule that reads its package's own names does, and that cycle is found."""
    modules = {
        "esma.p": Module("esma.p", "from esma.p.a import f\n", is_package=True),
        "esma.p.a": Module("esma.p.a", "from esma.p.b import g\n\ndef f(): ...\n"),
        "esma.p.b": Module("esma.p.b", "g = 1\n"),
        "esma.q": Module("esma.q", "from esma.p.b import g\n"),
    }
    graph = import_graph(modules)
    assert graph["esma.p.a"] == {"esma.p.b"}
    assert graph["esma.q"] == {"esma.p", "esma.p.b"}  # from outside, esma.p runs first
    assert cycles(graph) == []
    modules["esma.p.b"] = Module("esma.p.b", "from esma.p import f\n")
    assert cycles(import_graph(modules)) == [["esma.p", "esma.p.a", "esma.p.b"]]


def _package(**sources: str) -> dict[str, Module]:
    """Made-up modules ``esma.<name>`` from their source text."""
    return {f"esma.{name}": Module(f"esma.{name}", text) for name, text in sources.items()}


def test_private_names_across_modules_are_found():
    modules = _package(
        a="from esma.b import _helper, public\n",
        b="def f():\n    from esma.c import Thing\n    return Thing._trusted()\n",
        c="from esma.kernels._jit import kernel\n",
        d="from esma.b import __version__\nfrom .b import _other\n",
    )
    assert private_imports(modules) == [
        "esma.a: from esma.b import _helper",
        "esma.c: imports the private module esma.kernels._jit",
        "esma.d: from esma.b import _other",
    ]
    assert private_attributes(modules) == ["esma.b: Thing._trusted"]


def test_numba_outside_kernels_is_found():
    modules = _package(a="def f():\n    from numba import types\n", b="import numpy\n")
    modules["esma.kernels.k"] = Module("esma.kernels.k", "import numba\n")
    assert numba_outside_kernels(modules) == ["esma.a, line 2"]

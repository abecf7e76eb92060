"""Dependencies match the code: every runtime dependency in pyproject.toml is imported by esma.

Found by walking the syntax tree of every module under ``esma/`` (``import x`` and
``from x import y``, at any depth, lazy imports included). ``esma/scripts/`` is left out: those
modules are the heads of exported files, read as text and never imported by esma.
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normalized(re.match(r"[A-Za-z0-9_.-]+", d).group()) for d in project["dependencies"]}


def _imported_modules() -> set[str]:
    modules = set()
    for path in (ROOT / "esma").rglob("*.py"):
        if "scripts" in path.relative_to(ROOT / "esma").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def test_every_runtime_dependency_is_imported_by_esma():
    by_module = packages_distributions()  # top-level module -> distributions providing it
    used = {
        _normalized(dist) for module in _imported_modules() for dist in by_module.get(module, ())
    }
    unused = _runtime_dependencies() - used
    assert not unused, f"runtime dependencies esma never imports: {sorted(unused)}"


def test_the_walk_finds_imports():
    """The control: the walk sees a lazy import inside a function (sympy in esma.interop) and a
    module imported under another name (python-flint as flint)."""
    modules = _imported_modules()
    assert {"sympy", "flint", "gmpy2", "numba"} <= modules
    assert "ramanujantools" not in modules  # only the exported files' heads import it

"""The package's import graph: no circles, and no test scaffolding in the installed code.

Every ``import`` counts, wherever it is written: at module level, inside a function or under
``if TYPE_CHECKING:``. A deferred import only hides a circle (the two modules still need each
other), so it is treated as an edge like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("extract", "expectations")
# Test-only libraries: the installed package must run without them (tests/aws_populate.py uses them).
TEST_ONLY = ("moto", "unittest.mock", "unittest", "pytest")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def imported_names(path: Path, name: str) -> list[str]:
    """Every name an import statement in ``path`` imports, in full (``from a import b`` gives
    ``a.b``, which :func:`resolve` maps to module ``a.b`` or, when ``b`` is a name in it, ``a``)."""
    is_package = path.name == "__init__.py"
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = name.split(".")
                if not is_package:
                    anchor.pop()
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            out.extend(f"{base}.{alias.name}" for alias in node.names)
    return out


def resolve(target: str, modules: dict[str, Path]) -> str | None:
    """The package module an imported name belongs to (its longest known prefix), if any."""
    parts = target.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {resolve(t, modules) for t in imported_names(path, name)}
        graph[name] = {t for t in targets if t is not None and t != name}
    return graph


def folder_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph between the package's top-level parts: each module directly in ``extract`` or
    ``expectations``, and each sub-package as a whole (``extract.sources.aws.s3`` counts as
    ``extract.sources``). A ``__main__`` module is an entry point that nothing imports, so it
    stays a part of its own."""

    def part(name: str) -> str:
        return name if name.endswith(".__main__") else ".".join(name.split(".")[:2])

    out: dict[str, set[str]] = {}
    for name, targets in graph.items():
        out.setdefault(part(name), set()).update(part(t) for t in targets)
    return {name: targets - {name} for name, targets in out.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_checker_finds_a_circle_however_it_is_hidden(tmp_path):
    """The two circles issue 13 removed, rebuilt in a scratch package: one through a deferred
    import in a function, one through an ``if TYPE_CHECKING:`` import."""
    pkg = tmp_path / "pkg"
    (pkg / "sources" / "aws").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sources" / "__init__.py").write_text("")
    (pkg / "sources" / "mirror.py").write_text("def readers():\n    pass\n")
    (pkg / "sources" / "aws" / "__init__.py").write_text("from pkg.extraction import connect\n")
    (pkg / "extraction.py").write_text(
        "def connect():\n    pass\n\n\ndef extract():\n    from pkg.sources.mirror import readers\n"
    )
    (pkg / "report.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.validation import Outcome\n"
    )
    (pkg / "validation.py").write_text("from . import report\n")
    (pkg / "leaf.py").write_text("import pkg.report\n")
    modules = {module_name(p, tmp_path): p for p in sorted(pkg.rglob("*.py"))}
    graph = import_graph(modules)
    assert graph["pkg.leaf"] == {"pkg.report"}
    assert cycles(graph) == [["pkg.report", "pkg.validation"]]
    # extraction -> sources.mirror and sources.aws -> extraction: a circle between folders
    assert cycles(folder_graph(graph)) == [
        ["pkg.extraction", "pkg.sources"],
        ["pkg.report", "pkg.validation"],
    ]


def test_the_package_has_no_import_circle():
    graph = import_graph(package_modules())
    assert len(graph) > 50  # the walk found the package
    assert "extract.pipeline" in graph["extract.cli"]  # and reads deferred imports
    assert cycles(graph) == []
    assert cycles(folder_graph(graph)) == []


def test_the_package_imports_no_test_scaffolding():
    found = {
        f"{path.relative_to(ROOT)}: {t}"
        for name, path in package_modules().items()
        for t in imported_names(path, name)
        for lib in TEST_ONLY
        if t == lib or t.startswith(lib + ".")
    }
    assert sorted(found) == [], "test-only libraries belong under tests/"

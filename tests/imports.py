"""The import graph of a set of modules, read with `ast`, and its cycles: one implementation for
every layout test (integration/, devtools/ and bench/, tests/). Every import statement counts,
those inside functions too; a package importing its own submodule does not."""

from __future__ import annotations

import ast
from pathlib import Path


def module_name(path: Path, root: Path) -> str:
    """A package's `__init__.py` is named as the package, any other file by its path."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(name: str, tree: ast.Module, is_package: bool, known: set[str]) -> set[str]:
    """The modules of `known` that module `name` imports anywhere in `tree`: `from a import b`
    is a.b when that is a module, else a; relative imports are resolved."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, one level up per extra dot
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found & known if m != name and not m.startswith(name + ".")}


def import_graph(paths: dict[str, Path]) -> dict[str, set[str]]:
    """Module name -> the modules of `paths` it imports."""
    known = set(paths)
    return {
        name: imported(
            name, ast.parse(path.read_text(encoding="utf-8")), path.name == "__init__.py", known
        )
        for name, path in paths.items()
    }


def modules_under(*folders: Path, root: Path) -> dict[str, Path]:
    """Every module below `folders`, by its name from `root`."""
    paths = sorted(p for folder in folders for p in folder.rglob("*.py"))
    return {module_name(p, root): p for p in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import each other, directly or round about (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found

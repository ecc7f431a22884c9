"""The shape of integration/ that keeps it readable: the facade is one class in one short file,
no module re-exports what it imported, and no two modules import each other, not even through
an import inside a function (the graph is every import statement `ast` finds)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "integration"
FACADE = PACKAGE / "analytics.py"
FACADE_CLASS = "Analytics"
MAX_FACADE_LINES = 400
MAX_FACADE_INIT_LINES = 25


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that `path` (module `name`) imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, one level up per extra dot
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:  # `from pkg import sub` imports the submodule pkg.sub
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found & known


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module → the modules it imports; a package importing its own submodules does not count."""
    paths = {module_name(p, package.parent): p for p in sorted(package.rglob("*.py"))}
    known = set(paths)
    return {
        name: {m for m in imported(name, path, known) if m != name and not m.startswith(name + ".")}
        for name, path in paths.items()
    }


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


def re_exports(package: Path) -> list[str]:
    """Every `import X as X` / `from M import X as X`: a name kept only to be imported again."""
    out = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out += [
                    f"{path.relative_to(package.parent)}:{node.lineno} {alias.name}"
                    for alias in node.names
                    if alias.asname == alias.name
                ]
    return out


def facade_class() -> ast.ClassDef:
    tree = ast.parse(FACADE.read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == FACADE_CLASS)


def test_the_facade_file_is_at_most_400_lines() -> None:
    lines = len(FACADE.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_FACADE_LINES, f"{FACADE.relative_to(ROOT)}: {lines} lines"


def test_the_facade_init_is_at_most_25_lines() -> None:
    init = next(n for n in facade_class().body if getattr(n, "name", "") == "__init__")
    assert isinstance(init, ast.FunctionDef) and init.end_lineno is not None
    assert init.end_lineno - init.lineno + 1 <= MAX_FACADE_INIT_LINES


def test_the_facade_is_one_class_with_no_base_but_object() -> None:
    bases = [ast.unparse(base) for base in facade_class().bases]
    assert bases in ([], ["object"]), f"{FACADE_CLASS} inherits from {bases}"


def test_no_module_of_integration_re_exports_an_import() -> None:
    assert re_exports(PACKAGE) == []


def test_integration_has_no_import_cycle() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_the_package_has_no_attribute_hook() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert "__getattr__" not in names


def test_the_checks_find_a_cycle_through_a_function_and_a_re_export(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "from pkg import a\nfrom pkg.sub import c\n",  # its own: not counted
        "a.py": "from pkg.sub.c import f as f\n",
        "b.py": "def g():\n    from . import a\n",
        "sub/__init__.py": "",
        "sub/c.py": "def f():\n    from ..b import g\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b", "pkg.sub.c"]]
    assert re_exports(pkg) == ["pkg/a.py:1 f"]

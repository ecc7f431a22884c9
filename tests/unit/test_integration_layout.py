"""The shape of integration/ that keeps it readable: the facade is one class in one short file,
no module re-exports what it imported, and no two modules import each other, not even through
an import inside a function (the graph is every import statement `ast` finds)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.imports import cycles, import_graph, modules_under

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "integration"
FACADE = PACKAGE / "analytics.py"
FACADE_CLASS = "Analytics"
MAX_FACADE_LINES = 400
MAX_FACADE_INIT_LINES = 25


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
    assert cycles(import_graph(modules_under(PACKAGE, root=ROOT))) == []


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
    assert cycles(import_graph(modules_under(pkg, root=tmp_path))) == [
        ["pkg.a", "pkg.b", "pkg.sub.c"]
    ]
    assert re_exports(pkg) == ["pkg/a.py:1 f"]

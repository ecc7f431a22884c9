"""The tooling's shape, read with `ast`: the build package (devtools/build/) keeps its modules at
most 300 lines and its functions at most 30 (def line to last line); devtools/ and bench/ import
each other without a cycle, imports inside functions counted (a package importing its own
submodule is not a cycle); and neither imports from tests/ (tests may import them)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.imports import cycles, import_graph, imported, modules_under

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "devtools" / "build"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 30


def tooling() -> dict[str, Path]:
    """Every module of devtools/ and bench/, by name."""
    return modules_under(ROOT / "devtools", ROOT / "bench", root=ROOT)


def test_no_build_module_is_over_300_lines() -> None:
    lengths = {p.name: len(p.read_text().splitlines()) for p in sorted(BUILD.glob("*.py"))}
    assert {name: n for name, n in lengths.items() if n > MAX_MODULE_LINES} == {}


def test_no_build_function_is_over_30_lines() -> None:
    long = []
    for path in sorted(BUILD.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.name}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []


def test_devtools_and_bench_import_each_other_without_a_cycle() -> None:
    assert cycles(import_graph(tooling())) == []


def test_devtools_and_bench_import_nothing_from_tests() -> None:
    modules = tooling()
    tests = set(modules_under(ROOT / "tests", root=ROOT))
    wrong = {
        name: sorted(imported(name, ast.parse(path.read_text()), path.name == "__init__.py", tests))
        for name, path in modules.items()
    }
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_cycle_check_sees_imports_inside_functions() -> None:
    late = ast.parse("def f():\n    from bench import run\n    from bench.run import main\n")
    assert imported("late", late, False, {"bench.run"}) == {"bench.run"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []

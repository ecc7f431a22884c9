"""The test suite's own house rules, read from its source with `ast`:

- no test function is over 50 lines (split it, parametrize it, or move its set-up out);
- no helper (a top-level function that is neither a test, a fixture nor a pytest hook) is
  defined in two files under tests/: one shared module holds it (tests/helpers.py, tests/fakes.py,
  a conftest); a script's `main` aside;
- nothing sleeps a fixed time (`time.sleep`, `asyncio.sleep`, Playwright's `wait_for_timeout`)
  except inside a bounded wait: a function whose name starts with `wait` or `until` (with or
  without a leading underscore), which polls a condition up to a deadline;
- the modules under tests/ import each other without a cycle, counting imports inside functions;
- fixtures live in conftest files: no test file (`test_*.py`) defines one;
- no test file imports from another test file: what two share lives in tests/helpers.py,
  tests/fakes.py or a conftest.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from tests.imports import cycles, import_graph, imported, modules_under

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
MAX_TEST_LINES = 50
SLEEPS = ("sleep", "wait_for_timeout")
BOUNDED_WAIT = re.compile(r"_?(wait|until)")


def sources() -> dict[str, ast.Module]:
    """Every module under tests/, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(TESTS.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = ast.parse(path.read_text(), str(path))
    return found


def is_fixture(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated `@pytest.fixture` or `@fixture`, with or without arguments."""
    return any(
        ast.unparse(d.func if isinstance(d, ast.Call) else d) in ("pytest.fixture", "fixture")
        for d in node.decorator_list
    )


def is_test_file(module: str) -> bool:
    return module.rpartition(".")[2].startswith("test_")


def functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_no_test_function_is_over_50_lines() -> None:
    long = [
        f"{module}::{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for module, tree in sources().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_TEST_LINES
    ]
    assert long == []


def test_no_helper_is_defined_in_two_files() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for module, tree in sources().items():
        for node in functions(tree):
            if (
                node.name.startswith(("test_", "pytest_"))
                or node.name == "main"
                or is_fixture(node)
            ):
                continue
            where[node.name].append(module)
    twice = {name: modules for name, modules in where.items() if len(modules) > 1}
    assert twice == {}


def test_no_test_file_defines_a_fixture() -> None:
    defined = [
        f"{module}::{node.name}"
        for module, tree in sources().items()
        if is_test_file(module)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and is_fixture(node)
    ]
    assert defined == []


def test_the_fixture_finder_knows_a_fixture_from_a_test_that_uses_one() -> None:
    tree = ast.parse(
        "@pytest.fixture(scope='module')\ndef a(): pass\n@fixture\ndef b(): pass\n"
        "@pytest.mark.usefixtures('a')\ndef test_c(): pass\n"
    )
    assert [node.name for node in functions(tree) if is_fixture(node)] == ["a", "b"]


def test_no_test_file_imports_from_another_test_file() -> None:
    graph = import_graph(modules_under(ROOT / "tests", root=ROOT))
    crossing = {
        module: sorted(m for m in imports if is_test_file(m))
        for module, imports in graph.items()
        if is_test_file(module)
    }
    assert {module: imports for module, imports in crossing.items() if imports} == {}


def sleeps(node: ast.AST, inside: tuple[str, ...] = ()) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line, enclosing function names) of every fixed-time sleep call under `node`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            name = getattr(child, "name", "<lambda>")
            yield from sleeps(child, (*inside, name))
            continue
        if isinstance(child, ast.Call):
            func = child.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in SLEEPS:
                yield child.lineno, inside
        yield from sleeps(child, inside)


def test_nothing_sleeps_outside_a_bounded_wait() -> None:
    bare = [
        f"{module}:{line} (in {'.'.join(inside) or 'the module'})"
        for module, tree in sources().items()
        for line, inside in sleeps(tree)
        if not any(BOUNDED_WAIT.match(name) for name in inside)
    ]
    assert bare == []


def test_the_modules_under_tests_import_each_other_without_a_cycle() -> None:
    assert cycles(import_graph(modules_under(ROOT / "tests", root=ROOT))) == []


def test_the_cycle_finder_finds_a_cycle_held_by_an_import_inside_a_function() -> None:
    a = ast.parse("def f():\n    from tests.b import g\n")
    b = ast.parse("from tests import a\n")
    known = {"tests", "tests.a", "tests.b"}
    graph = {
        "tests.a": imported("tests.a", a, False, known),
        "tests.b": imported("tests.b", b, False, known),
    }
    assert cycles(graph) == [["tests.a", "tests.b"]]


def test_a_sleep_counts_only_inside_a_function_named_for_a_bounded_wait() -> None:
    tree = ast.parse(
        "def wait_ready(page):\n    page.wait_for_timeout(20)\n"
        "def test_x(page):\n    time.sleep(1)\n    def _until():\n        time.sleep(1)\n"
    )
    found = [(line, inside) for line, inside in sleeps(tree)]
    assert found == [(2, ("wait_ready",)), (4, ("test_x",)), (6, ("test_x", "_until"))]
    assert [line for line, inside in found if not any(map(BOUNDED_WAIT.match, inside))] == [4]

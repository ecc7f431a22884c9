"""The test suite's own house rules, read from its source with `ast`:

- no test function is over 50 lines (split it, parametrize it, or move its set-up out);
- no helper (a top-level function that is neither a test, a fixture nor a pytest hook) is
  defined in two files under tests/: one shared module holds it (tests/helpers.py, tests/fakes.py,
  a conftest); a script's `main` aside;
- nothing sleeps a fixed time (`time.sleep`, `asyncio.sleep`, Playwright's `wait_for_timeout`)
  except inside a bounded wait: a function whose name starts with `wait` or `until` (with or
  without a leading underscore), which polls a condition up to a deadline;
- the modules under tests/ import each other without a cycle, counting imports inside functions.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

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
    return any("fixture" in ast.unparse(d) for d in node.decorator_list)


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


def imports(module: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The modules under tests/ that `module` imports, anywhere in it (its own package aside)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:
                package = module.split(".")[: -node.level] if node.level else []
                base = ".".join([*package, node.module])
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found |= {n for n in names if n in known}
    return {n for n in found if n != module and not module.startswith(n + ".")}


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in `graph`, as the path around it; [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_modules_under_tests_import_each_other_without_a_cycle() -> None:
    trees = sources()
    known = set(trees)
    assert cycle({m: imports(m, t, known) for m, t in trees.items()}) == []


def test_the_cycle_finder_finds_a_cycle_held_by_an_import_inside_a_function() -> None:
    a = ast.parse("def f():\n    from tests.b import g\n")
    b = ast.parse("from tests import a\n")
    known = {"tests", "tests.a", "tests.b"}
    graph = {"tests.a": imports("tests.a", a, known), "tests.b": imports("tests.b", b, known)}
    assert cycle(graph) == ["tests.a", "tests.b", "tests.a"]


def test_a_sleep_counts_only_inside_a_function_named_for_a_bounded_wait() -> None:
    tree = ast.parse(
        "def wait_ready(page):\n    page.wait_for_timeout(20)\n"
        "def test_x(page):\n    time.sleep(1)\n    def _until():\n        time.sleep(1)\n"
    )
    found = [(line, inside) for line, inside in sleeps(tree)]
    assert found == [(2, ("wait_ready",)), (4, ("test_x",)), (6, ("test_x", "_until"))]
    assert [line for line, inside in found if not any(map(BOUNDED_WAIT.match, inside))] == [4]

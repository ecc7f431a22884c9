"""The tooling's shape, read with `ast`: the build package (devtools/build/) keeps its modules at
most 300 lines and its functions at most 30 (def line to last line); devtools/ and bench/ import
each other without a cycle, imports inside functions counted (a package importing its own
submodule is not a cycle); and neither imports from tests/ (tests may import them)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "devtools" / "build"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 30


def module_name(path: Path) -> str:
    """`devtools/build/__init__.py` -> devtools.build; `bench/run.py` -> bench.run."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def tooling() -> dict[str, Path]:
    """Every module of devtools/ and bench/, by name."""
    paths = [*(ROOT / "devtools").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    return {module_name(path): path for path in sorted(paths)}


def imported(path: Path, known: set[str]) -> set[str]:
    """The modules `path` imports anywhere in it: `from a import b` is a.b when that is a
    module, else a."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{alias.name}" for alias in node.names}
            found.update(subs & known or {node.module})
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the tooling modules it imports (a package's own submodules left out)."""
    modules = tooling()
    graph = {}
    for name, path in modules.items():
        targets = imported(path, set(modules)) & set(modules)
        if path.name == "__init__.py":
            targets = {t for t in targets if not t.startswith(name + ".")}
        graph[name] = targets - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle found by a depth-first walk, as the chain of modules around it."""
    found: list[list[str]] = []
    done: set[str] = set()

    def walk(name: str, chain: list[str]) -> None:
        if name in chain:
            found.append([*chain[chain.index(name) :], name])
            return
        if name in done:
            return
        for target in sorted(graph.get(name, ())):
            walk(target, [*chain, name])
        done.add(name)

    for name in sorted(graph):
        walk(name, [])
    return found


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
    assert cycles(import_graph()) == []


def test_devtools_and_bench_import_nothing_from_tests() -> None:
    modules = tooling()
    wrong = {
        name: sorted(t for t in imported(path, set(modules)) if t.split(".")[0] == "tests")
        for name, path in modules.items()
    }
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_cycle_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    late = tmp_path / "late.py"
    late.write_text("def f():\n    from bench import run\n    from bench.run import main\n")
    assert imported(late, {"bench.run"}) == {"bench.run"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []

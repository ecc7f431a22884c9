"""THE walk over nested dicts and lists, which every module that copies or inspects a
caller's value uses: iterative, so any depth; shared and cyclic references kept as such.

- `deep_map`: a copy with every leaf mapped (and, optionally, every key); a leaf function may
  answer `OMIT` to leave the leaf out, as JSON.stringify leaves out undefined.
- `leaves`: each leaf with its path (``a.b[0]``), in document order.

Must not import any other integration module (dates.py and jsvalues.py build on it), must not
import js/pyodide, must not mutate its arguments.
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

OMIT: Any = object()  # a `deep_map` leaf function's answer: leave it out (None in a list)


def deep_map(
    value: Any,
    leaf: Callable[[Any], Any],
    key: Callable[[Any], Any] | None = None,
    sequences: tuple[type, ...] = (list,),
) -> Any:
    """Copy dicts and `sequences` iteratively (shared and cyclic references kept as such; a
    sequence becomes a list), applying `leaf` to everything else and `key` to every dict key.
    A leaf answering `OMIT` is left out of its dict and is None in a list (JSON.stringify's
    rule for undefined)."""
    containers = (dict,) + sequences
    if not isinstance(value, containers):
        found = leaf(value)
        return None if found is OMIT else found
    copies: dict[int, Any] = {id(value): {} if isinstance(value, dict) else []}
    stack: list[tuple[Any, Any]] = [(value, copies[id(value)])]
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):  # one loop per kind: the per-item work is the cost
            for name, item in source.items():
                if isinstance(item, containers):
                    item = _copy_of(item, copies, stack)
                else:
                    item = leaf(item)
                    if item is OMIT:
                        continue
                target[name if key is None else key(name)] = item
        else:
            for item in source:
                if isinstance(item, containers):
                    target.append(_copy_of(item, copies, stack))
                else:
                    item = leaf(item)
                    target.append(None if item is OMIT else item)
    return copies[id(value)]


def _copy_of(item: Any, copies: dict[int, Any], stack: list[tuple[Any, Any]]) -> Any:
    """deep_map's copy of a container (made, and queued to be filled, on first sight)."""
    found = copies.get(id(item))
    if found is None:
        found = copies[id(item)] = {} if isinstance(item, dict) else []
        stack.append((item, found))
    return found


def leaves(value: Any) -> Iterator[tuple[str, Any]]:
    """Every value in `value` that is not a dict, list or tuple, with its path (``a.b[0]``),
    in document order; a container met again on its own path (a cycle) is not entered again."""
    stack: list[tuple[str, Any, tuple[int, ...]]] = [("", value, ())]
    while stack:
        path, item, open_ids = stack.pop()
        if not isinstance(item, (dict, list, tuple)):
            yield path, item
            continue
        if id(item) in open_ids:
            continue
        inner = open_ids + (id(item),)
        if isinstance(item, dict):
            children = [(f"{path}.{k}" if path else str(k), v) for k, v in item.items()]
        else:
            children = [(f"{path}[{i}]", v) for i, v in enumerate(item)]
        children.reverse()  # so the first child comes out first
        stack.extend((child_path, child, inner) for child_path, child in children)

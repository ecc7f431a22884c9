"""The README's table of RudderStack-named settings, made from integration/surface.py.

    python -m devtools.settings_table        # rewrites the table in README.md

tests/unit/test_surface.py checks that README.md holds exactly this table, so the table is
never a hand-kept copy of the contract: change surface.py, run this, commit both.
"""

from __future__ import annotations

import sys
from pathlib import Path

from devtools import settings_help
from integration import surface

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- rudderstack-settings: made by `python -m devtools.settings_table` from surface.py -->"
END = "<!-- /rudderstack-settings -->"

_SCALARS = {
    "bool": "`true` / `false`",
    "string": "a string",
    "number": "a number",
    "json": "an object",
}


def shapes(name: str, kind: str) -> str:
    """What a setting takes, in words."""
    if name in surface.LIST_FIELDS:
        rows = " / ".join(f'`{{"{field}": "a"}}`' for field in surface.LIST_FIELDS[name])
        return f'a list of names (`"a"`) or rows ({rows})'
    if name == "sessionReplayPercentage":
        return 'a number or a numeric string, read as a whole number (`"50.7"` → 50)'
    if kind.startswith("select:"):
        choices = [c for c in kind[len("select:") :].split("|") if c]
        return "one of " + ", ".join(f'`"{c}"`' for c in choices)
    return _SCALARS[kind]


def rows() -> list[tuple[str, str, str]]:
    """(name, shapes accepted, effect) for every key of RudderStack's Mixpanel definition."""
    table = {row[0]: row for row in surface.SETTINGS}
    found: list[tuple[str, str, str]] = []
    for name in surface.RUDDERSTACK_KEYS:
        if name in table:
            kind = table[name][1]
            found.append((name, shapes(name, kind), settings_help.HELP[name]))
        elif name in surface.SECRET_SETTINGS:
            effect = (
                "A secret: never passed to mixpanel.js or logged; one warning names the key; "
                "write-key builds leave it out."
            )
            found.append((name, "any", effect))
        else:
            effect = (
                "Not applying here (RudderStack's SDK, dashboard or cloud mode): listed in one "
                "console.info line at load."
            )
            found.append((name, "any", effect))
    return found


def table() -> str:
    lines = [START, "", "| setting | shapes accepted | effect |", "| --- | --- | --- |"]
    for name, shape, effect in rows():
        lines.append(f"| `{name}` | {shape} | {effect.replace('|', '/')} |")
    return "\n".join([*lines, "", END])


def block(text: str) -> str | None:
    """The table as it stands in `text`, or None."""
    start, end = text.find(START), text.find(END)
    return text[start : end + len(END)] if 0 <= start < end else None


def main() -> int:
    text = README.read_text()
    current = block(text)
    if current is None:
        print(f"settings_table: {README} has no {START} … {END} block", file=sys.stderr)
        return 1
    README.write_text(text.replace(current, table()))
    print(f"settings_table: wrote the table into {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Hash and rewrite: files that name other files get those names written in. The boot modules
(static/*.mjs) import each other by their hashed names, and the loader (static/analytics.js)
carries the bundle contract, `files` included, in place of its bundle mark."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from devtools.build.bundle import (
    BUNDLE_MARK,
    FILES_MARK,
    SEGMENT_HOST,
    STUB_FILES,
    BuildError,
    Bundle,
    h8,
    project_version,
)
from devtools.build.collect import served_settings

# A relative import between our boot modules, `from './boot-wire.mjs'`: the build writes the
# imported module's hashed name in its place (a regular expression is enough: these are our own
# modules, each import on one line in this form, so no bundler is needed).
_RELATIVE_IMPORT = re.compile(rb"from '\./([\w-]+)\.mjs'")


def add_boot(bundle: Bundle, root: Path) -> None:
    """static/*.mjs: each module as <stem>.<h8>.mjs, named in `files` by its stem (boot, its
    parts boot-wire, boot-page and boot-progress, and the runtime boots boot-micropython and
    boot-pyodide). A relative import names the imported module's hashed file, so a module's
    hash covers what it imports. The stub asks the bundle for the runtime boot's URL, so a page
    fetches only the one it needs."""
    sources = {m.stem: m.read_bytes() for m in sorted((root / "static").glob("*.mjs"))}

    def add(stem: str, chain: tuple[str, ...]) -> str:
        if stem in bundle.files:
            return bundle.files[stem]
        if stem in chain or stem not in sources:
            raise SystemExit(
                f"build: static/{chain[-1]}.mjs imports {stem}.mjs: missing or a cycle"
            )

        def rename(match: re.Match[bytes]) -> bytes:
            child = match.group(1).decode()
            return b"from './" + add(child, (*chain, stem)).encode() + b"'"

        body = _RELATIVE_IMPORT.sub(rename, sources[stem])
        if stem == "boot":  # every file the stub does not name: its imports are added by now
            body = body.replace(FILES_MARK.encode(), files_json(later_files(bundle.files)), 1)
        bundle.add(stem, f"{stem}.{h8(body)}.mjs", body)
        return bundle.files[stem]

    for stem in sources:
        add(stem, ())


def later_files(files: dict[str, str]) -> dict[str, str]:
    """The files boot.mjs names (the stub names the rest: STUB_FILES)."""
    return {k: v for k, v in files.items() if k not in STUB_FILES}


def boot_files(boot: str) -> dict[str, str]:
    """The files a built boot.mjs names (the stub's contract names the rest)."""
    at = boot.index("MORE_FILES = ") + len("MORE_FILES = ")
    found: dict[str, str] = json.JSONDecoder().raw_decode(boot[at:])[0]
    return found


def files_json(files: dict[str, str]) -> bytes:
    return json.dumps(files, separators=(",", ":")).encode()


# -- the loader and write-key builds ---------------------------------------------------------


def add_loaders(
    bundle: Bundle, source: str, strip: bool, surface: dict[str, Any], projects: list[Any]
) -> None:
    """analytics.js with the contract, and per write key (collect.projects) the stub with that
    project's settings baked in, root "../../../../", beside its settings file."""
    bundle.out["analytics.js"] = loader(source, contract(surface, bundle.files), strip)
    for key, settings_path, settings in projects:
        baked = contract(surface, bundle.files, "../../../../", settings)
        bundle.out[f"{SEGMENT_HOST}/analytics.js/v1/{key}/analytics.min.js"] = loader(
            source, baked, strip
        )
        bundle.out[f"{SEGMENT_HOST}/v1/projects/{key}/settings"] = served_settings(
            settings_path, settings
        )


def contract(
    surface: dict[str, Any],
    files: dict[str, str],
    root: str = "",
    settings: Any = None,
) -> dict[str, Any]:
    return {
        "version": project_version(),
        "root": root,
        # The stub needs only the queued calls' names (it is held to 4096 B gzipped); their
        # argument order is in the bundle's surface file. 2: the call takes a callback.
        "methods": {m: 2 if "callback" in a else 1 for m, a in surface["methods"].items()},
        "stubMethods": surface["stubMethods"],
        "handleCalls": surface["handleCalls"],  # read by boot-wire.mjs
        "storage": surface["storage"],
        "cookieKeys": surface["cookieKeys"],
        "files": {k: v for k, v in files.items() if k in STUB_FILES},
        "settings": settings,
    }


def contract_in(loader: str) -> dict[str, Any]:
    """The contract object a built loader carries (minified or not): the JSON object that
    starts with its "version" key."""
    found: dict[str, Any] = json.JSONDecoder().raw_decode(loader[loader.index('{"version":') :])[0]
    return found


# Comments and indentation of the stub source (it is sent to every visitor: 4096 B gzip at
# most). Only whole `/* ... */` blocks (not the bundle mark), whole `//` lines, and `//`
# comments after whitespace at the end of a line with no quote in them are taken; the stub's
# own strings and regular expressions hold none of these.
_BLOCK_COMMENT = re.compile(r"/\*(?!@).*?\*/", re.S)
_LINE_COMMENT = re.compile(r"(?m)^[ \t]*//.*$|(\s)//[^'\"\n]*$")
_INDENT = re.compile(r"(?m)^[ \t]+|[ \t]+$")


def strip_js(source: str) -> str:
    """The stub without its comments and indentation (the page gets the same code)."""
    text = _LINE_COMMENT.sub(lambda m: m.group(1) or "", _BLOCK_COMMENT.sub("", source))
    return "\n".join(line for line in _INDENT.sub("", text).split("\n") if line) + "\n"


def loader(source: str, bundle_object: dict[str, Any], strip: bool = True) -> bytes:
    """The loader with its bundle object; `strip`: comments and indentation taken out first
    (not for terser's output, which has none)."""
    if BUNDLE_MARK not in source:
        raise BuildError(f"static/analytics.js has no {BUNDLE_MARK} to fill in")
    text = json.dumps(bundle_object, separators=(",", ":"), sort_keys=False)
    return (strip_js(source) if strip else source).replace(BUNDLE_MARK, text, 1).encode()

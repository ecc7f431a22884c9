"""Every pointer true: what the comments, docstrings and docs name can be opened in this repository.

The texts read: every `#` comment and docstring (any string standing alone as a statement) of
the Python files; the comments of the JavaScript (.js, .mjs), CSS, HTML (its <script> and <style>
too), shell (.sh, and a file whose first line is a shell's #!), nginx (.conf) and TOML files;
every line of every Markdown file. The files are those git lists (tracked, or new and not
ignored), but this one, which names what it forbids.

A token is a run of text between blanks, quotes, backticks, brackets, commas, `;`, `|`, `=`,
`<` and `>`, less its closing punctuation and a trailing `'s`. A token is a pointer when it starts
with a top-level folder of the repository (`integration/...`, `tests/...`) or with a folder
.gitignore names (`dist/...`), or its last part ends in the extension of a file of the repository
(`.py`, `.mjs`, `.md`, `.json`...); a lone extension (`.min.js`) is no pointer. Before resolving, a
pointer loses a `:12` or `:12-30` line suffix, a `::test_name` suffix, a `#anchor`, a leading `./`
or `.../`, and an 8-hex-digit content hash before its extension (`boot.6f5a1d33.mjs` is the
build's copy of `boot.mjs`). Then, in this order:

1. a URL (a `scheme://` or `//` prefix, or a first part that is a host name or a port, such as
   `cdn.example.com/...` or `127.0.0.1:8000/...`) is not a pointer into the repository, nor is an
   absolute path (`/analytics/analytics.js` on a web site, `/etc/nginx/...` on a host);
2. a path under a folder .gitignore names (`dist/`, `.cache/`, `bench/pages/`, `node_modules/`,
   `build/` ...) is allowed: the build, the benchmark or the setup makes it, and git never holds it;
3. a path whose first part is an npm package of package.json (`mixpanel-browser/dist/...`,
   `@pyscript/core/...`) is that package's file: allowed;
4. a name or folder in `MADE` (a file the build or the benchmark writes, such as the bundle's
   MANIFEST.json, and the bundle's own folders such as `mixpanel/`) is allowed; each one must be
   spelled in the code that makes it (`test_made_names_are_made`);
5. a path starting with `../` resolves from the file's own folder and must stay inside the
   repository and exist;
6. a path starting with a top-level folder must be a file or folder of the repository (a `*` glob
   must match at least one file);
7. any other path with a `/` (`bridge/wire.py`) must be the tail of at least one file's path;
8. a bare name (`build.py`) must be the name of at least one file of the repository (a `*` glob
   must match one), or one of the few files of other projects named in prose (`EXTERNAL_NAMES`).

Besides, no text cites what lies outside the repository (`CITATIONS`): the shared specification
(`../shared/`, `spec`, `§`, a numbered `section`, its file names, a design guide), or an issue
(`issue 12`, `issue #12`). Such a text says the behaviour it relied on instead. Other projects
(Segment's analytics.js, RudderStack, mixpanel.js) may be named as facts, without paths. The
Python files under bench/ write BENCHMARKS.md, so every string literal of theirs is held to this
rule too.

The failure lists every bad pointer as `file:line: token`."""

from __future__ import annotations

import fnmatch
import io
import json
import re
import subprocess
import tokenize
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
SELF = "tests/unit/test_pointers.py"

# Files of other projects that prose names as facts (the library, not a path of ours).
EXTERNAL_NAMES = frozenset(
    {
        "mixpanel.js",  # Mixpanel's browser library
        "mixpanel.min.js",
        "request-batcher.js",  # mixpanel.js's own source file for batches
        "pyodide.mjs",  # the runtimes' own loaders
        "pyodide.asm.mjs",
        "micropython.mjs",
        "pyodide-lock.json",  # Pyodide's package index
        "Node.js",
    }
)

# What the build, the benchmark or a host makes outside git: name -> (folder, its code spelling).
MADE = {
    "MANIFEST.json": ("devtools/", '"MANIFEST.json"'),  # the bundle's list of files
    "surface.json": ("devtools/", 'f"surface.{'),  # the settings' contract beside the loader
    "mpy-future.py": ("devtools/", 'f"mpy-future.{'),  # the __future__ stand-in for MicroPython
    "__future__.py": ("examples/", "'./__future__.py'"),  # its name on a PyScript page
    "mixpanel/": ("devtools/", '"mixpanel"'),  # the bundle's folders (dist/mixpanel/...)
    "micropython/": ("devtools/", '"micropython"'),
    "segment/": ("devtools/", '"segment"'),  # Segment's snippet paths of a write-key build
    "last-run.json": ("bench/", '"last-run.json"'),  # the benchmark's raw results (bench/pages/)
    "snippets/": ("deploy/", "include snippets/"),  # nginx's folder of included files on a host
}

CITATIONS = re.compile(
    r"\.\./shared\b|§|\bspec\b|\bsections?\s+\d|\((?:\d+\.)+\d+\)"
    r"|\bsteps?\s+\d+(?![\d,.]*\s*(?:ms|s|µs|KB|MB|%)\b)"  # a numbered step, not a time
    r"|\bissues?[\s#-]*\d+|\bthe issue\b|\bissue's"
    r"|toolchain(?:-detail)?\.md|segment-mixpanel-(?:detail|doc)|mixpanel-behavior\.md|DESIGN\.md",
    re.IGNORECASE,
)

SPLIT = re.compile(r"[\s`'\"()\[\]{},;|=<>]+")
LINE_SUFFIX = re.compile(r"(?::\d+(?:[-–,]\d+)*)+$|::[\w\[\]-]+$|#[\w-]*$")
CONTENT_HASH = re.compile(r"\.[0-9a-f]{8}(?=\.\w+$)")
HOST = re.compile(r"^(?:[\w-]+(?:\.[\w-]+)+|[\w.-]*:?\d+)$")
SHELLS = re.compile(r"^#!.*\b(?:ba|da|z)?sh\b")
STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
STATEMENT_END = {tokenize.NEWLINE, tokenize.ENDMARKER}
JS_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}
JS_KEYWORDS = {"return", "typeof", "case", "do", "else", "in", "of", "void", "yield", "await"}


@cache
def files() -> tuple[str, ...]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    paths = {p for p in out.split("\0") if p}
    return tuple(sorted(p for p in paths if (ROOT / p).is_file() and not (ROOT / p).is_symlink()))


@cache
def folders() -> frozenset[str]:
    return frozenset(str(parent) for p in files() for parent in PurePosixPath(p).parents)


@cache
def extensions() -> frozenset[str]:
    return frozenset(PurePosixPath(p).suffix for p in files() if PurePosixPath(p).suffix)


@cache
def ignored_folders() -> tuple[str, ...]:
    lines = (ROOT / ".gitignore").read_text().splitlines()
    return tuple(line.strip().strip("/") for line in lines if line.strip().endswith("/"))


@cache
def top_folders() -> frozenset[str]:
    tracked = {p.split("/")[0] for p in files() if "/" in p}
    return frozenset(tracked | {f.split("/")[0] for f in ignored_folders()})


@cache
def packages() -> frozenset[str]:
    manifest = json.loads((ROOT / "package.json").read_text())
    return frozenset({*manifest.get("dependencies", {}), *manifest.get("devDependencies", {})})


# -- the texts --------------------------------------------------------------------------------


def python_texts(source: str, every_string: bool = False) -> Iterator[tuple[int, str]]:
    """`#` comments and docstrings (a string standing alone as a statement), in one pass of the
    tokenizer; with `every_string`, every string literal instead of the docstrings."""
    every = list(tokenize.generate_tokens(io.StringIO(source).readline))
    significant = [tok for tok in every if tok.type not in (tokenize.COMMENT, tokenize.NL)]
    for tok in every:
        if tok.type == tokenize.COMMENT:
            yield tok.start[0], tok.string
    befores = [None, *significant]  # zip stops at the last token, which has no `after`
    for before, tok, after in zip(befores, significant, significant[1:], strict=False):
        if tok.type != tokenize.STRING:
            continue
        alone = (before is None or before.type in STATEMENT_START) and after.type in STATEMENT_END
        if alone or every_string:
            yield from numbered(tok.start[0], tok.string)


def numbered(line: int, text: str) -> Iterator[tuple[int, str]]:
    for i, part in enumerate(text.split("\n")):
        yield line + i, part


def js_comments(source: str, line: int = 1) -> Iterator[tuple[int, str]]:
    """The comments of JavaScript source, past its strings, templates and regex literals."""
    i, n, prev, braces = 0, len(source), "", [0]
    while i < n:
        c, two = source[i], source[i : i + 2]
        if two == "//" or two == "/*":
            end = source.find("\n" if two == "//" else "*/", i + 2)
            end = n if end < 0 else end
            yield from numbered(line + source.count("\n", 0, i), source[i:end])
            i = end + (0 if two == "//" else 2)
            continue
        if c in "'\"" or (c == "/" and (prev in JS_REGEX_AFTER or prev in JS_KEYWORDS)):
            i = skip_quoted(source, i, c)
            prev = "x"
        elif c == "`":
            i = skip_template(source, i + 1, braces)
            prev = "x"
        elif c == "}" and len(braces) > 1 and braces[-1] == 0:
            braces.pop()
            i = skip_template(source, i + 1, braces)
            prev = "x"
        else:
            if c in "{}":
                braces[-1] += 1 if c == "{" else -1
            if not c.isspace():
                word = re.match(r"[\w$]+", source[i:])
                prev = word.group() if word else c
                i += len(word.group()) - 1 if word else 0
            i += 1


def skip_quoted(source: str, i: int, quote: str) -> int:
    """The index past a string or regex literal that opens at i."""
    i, in_class = i + 1, False
    while i < len(source) and (source[i] != quote or in_class) and source[i] != "\n":
        if source[i] == "\\":
            i += 1
        elif quote == "/" and source[i] in "[]":
            in_class = source[i] == "["
        i += 1
    return i + 1


def skip_template(source: str, i: int, braces: list[int]) -> int:
    """The index past a template literal's text: its closing backtick, or a `${` (code follows)."""
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "`":
            return i + 1
        if source.startswith("${", i):
            braces.append(0)
            return i + 2
        i += 1
    return i


def css_comments(source: str, line: int = 1) -> Iterator[tuple[int, str]]:
    for match in re.finditer(r"/\*.*?\*/", source, re.DOTALL):
        yield from numbered(line + source.count("\n", 0, match.start()), match.group())


def html_comments(source: str) -> Iterator[tuple[int, str]]:
    for match in re.finditer(r"<!--.*?-->", source, re.DOTALL):
        yield from numbered(1 + source.count("\n", 0, match.start()), match.group())
    blocks = r"<(script|style)\b[^>]*>(.*?)</\1>"
    for match in re.finditer(blocks, source, re.DOTALL | re.IGNORECASE):
        line = 1 + source.count("\n", 0, match.start(2))
        read = js_comments if match.group(1).lower() == "script" else css_comments
        yield from read(match.group(2), line)


def hash_comments(source: str) -> Iterator[tuple[int, str]]:
    """`#` comments of shell, nginx and TOML: a `#` outside quotes, at a line's start or after a
    blank (so `$#` and `${#x}` are code)."""
    for number, text in enumerate(source.splitlines(), 1):
        quote = ""
        for i, c in enumerate(text):
            if quote:
                quote = "" if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c == "#" and (i == 0 or text[i - 1].isspace()):
                yield number, text[i:]
                break


def texts(path: str) -> Iterator[tuple[int, str]]:
    source = (ROOT / path).read_text(encoding="utf-8")
    suffix = PurePosixPath(path).suffix
    if suffix == ".py":
        yield from python_texts(source)
    elif suffix in (".js", ".mjs"):
        yield from js_comments(source)
    elif suffix == ".css":
        yield from css_comments(source)
    elif suffix == ".html":
        yield from html_comments(source)
    elif suffix == ".md":
        yield from enumerate(source.splitlines(), 1)
    elif suffix in (".sh", ".conf", ".toml") or (not suffix and SHELLS.match(source)):
        yield from hash_comments(source)


def read_paths() -> list[str]:
    kinds = {".py", ".js", ".mjs", ".css", ".html", ".md", ".sh", ".conf", ".toml"}

    def shell(path: str) -> bool:
        return bool(SHELLS.match((ROOT / path).read_text(errors="replace")[:80]))

    return [
        p
        for p in files()
        if PurePosixPath(p).suffix in kinds or not PurePosixPath(p).suffix and shell(p)
    ]


# -- the pointers -----------------------------------------------------------------------------


def tokens(text: str) -> Iterator[str]:
    for raw in SPLIT.split(text):
        token = raw.rstrip(".,:;!?*").removesuffix("'s").removesuffix("’s").rstrip(".,:;!?")
        token = token.lstrip("*")
        if token and is_pointer(token):
            yield token


def bare_path(token: str) -> str:
    """The path a pointer names: no line suffix, anchor, content hash, `./` or `.../`."""
    bare = CONTENT_HASH.sub("", LINE_SUFFIX.sub("", token))
    for prefix in ("./", ".../", "…/"):
        bare = bare.removeprefix(prefix)
    return bare


def is_pointer(token: str) -> bool:
    if "/" not in token and "." not in token:
        return False
    if "://" in token or token.startswith("//") or re.match(r"(?:\.\./)+[^./]", token):
        return True  # a URL (always allowed) or a named path from the file's folder
    bare = bare_path(token).lstrip("/")
    if "/" in bare and bare.split("/")[0] in top_folders():
        return True
    name = bare.rsplit("/", 1)[-1]
    return not name.startswith(".") and "." + name.rsplit(".", 1)[-1] in extensions()


def resolves(path: str, token: str) -> bool:
    bare = bare_path(token)
    parts = bare.split("/")
    host = HOST.match(parts[0]) and "." + parts[0].rsplit(".", 1)[-1] not in extensions()
    if "://" in token or token.startswith("/") or ("/" in bare and host):
        return True
    if any(bare == f or bare.startswith(f + "/") for f in ignored_folders()):
        return True
    if "/" in bare and (parts[0] in packages() or "/".join(parts[:2]) in packages()):
        return True
    if any(bare.startswith(made) for made in MADE):
        return True
    if bare.startswith("../"):
        return relative(path, bare)
    if "/" in bare and parts[0] in top_folders():
        return exists(bare)
    if "/" in bare:
        return any(f == bare.rstrip("/") or f.endswith("/" + bare.rstrip("/")) for f in files())
    if bare in EXTERNAL_NAMES:
        return True
    return any(fnmatch.fnmatchcase(PurePosixPath(f).name, bare) for f in files())


def relative(path: str, bare: str) -> bool:
    target = (ROOT / path).parent.joinpath(bare).resolve()
    return target.is_relative_to(ROOT) and exists(target.relative_to(ROOT).as_posix())


def exists(bare: str) -> bool:
    bare = bare.rstrip("/")
    if "*" in bare:
        return any(fnmatch.fnmatchcase(f, bare) for f in files())
    return bare in files() or bare in folders()


def citations(path: str, line: int, text: str) -> list[str]:
    return [f"{path}:{line}: {m.group()!r} (cites outside)" for m in CITATIONS.finditer(text)]


def findings() -> list[str]:
    bad = []
    for path in read_paths():
        if path == SELF:  # this file names what it forbids
            continue
        for line, text in texts(path):
            bad += [f"{path}:{line}: {t}" for t in tokens(text) if not resolves(path, t)]
            bad += citations(path, line, text)
        if path.startswith("bench/") and path.endswith(".py"):
            source = (ROOT / path).read_text(encoding="utf-8")
            for line, text in python_texts(source, every_string=True):
                bad += citations(path, line, text)
    return sorted(set(bad), key=lambda b: (b.split(":")[0], int(b.split(":")[1])))


# Findings in files being rewritten elsewhere, as `file: token` (no line: lines move). Each
# must still be found; once its file is fixed or gone, remove it here.


def test_every_pointer_resolves_and_nothing_cites_outside() -> None:
    found = findings()
    if found:
        pytest.fail(f"{len(found)} bad pointer(s):\n" + "\n".join(found), pytrace=False)


def test_made_names_are_made() -> None:
    """Each name MADE allows is spelled in the code of the folder that makes it."""
    for name, (folder, spelling) in MADE.items():
        code = [f for f in files() if f.startswith(folder)]
        assert any(spelling in (ROOT / f).read_text(encoding="utf-8") for f in code), name


def test_the_rule_catches_moved_files() -> None:
    """The stale pointers that made this test: files that moved, a text outside the repository."""
    assert not resolves("static/boot-wire.mjs", "integration/wire.py")
    assert not resolves("integration/__init__.py", "integration/bridge.py:12")
    assert not resolves("static/boot.mjs", "static/boot-plugins.mjs")
    assert not resolves("README.md", "../shared/spec/")
    assert not resolves("docs/clicks.md", "bridge.py")
    assert resolves("static/boot-wire.mjs", "bridge/wire.py:40-52")
    assert resolves("README.md", "dist/static/analytics.js")
    assert resolves("BENCHMARKS.md", "boot-thread.e70be235.mjs")
    assert CITATIONS.search("see issue 12 §1.6") and CITATIONS.search("(spec 4.3)")

"""`python -m devtools.build` (scripts/build.sh): the options, the build, its summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from devtools.build import build
from devtools.build.bundle import DEFAULT_API_HOST, DIST, BuildError, Options
from devtools.build.manifest import summary

DESCRIPTION = (
    "The one build: the static bundle a site hosts, written to dist/ (git-ignored) by default."
)


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--out", type=Path, default=DIST, help="output folder (default dist/)")
    parser.add_argument(
        "--api-host", default=DEFAULT_API_HOST, help="Mixpanel API host, for the CSP"
    )
    parser.add_argument("--no-snapshot", action="store_true", help="do not make a Pyodide snapshot")
    parser.add_argument("--write-key", action="append", default=[], metavar="KEY")
    parser.add_argument("--settings", action="append", default=[], type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    if len(args.write_key) != len(args.settings):
        parser.error("give --write-key KEY --settings FILE in pairs")
    return Options(
        out=args.out.resolve(),
        api_host=args.api_host,
        make_snapshot=not args.no_snapshot,
        write_keys=list(zip(args.write_key, args.settings, strict=True)),
    )


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
    try:
        manifest = build(opts)
    except BuildError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1
    print(summary(manifest))
    print(f"\nbuild: wrote {opts.out}")
    return 0

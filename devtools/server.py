"""The development server (`python serve.py`) and its Mixpanel-compatible collector.

Serves, from one origin: index.html (the QA console) and qa/, the bundle (devtools/build/'s
dist/) at /analytics/ (built when stale, at start-up and when a request for it comes), examples/
at /examples/, the benchmark's pages at /bench/, and PyScript's core at /vendor/pyscript/ for
the console's Python panel and the examples. Under /mp/ it hosts a collector: whatever
mixpanel.js sends is decoded, kept in arrival order with its endpoint, and answered as
Mixpanel's API answers (/collector/events reads or, with DELETE, clears the record; session
replay's /mp/record/ is accepted and not kept).

    python serve.py [--host 127.0.0.1] [--port 8000]     (port 0 picks a free port)
                    [--dist DIR] [--write-key KEY --settings FILE]...   (as the build's)
                    [--test-pages]

`--test-pages` (the browser tests' server): `PUT /t/<name>` keeps the body as a page, which
`GET /t/<name>` then serves as HTML (`no-cache`), so every engine loads test pages from a real
server; without it /t/ is not served.

Bundle files with a content hash in their name are sent immutable, everything else `no-cache`
with an ETag (304 when it matches). A bundle file is sent as its `.br` twin when the request's
Accept-Encoding allows br, else as its `.gz` twin when it allows gzip, else as it is. Nothing
outside the mounted folders is ever served, and nothing here needs the network.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import gzip
import json
import os
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from devtools import build

ROOT = build.ROOT
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".map": "application/json",
    ".py": "text/x-python; charset=utf-8",
}
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".wasm", ".map", ".svg"}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

MAX_BODY = 1024 * 1024  # the collector refuses bodies over 1 MiB


class Collector:
    """Thread-safe, ordered record of what mixpanel.js sent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        self._served: list[str] = []  # "METHOD path" of each file request (a page's or a worker's)

    def add(self, endpoint: str, method: str, query: dict[str, str], payload: Any) -> None:
        items = payload if isinstance(payload, list) else [payload]
        with self._lock:
            for item in items:
                self._events.append(
                    {
                        "seq": len(self._events),
                        "endpoint": endpoint,
                        "method": method,
                        "query": query,
                        "batch": isinstance(payload, list),
                        "received": time.time(),
                        "payload": item,
                    }
                )

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self._served.clear()

    def note(self, method: str, path: str) -> None:
        with self._lock:
            self._served.append(f"{method} {path}")

    def served(self) -> list[str]:
        with self._lock:
            return list(self._served)


def cesu8_to_str(data: bytes) -> str:
    """mixpanel.js's base64 path UTF-8-encodes each UTF-16 unit, so an emoji arrives as two
    encoded surrogates (CESU-8). Mixpanel's servers accept that; so do we: re-pair them."""
    text = data.decode("utf-8", "surrogatepass")
    return text.encode("utf-16", "surrogatepass").decode("utf-16")


def decode_data(raw: str) -> Any:
    """A mixpanel.js `data=` value: JSON, or base64 of JSON. Raises ValueError otherwise."""
    try:
        return json.loads(raw)
    except ValueError:
        pass
    try:
        padded = raw + "=" * (-len(raw) % 4)
        data = base64.b64decode(padded, altchars=b"-_" if "-" in raw or "_" in raw else None)
        return json.loads(cesu8_to_str(data))
    except (binascii.Error, UnicodeError) as exc:
        raise ValueError("data is neither JSON nor base64 JSON") from exc


TWINS = (("br", ".br"), ("gzip", ".gz"))  # the bundle's twins, best first


class Asset:
    """One response body with its headers' facts (`encoding`: its Content-Encoding, if any)."""

    def __init__(
        self, body: bytes, ctype: str, etag: str, cache: str, encoding: str | None
    ) -> None:
        self.body = body
        self.ctype = ctype
        self.etag = etag
        self.cache = cache
        self.encoding = encoding


def accepted(header: str) -> set[str]:
    """The content codings an Accept-Encoding header allows, lower case (`q=0` refuses one;
    `*` allows the twins' codings the header does not name)."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        if name:
            weights[name.lower()] = _weight(params)
    if weights.get("*", 0) > 0:
        weights = {coding: 1.0 for coding, _ in TWINS} | weights
    return {coding for coding, weight in weights.items() if weight > 0 and coding != "*"}


def _weight(params: list[str]) -> float:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def content_type(path: Path) -> str:
    if path.parent.name == "projects" or path.name == "settings":
        return "application/json"  # v1/projects/KEY/settings, as Segment's CDN sends it
    return TYPES.get(path.suffix, "application/octet-stream")


class Assets:
    """Resolves URL paths to files in the mounted folders; the bundle is rebuilt when stale."""

    def __init__(
        self, dist: Path | None = None, rebuild: bool = True, node: Path | None = None
    ) -> None:
        self.options = build.Options(out=dist or build.DIST, make_snapshot=False, node=node)
        self.rebuild = rebuild
        self.mounts: dict[str, Path] = {
            "/analytics/": self.options.out,
            "/qa/": ROOT / "qa",
            "/examples/": ROOT / "examples",
            "/bench/": ROOT / "bench" / "pages",  # written by bench/pages.py
            "/vendor/pyscript/": ROOT / "node_modules" / "@pyscript" / "core" / "dist",
        }
        self._gz: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def ensure_built(self) -> dict[str, Any] | None:
        if not self.rebuild:
            return build.read_manifest(self.options.out)
        return build.ensure_built(self.options)

    def find(self, url_path: str) -> tuple[str, Path] | None:
        if url_path in ("/", "/index.html"):
            return "/", ROOT / "index.html"
        for prefix, folder in self.mounts.items():
            if url_path.startswith(prefix):
                candidate = (folder / url_path[len(prefix) :]).resolve()
                if candidate.is_file() and folder.resolve() in candidate.parents:
                    return prefix, candidate
        return None

    def get(self, url_path: str, codings: set[str]) -> Asset | None:
        """The response for `url_path`, encoded with the best of `codings` the file has."""
        if url_path.startswith("/analytics/"):
            self.ensure_built()
            if url_path.endswith((".gz", ".br")):
                return None  # the twins are sent as Content-Encoding, not by name
        found = self.find(url_path)
        if found is None:
            return None
        prefix, file = found
        stat = file.stat()
        etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
        ctype = content_type(file)
        if prefix == "/analytics/":
            rel = url_path[len(prefix) :]
            cache = IMMUTABLE if build.is_hashed(rel) else REVALIDATE
            for coding, suffix in TWINS:
                twin = file.with_name(file.name + suffix)
                if coding in codings and twin.is_file():
                    tagged = f'{etag[:-1]}-{suffix[1:]}"'
                    return Asset(twin.read_bytes(), ctype, tagged, cache, coding)
            return Asset(file.read_bytes(), ctype, etag, cache, None)
        if "gzip" in codings and file.suffix in COMPRESSIBLE:
            return Asset(self.gzipped(file, etag), ctype, etag[:-1] + '-gz"', REVALIDATE, "gzip")
        return Asset(file.read_bytes(), ctype, etag, REVALIDATE, None)

    def gzipped(self, file: Path, etag: str) -> bytes:
        key = (str(file), etag)
        with self._lock:
            cached = self._gz.get(key)
        if cached is None:
            cached = gzip.compress(file.read_bytes(), compresslevel=6, mtime=0)
            with self._lock:
                self._gz[key] = cached
        return cached


class Handler(BaseHTTPRequestHandler):
    server_version = "segment-mixpanel-py"
    protocol_version = "HTTP/1.1"
    collector: Collector
    assets: Assets
    test_pages: dict[str, bytes] | None = None  # --test-pages: path -> HTML
    quiet = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if not self.quiet:
            super().log_message(format, *args)

    # -- responses -------------------------------------------------------------------------
    def reply(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        headers = {"Cache-Control": "no-cache", **(extra or {})}
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD" and status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(body)

    def reply_json(self, status: int, value: Any) -> None:
        self.reply(status, json.dumps(value).encode(), "application/json")

    # -- routing ---------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        self.route()

    def do_HEAD(self) -> None:  # noqa: N802
        self.route()

    def do_POST(self) -> None:  # noqa: N802
        self.route()

    def do_DELETE(self) -> None:  # noqa: N802
        self.route()

    def do_PUT(self) -> None:  # noqa: N802
        self.route()

    def do_OPTIONS(self) -> None:  # noqa: N802
        self.reply(HTTPStatus.NO_CONTENT, b"", "text/plain")

    def route(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith("/mp/"):
            return self.collect(path[len("/mp/") :].strip("/"))
        if path == "/collector/events":
            return self.events()
        if path == "/collector/served":  # what reached this server, workers' requests included
            return self.reply_json(HTTPStatus.OK, self.collector.served())
        if path.startswith("/t/") and self.test_pages is not None:
            return self.test_page(path)
        if self.command not in ("GET", "HEAD"):
            return self.reply(HTTPStatus.METHOD_NOT_ALLOWED, b"method not allowed\n", "text/plain")
        return self.serve_file(path)

    def serve_file(self, path: str) -> None:
        self.collector.note(self.command, path)
        if ".." in path.split("/"):
            return self.reply(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain")
        asset = self.assets.get(path, accepted(self.headers.get("Accept-Encoding", "")))
        if asset is None:
            return self.reply(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        headers = {"ETag": asset.etag, "Cache-Control": asset.cache, "Vary": "Accept-Encoding"}
        if asset.encoding:
            headers["Content-Encoding"] = asset.encoding
        if self.headers.get("If-None-Match") == asset.etag:
            return self.reply(HTTPStatus.NOT_MODIFIED, b"", asset.ctype, headers)
        self.reply(HTTPStatus.OK, asset.body, asset.ctype, headers)

    def test_page(self, path: str) -> None:
        pages = self.test_pages
        assert pages is not None
        if self.command == "PUT":
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            pages[path] = body
            return self.reply(HTTPStatus.NO_CONTENT, b"", "text/plain")
        page = pages.get(path)
        if page is None:
            return self.reply(HTTPStatus.NOT_FOUND, b"no such test page\n", "text/plain")
        self.reply(HTTPStatus.OK, page, "text/html; charset=utf-8")

    def events(self) -> None:
        if self.command == "DELETE":
            self.collector.clear()
            return self.reply_json(HTTPStatus.OK, {"cleared": True})
        self.reply_json(HTTPStatus.OK, self.collector.all())

    # -- the Mixpanel-compatible collector -------------------------------------------------
    def read_body(self) -> str | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length).decode("utf-8", "replace") if length else ""

    def collect(self, endpoint: str) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if endpoint in ("flags", "settings", "decide"):
            return self.reply_json(HTTPStatus.OK, {"flags": {}, "settings": {}})
        if endpoint == "record":  # session replay: gzip or JSON chunks, accepted, not kept
            self.read_body()
            return self.reply_json(HTTPStatus.OK, {"code": 200, "status": "OK"})
        body = self.read_body()
        if body is None:
            return self.reply_json(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"status": 0, "error": "body too large"}
            )
        form = {k: v[-1] for k, v in parse_qs(body).items()}
        raw = form.get("data", query.get("data"))
        if raw is None:
            return self.reply_json(HTTPStatus.BAD_REQUEST, {"status": 0, "error": "no data"})
        try:
            payload = decode_data(raw)
        except ValueError as exc:
            return self.reply_json(HTTPStatus.BAD_REQUEST, {"status": 0, "error": str(exc)})
        self.collector.add(endpoint, self.command, query, payload)
        if query.get("verbose") == "1":
            return self.reply_json(HTTPStatus.OK, {"status": 1, "error": None})
        self.reply(HTTPStatus.OK, b"1", "text/plain")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that leaves mid-download (navigation, closed tab) is normal, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    dist: Path | None = None,
    build: bool = True,
    node: Path | None = None,
    write_keys: list[tuple[str, Path]] | None = None,
    test_pages: bool = False,
) -> ThreadingHTTPServer:
    """A server on (host, port); with `build`, the bundle in `dist` is made up to date first
    (and kept so); `node` stands in for node_modules (the unit tests give a missing folder);
    `write_keys` adds Segment write-key builds, served under /analytics/segment/;
    `test_pages` turns on the browser tests' pages under /t/."""
    assets = Assets(dist, rebuild=build, node=node)
    assets.options.write_keys = write_keys or []
    assets.ensure_built()
    fields = {"collector": Collector(), "assets": assets, "test_pages": {} if test_pages else None}
    handler = type("BoundHandler", (Handler,), fields)
    server = Server((host, port), handler)
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--dist", type=Path, help="build the bundle there (default dist/)")
    parser.add_argument("--write-key", action="append", default=[], metavar="KEY")
    parser.add_argument("--settings", action="append", default=[], type=Path, metavar="FILE")
    parser.add_argument("--test-pages", action="store_true", help="PUT/GET pages under /t/")
    args = parser.parse_args(argv)
    if len(args.write_key) != len(args.settings):
        parser.error("give --write-key KEY --settings FILE in pairs")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"WARNING: serving on {args.host}, reachable beyond this machine", file=sys.stderr)
    keys = list(zip(args.write_key, [p.resolve() for p in args.settings], strict=True))
    server = make_server(
        args.host, args.port, dist=args.dist, write_keys=keys, test_pages=args.test_pages
    )
    Handler.quiet = not args.verbose
    host, port = str(server.server_address[0]), server.server_address[1]
    print(f"Serving on http://{host}:{port}/", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()

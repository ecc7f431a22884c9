"""The dev server (devtools/server.py): the collector's decoding, the mounts, the bundle's
caching headers (no browser, no node_modules needed)."""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import socket
import struct
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import brotli
import pytest

import integration.surface
from devtools import server as serve
from devtools import settings_help
from devtools.build import mpy
from devtools.build.rewrite import boot_files, contract_in
from devtools.harness import Collector
from tests.helpers import wait_output_quiet


def post(url: str, body: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body.encode(), method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def form(payload: object, b64: bool = True) -> str:
    text = json.dumps(payload)
    data = base64.b64encode(text.encode()).decode() if b64 else text
    return "data=" + urllib.parse.quote(data)


def test_decode_data_reads_json_and_base64_json() -> None:
    assert serve.decode_data('{"a":1}') == {"a": 1}
    assert serve.decode_data(base64.b64encode(b'[{"a":1}]').decode()) == [{"a": 1}]


def test_decode_data_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        serve.decode_data("%%%not data")


def test_single_base64_event_is_recorded_and_answered_with_1(base: str) -> None:
    Collector(base).clear()
    status, body = post(base + "/mp/track/?ip=1&_=1", form({"event": "E", "properties": {"x": 1}}))
    assert (status, body) == (200, b"1")
    [record] = Collector(base).all()
    assert record["endpoint"] == "track" and record["batch"] is False
    assert record["payload"] == {"event": "E", "properties": {"x": 1}}


def test_batched_json_array_is_split_and_answered_verbosely(base: str) -> None:
    Collector(base).clear()
    status, body = post(
        base + "/mp/engage/?verbose=1", form([{"$set": {"a": 1}}, {"$add": {"b": 1}}], b64=False)
    )
    assert status == 200 and json.loads(body) == {"status": 1, "error": None}
    assert [r["payload"] for r in Collector(base).all()] == [{"$set": {"a": 1}}, {"$add": {"b": 1}}]
    assert all(r["batch"] for r in Collector(base).all())


def test_get_with_data_in_the_query_is_recorded(base: str) -> None:
    Collector(base).clear()
    data = urllib.parse.quote(base64.b64encode(b'{"event":"G"}').decode())
    with urllib.request.urlopen(f"{base}/mp/track/?data={data}") as resp:
        assert resp.read() == b"1"
    assert Collector(base).all()[0]["payload"] == {"event": "G"}


def test_malformed_payload_gets_400_and_is_not_recorded(base: str) -> None:
    Collector(base).clear()
    status, _ = post(base + "/mp/track/", "data=%25%25%25")
    assert status == 400
    assert Collector(base).all() == []


def test_flags_request_is_answered_harmlessly(base: str) -> None:
    with urllib.request.urlopen(base + "/mp/flags/?token=t") as resp:
        assert resp.status == 200 and "flags" in json.load(resp)


def test_session_replay_chunks_are_accepted_and_not_recorded(base: str) -> None:
    Collector(base).clear()
    status, body = post(base + "/mp/record/?format=gzip&seq=0", "\x1f\x8b binary chunk")
    assert status == 200 and json.loads(body)["status"] == "OK"
    assert Collector(base).all() == []


@pytest.mark.parametrize(
    "path",
    [
        "/qa/../serve.py",
        "/qa/%2e%2e/serve.py",
        "/analytics/../pyproject.toml",
        "/serve.py",
        "/node_modules/pyodide/package.json",
        "/static/analytics.js",  # one code path: the loader is the bundle's
        "/vendor/pyodide/pyodide.mjs",
        "/analytics/analytics.js.gz",  # twins are sent as Content-Encoding only
    ],
)
def test_files_outside_the_mounts_are_refused(base: str, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + path)
    err.value.close()
    assert err.value.code in (403, 404)


def test_only_get_and_head_serve_files(base: str) -> None:
    status, _ = post(base + "/analytics/analytics.js", "x=1")
    assert status == 405


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def served_contract(base: str) -> dict[str, Any]:
    """The contract object the build wrote into the served loader."""
    _, _, body = fetch(base + "/analytics/analytics.js")
    return contract_in(body.decode())


def test_the_loader_is_served_with_the_bundle_contract(
    base: str, assert_contract_of_the_surface: Any
) -> None:
    contract = served_contract(base)
    assert contract["root"] == "" and contract["settings"] is None
    assert_contract_of_the_surface(contract)
    assert contract["handleCalls"] == {"get_group": 2}
    assert contract["files"]["package"].startswith("integration.")
    _, _, boot = fetch(base + "/analytics/" + contract["files"]["boot"])
    assert boot_files(boot.decode())["surface"].startswith("surface.")  # boot.mjs names it


def test_hashed_files_are_immutable_and_stable_names_revalidate(base: str) -> None:
    _, _, boot = fetch(base + "/analytics/" + served_contract(base)["files"]["boot"])
    files = boot_files(boot.decode())
    _, headers, body = fetch(base + "/analytics/" + files["surface"])
    assert (
        "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    )
    assert json.loads(body) == settings_help.with_help(integration.surface.as_json())
    for stable in ("analytics.js", "snippet.js"):
        _, headers, _ = fetch(base + "/analytics/" + stable)
        assert headers["Cache-Control"] == "no-cache" and headers["ETag"]


def test_bundle_files_are_sent_as_their_brotli_twin_else_gzip_else_plain(base: str) -> None:
    url = base + "/analytics/analytics.js"
    _, plain_headers, plain = fetch(url)
    assert "Content-Encoding" not in plain_headers
    status, headers, body = fetch(url, {"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == plain
    status, gz_headers, body = fetch(url, {"Accept-Encoding": "gzip, br;q=0"})
    assert status == 200 and gz_headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain
    _, identity_headers, body = fetch(url, {"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity_headers and body == plain
    etags = {headers["ETag"], gz_headers["ETag"], plain_headers["ETag"]}
    assert len(etags) == 3  # one ETag per representation
    assert headers["Vary"] == "Accept-Encoding"


def test_the_twins_are_not_served_by_their_own_names(base: str) -> None:
    for twin in ("analytics.js.br", "analytics.js.gz"):
        status, _, _ = fetch(base + "/analytics/" + twin)
        assert status == 404, twin


@pytest.mark.parametrize(
    ("header", "codings"),
    [
        ("", set()),
        ("gzip, deflate, br, zstd", {"gzip", "deflate", "br", "zstd"}),
        ("br;q=0, gzip;q=0.5", {"gzip"}),
        ("BR ; Q=1.0,GZIP", {"br", "gzip"}),
        ("*", {"br", "gzip"}),
        ("*;q=0.1, br;q=0", {"gzip"}),
        ("gzip;q=nonsense, br", {"br"}),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header: str, codings: set[str]) -> None:
    assert serve.accepted(header) == codings


def test_matching_etag_gets_304_with_no_body(base: str) -> None:
    url = base + "/analytics/snippet.js"
    _, headers, _ = fetch(url, {"Accept-Encoding": "gzip"})
    status, _, body = fetch(url, {"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_a_write_key_build_is_served_where_segments_snippet_asks(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"integrations": {"Mixpanel": {"token": "t-1"}}}))
    server = serve.make_server(
        "127.0.0.1",
        0,
        dist=tmp_path / "dist",
        node=tmp_path / "none",
        write_keys=[("KEY1", settings)],
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    at = f"http://127.0.0.1:{server.server_address[1]}/analytics/segment"
    try:
        status, headers, _ = fetch(at + "/analytics.js/v1/KEY1/analytics.min.js")
        assert status == 200 and headers["Cache-Control"] == "no-cache"
        status, headers, body = fetch(at + "/v1/projects/KEY1/settings")
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(body)["integrations"]["Mixpanel"] == {"token": "t-1"}
        assert fetch(at + "/analytics.js/v1/OTHER/analytics.min.js")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_the_console_and_its_scripts_are_served(base: str) -> None:
    status, headers, body = fetch(base + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'<script src="/analytics/analytics.js" data-qa-loader></script>' in body
    for path in ("/qa/demo.js", "/qa/console/util.js", "/qa/blank.html"):
        assert fetch(base + path)[0] == 200, path


def test_a_source_edit_is_built_before_the_next_request(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    assets = serve.Assets(tmp_path / "dist", node=tmp_path / "no-node-modules")
    assets.options.cache = tmp_path / ".cache"
    assets.options.root = root
    assets.options.wheel = False
    first = assets.get("/analytics/snippet.js", set())
    assert first is not None and b"SNIPPET v1" in first.body
    edited = root / "static" / "snippet.js"
    edited.write_text("/* SNIPPET v2 */")
    os.utime(edited, ns=(edited.stat().st_atime_ns, edited.stat().st_mtime_ns + 10**9))
    second = assets.get("/analytics/snippet.js", set())
    assert second is not None and b"SNIPPET v2" in second.body


def test_decode_data_repairs_mixpanels_cesu8_emoji() -> None:
    # mixpanel.js encodes "\U0001f680" as the two surrogates, each UTF-8 encoded.
    cesu = b'{"e":"\\ud83d\\ude80"}'.decode("unicode_escape").encode("utf-8", "surrogatepass")
    assert serve.decode_data(base64.b64encode(cesu).decode()) == {"e": "\U0001f680"}


def test_a_client_leaving_mid_download_prints_no_traceback(
    base: str, capfd: pytest.CaptureFixture[str]
) -> None:
    host, port = base.rsplit("/", 1)[-1].split(":")
    for _ in range(3):
        sock = socket.create_connection((host, int(port)))
        sock.sendall(b"GET /analytics/analytics.js HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.recv(1024)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # a reset, as a browser tab closing mid-download sends
    err = wait_output_quiet(capfd)
    with urllib.request.urlopen(base + "/collector/events") as resp:
        assert resp.status == 200  # and the server still answers
    assert "Traceback" not in err + capfd.readouterr().err


def test_no_mpy_without_an_mpy_cross_of_the_bundled_micropython(tmp_path: Path) -> None:
    assert mpy.mpy_cross("1.99.0") is None  # another .mpy format: not used
    root = make_tree(tmp_path)
    assert mpy.MpyPackage(root, "1.99.0", tmp_path / "cache").build_zip() is None


def test_a_module_mpy_cross_cannot_compile_means_no_mpy(tmp_path: Path) -> None:
    (tmp_path / "integration").mkdir()
    (tmp_path / "integration" / "__init__.py").write_text("x = 1\n")
    (tmp_path / "integration" / "broken.py").write_text("def f(:\n")
    package = mpy.MpyPackage(tmp_path, "1.27.0", tmp_path / "cache")
    assert package.tool is not None and package.build_zip() is None
    (tmp_path / "integration" / "broken.py").write_text("def f():\n    return 1\n")
    built = package.build_zip()
    assert built is not None
    archive = zipfile.ZipFile(io.BytesIO(built))
    assert archive.namelist() == ["integration/__init__.mpy", "integration/broken.mpy"]
    # Stored, not deflated: the browser's gzip does the inflating, the loader only slices.
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    assert all(archive.read(name)[:2] == b"M\x06" for name in archive.namelist())  # .mpy v6


def make_tree(tmp: Path) -> Path:
    """A minimal source tree for the build: the surface, a loader with the mark, a snippet."""
    root = tmp / "tree"
    (root / "integration").mkdir(parents=True)
    (root / "static").mkdir()
    surface = Path(integration.surface.__file__).read_text()
    (root / "integration" / "surface.py").write_text(surface)
    (root / "integration" / "__init__.py").write_text("")
    (root / "static" / "analytics.js").write_text("var BUNDLE = /*@BUNDLE@*/null;\n")
    (root / "static" / "snippet.js").write_text("/* SNIPPET v1 */")
    (root / "pyproject.toml").write_text(Path("pyproject.toml").read_text())
    return root


def put(url: str, body: bytes) -> int:
    req = urllib.request.Request(url, data=body, method="PUT")
    try:
        with urllib.request.urlopen(req) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        with err:
            return int(err.code)


def test_test_pages_are_kept_and_served_only_when_turned_on(tmp_path: Path) -> None:
    server = serve.make_server(
        "127.0.0.1", 0, dist=tmp_path / "dist", node=tmp_path / "none", test_pages=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    on = f"http://{host}:{port}"
    try:
        assert fetch(on + "/t/a.html")[0] == 404
        assert put(on + "/t/a.html", "<p>é</p>".encode()) == 204
        status, headers, body = fetch(on + "/t/a.html")
        assert (status, body.decode()) == (200, "<p>é</p>")
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Cache-Control"] == "no-cache"
    finally:
        server.shutdown()
        server.server_close()


def test_without_test_pages_nothing_is_kept_under_t(base: str) -> None:
    assert put(base + "/t/a.html", b"<p>x</p>") == 405
    assert fetch(base + "/t/a.html")[0] == 404

"""serve.py: the collector's decoding and the static file allow-list (no browser)."""

from __future__ import annotations

import base64
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import serve


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = serve.make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


def post(url: str, body: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body.encode(), method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def events(base: str) -> list[dict[str, object]]:
    with urllib.request.urlopen(base + "/collector/events") as resp:
        result: list[dict[str, object]] = json.load(resp)
        return result


def clear(base: str) -> None:
    with urllib.request.urlopen(
        urllib.request.Request(base + "/collector/events", method="DELETE")
    ):
        pass


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
    clear(base)
    status, body = post(base + "/mp/track/?ip=1&_=1", form({"event": "E", "properties": {"x": 1}}))
    assert (status, body) == (200, b"1")
    [record] = events(base)
    assert record["endpoint"] == "track" and record["batch"] is False
    assert record["payload"] == {"event": "E", "properties": {"x": 1}}


def test_batched_json_array_is_split_and_answered_verbosely(base: str) -> None:
    clear(base)
    status, body = post(
        base + "/mp/engage/?verbose=1", form([{"$set": {"a": 1}}, {"$add": {"b": 1}}], b64=False)
    )
    assert status == 200 and json.loads(body) == {"status": 1, "error": None}
    assert [r["payload"] for r in events(base)] == [{"$set": {"a": 1}}, {"$add": {"b": 1}}]
    assert all(r["batch"] for r in events(base))


def test_get_with_data_in_the_query_is_recorded(base: str) -> None:
    clear(base)
    data = urllib.parse.quote(base64.b64encode(b'{"event":"G"}').decode())
    with urllib.request.urlopen(f"{base}/mp/track/?data={data}") as resp:
        assert resp.read() == b"1"
    assert events(base)[0]["payload"] == {"event": "G"}


def test_malformed_payload_gets_400_and_is_not_recorded(base: str) -> None:
    clear(base)
    status, _ = post(base + "/mp/track/", "data=%25%25%25")
    assert status == 400
    assert events(base) == []


def test_flags_request_is_answered_harmlessly(base: str) -> None:
    with urllib.request.urlopen(base + "/mp/flags/?token=t") as resp:
        assert resp.status == 200 and "flags" in json.load(resp)


def test_runtime_files_are_served_with_correct_types(base: str) -> None:
    with urllib.request.urlopen(base + "/vendor/pyodide/pyodide.asm.wasm") as resp:
        assert resp.headers["Content-Type"] == "application/wasm"
    with urllib.request.urlopen(base + "/vendor/pyodide/pyodide.mjs") as resp:
        assert resp.headers["Content-Type"].startswith("text/javascript")


def test_package_zip_holds_the_integration_modules(base: str) -> None:
    import io
    import zipfile

    with urllib.request.urlopen(base + "/integration.zip") as resp:
        names = zipfile.ZipFile(io.BytesIO(resp.read())).namelist()
    assert "integration/bridge.py" in names and "integration/wire.py" in names


@pytest.mark.parametrize(
    "path",
    [
        "/static/../serve.py",
        "/static/%2e%2e/serve.py",
        "/vendor/pyodide/../../package.json",
        "/serve.py",
        "/node_modules/pyodide/package.json",
    ],
)
def test_files_outside_the_allow_list_are_refused(base: str, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + path)
    err.value.close()
    assert err.value.code in (403, 404)


def test_only_get_and_head_serve_files(base: str) -> None:
    status, _ = post(base + "/static/analytics.js", "x=1")
    assert status == 405


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def runtime_urls(base: str) -> dict[str, str]:
    _, _, body = fetch(base + "/static/analytics.js")
    text = body.decode()
    start = text.index("var B = ") + len("var B = ")  # TEMP: the bundle object
    files: dict[str, str] = json.JSONDecoder().raw_decode(text[start:])[0]["files"]
    return {key: "/" + path for key, path in files.items()}


def test_loader_is_served_with_versioned_runtime_urls(base: str) -> None:
    urls = runtime_urls(base)
    lock = json.loads(Path("package-lock.json").read_text())["packages"]
    assert urls["pyodide"] == f"/vendor/pyodide@{lock['node_modules/pyodide']['version']}/"
    assert urls["package"].startswith("/integration.") and urls["package"].endswith(".zip")


def test_versioned_runtime_files_are_immutable_and_unversioned_revalidate(base: str) -> None:
    urls = runtime_urls(base)
    _, headers, _ = fetch(base + urls["pyodide"] + "pyodide.mjs")
    assert (
        "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    )
    _, headers, _ = fetch(base + urls["package"])
    assert "immutable" in headers["Cache-Control"]
    _, headers, _ = fetch(base + "/vendor/pyodide/pyodide.mjs")
    assert headers["Cache-Control"] == "no-cache" and headers["ETag"]


def test_big_runtime_files_are_sent_gzipped_when_asked(base: str) -> None:
    import gzip

    url = base + runtime_urls(base)["pyodide"] + "pyodide.asm.wasm"
    status, headers, body = fetch(url, {"Accept-Encoding": "gzip, br"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    raw = Path("node_modules/pyodide/pyodide.asm.wasm").read_bytes()
    assert gzip.decompress(body) == raw and len(body) < len(raw) * 0.5
    _, plain_headers, plain = fetch(url)
    assert "Content-Encoding" not in plain_headers and plain == raw


def test_matching_etag_gets_304_with_no_body(base: str) -> None:
    url = base + "/vendor/mixpanel/mixpanel.min.js"
    _, headers, _ = fetch(url, {"Accept-Encoding": "gzip"})
    status, _, body = fetch(url, {"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_decode_data_repairs_mixpanels_cesu8_emoji() -> None:
    # mixpanel.js encodes "\U0001f680" as the two surrogates, each UTF-8 encoded.
    cesu = b'{"e":"\\ud83d\\ude80"}'.decode("unicode_escape").encode("utf-8", "surrogatepass")
    assert serve.decode_data(base64.b64encode(cesu).decode()) == {"e": "\U0001f680"}


def test_a_client_leaving_mid_download_prints_no_traceback(
    base: str, capfd: pytest.CaptureFixture[str]
) -> None:
    import socket
    import struct
    import time

    host, port = base.rsplit("/", 1)[-1].split(":")
    for _ in range(3):
        sock = socket.create_connection((host, int(port)))
        sock.sendall(b"GET /vendor/pyodide/pyodide.asm.wasm HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.recv(1024)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # a reset, as a browser tab closing mid-download sends
    time.sleep(0.5)
    with urllib.request.urlopen(base + "/collector/events") as resp:
        assert resp.status == 200  # and the server still answers
    assert "Traceback" not in capfd.readouterr().err


def test_micropython_package_is_served_precompiled_immutable_and_gzipped(base: str) -> None:
    import gzip
    import io
    import zipfile

    urls = runtime_urls(base)
    assert urls["mpy"].startswith("/integration.") and urls["mpy"].endswith(".mpy.zip")
    status, headers, body = fetch(base + urls["mpy"], {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(gzip.decompress(body)))
    sources = sorted(p.relative_to(".").as_posix() for p in Path("integration").rglob("*.py"))
    assert archive.namelist() == [s[: -len(".py")] + ".mpy" for s in sources]
    # Stored, not deflated: the browser's gzip does the inflating, the loader only slices.
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    assert all(archive.read(name)[:2] == b"M\x06" for name in archive.namelist())  # .mpy v6
    _, plain_headers, plain = fetch(base + "/integration.mpy.zip")
    assert plain_headers["Cache-Control"] == "no-cache" and plain == gzip.decompress(body)


def test_no_mpy_is_offered_without_an_mpy_cross_of_the_served_micropython(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import serve_assets
    import serve_mpy

    assert serve_mpy.mpy_cross("1.99.0") is None  # another .mpy format: not used
    monkeypatch.setattr(serve_mpy, "mpy_cross", lambda version: None)
    assets = serve_assets.Assets()
    assert "mpy" not in json.loads(assets.runtime_json())
    assert assets.get("/integration.mpy.zip", True) is None  # 404
    assert assets.get(assets.package_url(), True) is not None  # the .py package still is


def test_a_module_mpy_cross_cannot_compile_means_no_mpy(tmp_path: Path) -> None:
    import serve_mpy

    (tmp_path / "integration").mkdir()
    (tmp_path / "integration" / "__init__.py").write_text("x = 1\n")
    (tmp_path / "integration" / "broken.py").write_text("def f(:\n")
    package = serve_mpy.MpyPackage(tmp_path, "1.27.0")
    assert package.tool is not None and package.zip() is None and package.url() is None
    fixed = tmp_path / "integration" / "broken.py"
    fixed.write_text("def f():\n    return 1\n")
    os.utime(fixed, ns=(fixed.stat().st_atime_ns, fixed.stat().st_mtime_ns + 10**9))
    assert package.url() is not None  # picked up on the next request, as for the .py zip

"""The bundle deployed as plain files: behind nginx with deploy/nginx.conf, and behind Python's
http.server (no compression, no special headers), each under /assets/analytics/ of a site.

Both pass the foundation smoke on both runtimes: a track made before ready arrives at the
collector with its property and the token, and no request leaves the page's origin. /mp/** is
the dev server's collector, reached through nginx's proxy_pass or a Playwright route, so the
page stays same-origin.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import conftest
from tests.browser.conftest import ROOT

PREFIX = "/assets/analytics/"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
RUNTIMES = ["micropython", "pyodide"]


def wait_listening(port: int, proc: subprocess.Popen[Any], what: str) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.05)  # a short pause that also notices an early exit
    raise AssertionError(f"{what} never listened on {port}")


def bundle_dir(server_url: str) -> Path:
    """The bundle the dev server keeps up to date (built at its start)."""
    urllib.request.urlopen(server_url + "/analytics/MANIFEST.json").close()
    return ROOT / "dist"


NGINX_MAIN = """
{load_module}
user root;
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log {tmp}/access.log;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location /mp/ {{ proxy_pass {collector}; }}
    include {tmp}/analytics.conf;
  }}
}}
"""
BROTLI_MODULE = "load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;"


def nginx_site(tmp: Path, bundle: Path, collector: str, brotli: bool) -> tuple[Path, int]:
    """A site serving the bundle with deploy/nginx.conf as it ships; `brotli`: a host whose
    nginx has the brotli_static module and deploy/nginx-brotli.conf installed as README says."""
    www = tmp / "www"
    (www / "assets").mkdir(parents=True)
    (www / "assets" / "analytics").symlink_to(bundle)
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "root /var/www;" in conf and "include snippets/analytics-brotli*.conf;" in conf
    (tmp / "analytics.conf").write_text(conf.replace("root /var/www;", f"root {www};"))
    if brotli:
        (tmp / "snippets").mkdir()
        shutil.copyfile(
            ROOT / "deploy" / "nginx-brotli.conf", tmp / "snippets" / "analytics-brotli.conf"
        )
    port = conftest.free_port()
    module = BROTLI_MODULE if brotli else ""
    main = NGINX_MAIN.format(load_module=module, tmp=tmp, port=port, collector=collector)
    (tmp / "nginx.conf").write_text(main)
    return tmp / "nginx.conf", port


def run_nginx(config: Path, port: int) -> Iterator[str]:
    proc = subprocess.Popen([NGINX, "-c", str(config), "-p", str(config.parent)])
    wait_listening(port, proc, "nginx")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def nginx_base(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx with the brotli_static module and deploy/nginx-brotli.conf."""
    tmp = tmp_path_factory.mktemp("nginx")
    yield from run_nginx(*nginx_site(tmp, bundle_dir(server_url), server_url, brotli=True))


@pytest.fixture(scope="module")
def nginx_gzip_base(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx without the module (nor the snippet): deploy/nginx.conf as it ships, gzip only."""
    tmp = tmp_path_factory.mktemp("nginx-gzip")
    yield from run_nginx(*nginx_site(tmp, bundle_dir(server_url), server_url, brotli=False))


@pytest.fixture(scope="module")
def plain_base(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    www = tmp_path_factory.mktemp("plain")
    shutil.copytree(bundle_dir(server_url), www / "assets" / "analytics")
    port = conftest.free_port()
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    proc = subprocess.Popen(
        [*cmd, "--directory", str(www)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_listening(port, proc, "http.server")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def site(browser: Any, base: str, collector_url: str | None) -> Iterator[conftest.TestPage]:
    context = browser.new_context()
    page = context.new_page()
    if collector_url is not None:  # no proxy in front: the page's /mp/ goes to the collector

        def to_collector(route: Any) -> None:
            url = collector_url + route.request.url[len(base) :]
            route.fulfill(response=route.fetch(url=url))

        context.route(base + "/mp/**", to_collector)
    yield conftest.TestPage(page, base)
    context.close()


@pytest.fixture(scope="module")
def behind_nginx(browser: Any, nginx_base: str) -> Iterator[conftest.TestPage]:
    yield from site(browser, nginx_base, None)


@pytest.fixture(scope="module")
def behind_http_server(
    browser: Any, plain_base: str, server_url: str
) -> Iterator[conftest.TestPage]:
    yield from site(browser, plain_base, server_url)


def smoke(tp: conftest.TestPage, collector: Any, runtime: str, where: str) -> dict[str, str]:
    """The foundation smoke; answers the Content-Encoding (or "") the browser received for
    each bundle file that has a compressed twin, by its path in the bundle."""
    collector.clear()
    tp.foreign.clear()
    responses: list[Any] = []

    def keep(response: Any) -> None:
        responses.append(response)

    tp.page.on("response", keep)
    try:
        tp.open(
            f"deploy-{where}-{runtime}",
            loader=f'<script src="{PREFIX}analytics.js"></script>',
            settings={"runtime": runtime},
            script=f"analytics.track('Deployed', {{where: '{where}', runtime: '{runtime}'}});",
        )
    finally:
        tp.page.remove_listener("response", keep)
    assert tp.page.evaluate("() => window.__status.status") == "ready"
    [event] = collector.wait_events(1, "Deployed")
    assert event["properties"]["where"] == where
    assert event["properties"]["runtime"] == runtime
    assert event["properties"]["token"] == "test-token"
    assert tp.foreign == [], f"requests left the origin: {tp.foreign}"
    assert tp.page_errors == [], tp.page_errors
    loaded = tp.page.evaluate(
        "() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)"
    )
    assert [p for p in loaded if p.startswith(PREFIX)], loaded
    return received_encodings(responses, tp.base + PREFIX)


def received_encodings(responses: list[Any], root: str) -> dict[str, str]:
    twins = {
        p[: -len(".gz")] for p in json.loads(bundle_manifest())["written"] if p.endswith(".gz")
    }
    seen = {}
    for response in responses:
        path = response.url[len(root) :] if response.url.startswith(root) else ""
        if path in twins and response.status == 200:
            seen[path] = response.all_headers().get("content-encoding", "")
    assert seen, "no bundle file with a twin was fetched"
    return seen


def bundle_manifest() -> str:
    return (ROOT / "dist" / "MANIFEST.json").read_text()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_bundle_behind_nginx_with_brotli_runs_the_smoke_and_gets_br(
    behind_nginx: conftest.TestPage, collector: Any, runtime: str
) -> None:
    received = smoke(behind_nginx, collector, runtime, "nginx")
    assert set(received.values()) == {"br"}, received


def test_the_bundle_behind_nginx_without_the_module_runs_the_smoke_and_gets_gzip(
    browser: Any, nginx_gzip_base: str, collector: Any
) -> None:
    for tp in site(browser, nginx_gzip_base, None):
        received = smoke(tp, collector, "micropython", "nginx-gzip")
        assert set(received.values()) == {"gzip"}, received


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_bundle_behind_plain_http_server_runs_the_foundation_smoke(
    behind_http_server: conftest.TestPage, collector: Any, runtime: str
) -> None:
    received = smoke(behind_http_server, collector, runtime, "http.server")
    assert set(received.values()) == {""}, received  # http.server sends files as they are


def fetch_encoded(url: str, accept: str) -> tuple[Any, bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": accept})
    with urllib.request.urlopen(req) as resp:
        return resp.headers, resp.read()


def test_nginx_sends_the_twin_each_configuration_has_wasm_type_and_caching(
    nginx_base: str, nginx_gzip_base: str, server_url: str
) -> None:
    import gzip

    import brotli

    manifest = json.loads((bundle_dir(server_url) / "MANIFEST.json").read_text())
    wasm = manifest["files"]["micropython"].rsplit("/", 1)[0] + "/micropython.wasm"
    plain = (bundle_dir(server_url) / wasm).read_bytes()
    cases = [
        (nginx_base, "gzip, deflate, br", "br", brotli.decompress),
        (nginx_base, "gzip, deflate", "gzip", gzip.decompress),
        (nginx_gzip_base, "gzip, deflate, br", "gzip", gzip.decompress),
    ]
    for base, accept, encoding, decode in cases:
        headers, body = fetch_encoded(base + PREFIX + wasm, accept)
        assert headers["Content-Encoding"] == encoding, (base, accept)
        assert decode(body) == plain
        assert headers["Content-Type"] == "application/wasm"
        assert "immutable" in headers["Cache-Control"]
        assert headers["Vary"] == "Accept-Encoding"
    for stable in ("analytics.js", "snippet.js"):
        with urllib.request.urlopen(nginx_base + PREFIX + stable) as resp:
            assert resp.headers["Cache-Control"] == "no-cache"
            assert resp.headers["Content-Type"].startswith("text/javascript")


def inline_script_hashes(html: str) -> list[str]:
    import base64
    import hashlib
    import re

    bodies = re.findall(r"<script>(.*?)</script>", html, re.S)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
        for b in bodies
    ]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_manifests_content_security_policy_is_enough_for_the_loader(
    behind_nginx: conftest.TestPage, collector: Any, server_url: str, runtime: str
) -> None:
    """The printed CSP, plus the hashes of the page's own inline scripts (its load call)."""
    tp = behind_nginx
    policy = json.loads((bundle_dir(server_url) / "MANIFEST.json").read_text())["csp"]
    name = f"csp-{runtime}"
    url = tp.build(
        name,
        loader=f'<script src="{PREFIX}analytics.js"></script>',
        settings={"runtime": runtime},
        head="<script>window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });</script>",
        script="analytics.track('Under CSP', {runtime: '" + runtime + "'});",
    )
    html = tp._pages[f"/t/{name}.html"]
    hashes = " ".join(inline_script_hashes(html))
    header = policy.replace("script-src 'self'", f"script-src 'self' {hashes}", 1)

    def with_policy(route: Any) -> None:
        route.fulfill(
            status=200,
            body=html,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": header},
        )

    collector.clear()
    tp.foreign.clear()
    with tp.routed(url, with_policy):
        tp.page.goto(url)
        status = tp.wait_ready()
    assert status["status"] == "ready", status
    [event] = collector.wait_events(1, "Under CSP")
    assert event["properties"]["runtime"] == runtime
    assert tp.page.evaluate("() => window.__violations") == []
    assert tp.foreign == []


def test_session_replay_loads_its_recorder_bundle_from_the_bundle(
    behind_nginx: conftest.TestPage, collector: Any, server_url: str
) -> None:
    """mixpanel.js fetches its lazy recorder from lib_base_path: the bundle's mixpanel folder."""
    tp = behind_nginx
    files = json.loads((bundle_dir(server_url) / "MANIFEST.json").read_text())["files"]
    folder = tp.base + PREFIX + files["mixpanel"].rsplit("/", 1)[0] + "/"
    collector.clear()
    tp.foreign.clear()
    config = {"batch_requests": False, "record_sessions_percent": 100, "lib_base_path": folder}
    page = tp.open(
        "replay",
        loader=f'<script src="{PREFIX}analytics.js"></script>',
        settings={"runtime": "micropython", "mixpanelConfig": config},
        script="analytics.track('Replayed');",
    )
    collector.wait_events(1, "Replayed")
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some((r) => /mixpanel-recorder-[^/]*\\.min\\.js$/.test(r.name))"
    )
    recorder = page.evaluate(
        "() => performance.getEntriesByType('resource').map((r) => r.name)"
        ".filter((n) => n.includes('mixpanel-recorder'))"
    )
    assert recorder and all(url.startswith(folder) for url in recorder), recorder
    assert tp.foreign == []
    assert tp.page_errors == []


def test_the_brotli_snippet_is_what_a_host_without_the_module_must_leave_out(
    tmp_path: Path, server_url: str
) -> None:
    """nginx refuses an unknown directive: with the snippet installed but no module it does not
    start, which is why brotli_static lives in its own file, included only where it exists."""
    config, _ = nginx_site(tmp_path, bundle_dir(server_url), server_url, brotli=True)
    config.write_text(config.read_text().replace(BROTLI_MODULE, ""))
    test = [NGINX, "-t", "-c", str(config), "-p", str(tmp_path)]
    refused = subprocess.run(test, capture_output=True, text=True, check=False)
    assert refused.returncode != 0 and 'unknown directive "brotli_static"' in refused.stderr
    (tmp_path / "snippets" / "analytics-brotli.conf").unlink()
    accepted = subprocess.run(test, capture_output=True, text=True, check=False)
    assert accepted.returncode == 0, accepted.stderr

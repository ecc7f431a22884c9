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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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


@pytest.fixture(scope="module")
def nginx_base(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("nginx")
    www = tmp / "www"
    (www / "assets").mkdir(parents=True)
    (www / "assets" / "analytics").symlink_to(bundle_dir(server_url))
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "root /var/www;" in conf
    (tmp / "analytics.conf").write_text(conf.replace("root /var/www;", f"root {www};"))
    port = free_port()
    main = NGINX_MAIN.format(tmp=tmp, port=port, collector=server_url)
    (tmp / "nginx.conf").write_text(main)
    proc = subprocess.Popen([NGINX, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])
    wait_listening(port, proc, "nginx")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def plain_base(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    www = tmp_path_factory.mktemp("plain")
    shutil.copytree(bundle_dir(server_url), www / "assets" / "analytics")
    port = free_port()
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


def smoke(tp: conftest.TestPage, collector: Any, runtime: str, where: str) -> None:
    collector.clear()
    tp.foreign.clear()
    tp.open(
        f"deploy-{where}-{runtime}",
        loader=f'<script src="{PREFIX}analytics.js"></script>',
        settings={"runtime": runtime},
        script=f"analytics.track('Deployed', {{where: '{where}', runtime: '{runtime}'}});",
    )
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


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_bundle_behind_nginx_runs_the_foundation_smoke(
    behind_nginx: conftest.TestPage, collector: Any, runtime: str
) -> None:
    smoke(behind_nginx, collector, runtime, "nginx")


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_bundle_behind_plain_http_server_runs_the_foundation_smoke(
    behind_http_server: conftest.TestPage, collector: Any, runtime: str
) -> None:
    smoke(behind_http_server, collector, runtime, "http.server")


def test_nginx_sends_gzip_twins_wasm_type_and_the_caching_the_names_ask_for(
    nginx_base: str, server_url: str
) -> None:
    manifest = json.loads((bundle_dir(server_url) / "MANIFEST.json").read_text())
    wasm = manifest["files"]["micropython"].rsplit("/", 1)[0] + "/micropython.wasm"
    req = urllib.request.Request(nginx_base + PREFIX + wasm, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as resp:
        assert resp.headers["Content-Type"] == "application/wasm"
        assert resp.headers["Content-Encoding"] == "gzip"
        assert "immutable" in resp.headers["Cache-Control"]
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

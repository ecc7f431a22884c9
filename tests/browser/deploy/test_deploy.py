"""The bundle deployed as plain files: behind nginx with deploy/nginx.conf, and behind Python's
http.server (no compression, no special headers), each under /assets/analytics/ of a site.

Both pass the foundation smoke on both runtimes: a track made before ready arrives at the
collector with its property and the token, and no request leaves the page's origin. The sites
and their servers are this folder's conftest.py.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser import conftest
from tests.browser.conftest import ROOT
from tests.browser.deploy.conftest import BROTLI_MODULE, NGINX, bundle_dir, nginx_site, site

PREFIX = "/assets/analytics/"
RUNTIMES = ["micropython", "pyodide"]


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

"""The sites of the deploy tests (test_deploy.py): the bundle the dev server built, served as
plain files under /assets/analytics/ by nginx with deploy/nginx.conf (with and without the
brotli_static module) and by Python's http.server, and a page on each (`behind_nginx`,
`behind_http_server`). /mp/** is the dev server's collector, reached through nginx's proxy_pass
or a Playwright route, so the page stays same-origin."""

from __future__ import annotations

import contextlib
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

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


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

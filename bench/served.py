"""The dev server run inside the benchmark's process, counting every response it sends.

A page-level CDP session does not see a module Worker's own requests (its imports), so the
new figures count bytes at the server instead: each response's body length (Content-Length)
plus its status line and headers, with the time it was sent. Page and worker requests alike,
and cache revalidations (a 304 counts its headers only). Same reading interface as
bench.browser.Server (the collector is read in-process).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from bench.browser import arrival_in, first_event_ms, http_get
from devtools.server import make_server


class CountingServer:
    """devtools.server in a thread; `sent` lists (time, path, bytes) per response."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, str, int]] = []
        self.lock = threading.Lock()
        self.httpd = make_server()
        base = self.httpd.RequestHandlerClass
        self.httpd.RequestHandlerClass = self.counting(base)
        self.collector = base.collector  # type: ignore[attr-defined]
        host, port = self.httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def counting(self, base: Any) -> Any:
        record = self.record

        class Counting(base):  # type: ignore[misc]
            def end_headers(self) -> None:
                head = sum(len(h) for h in getattr(self, "_headers_buffer", []))
                length = 0
                for line in getattr(self, "_headers_buffer", []):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1].strip() or 0)
                if self.command == "HEAD":
                    length = 0
                record(self.path, head + length)
                super().end_headers()

        return Counting

    def record(self, path: str, nbytes: int) -> None:
        with self.lock:
            self.sent.append((time.time(), path, nbytes))

    def bytes_between(self, since: float, until: float | None = None) -> int:
        """Bytes sent in [since, until] (server seconds), the collector's answers excepted."""
        end = until if until is not None else time.time()
        with self.lock:
            return sum(n for t, p, n in self.sent if since <= t <= end and not p.startswith("/mp/"))

    def served_twice(self, since: float) -> list[str]:
        """Paths answered more than once since `since` (304s included), the collector's
        excepted."""
        with self.lock:
            paths = [p for t, p, _ in self.sent if t >= since and not p.startswith("/mp/")]
        return sorted({p for p in paths if paths.count(p) > 1})

    def events(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = self.collector.all()
        return records

    def arrival(self, visit: str, event: str = "Bench Start") -> float | None:
        """Server time (s) the visit's event arrived, or None."""
        return arrival_in(self.events(), visit, event)

    def first_event_ms(self, origin_ms: float, visit: str, timeout: float = 30) -> float | None:
        return first_event_ms(self.events, origin_ms, visit, timeout)

    def get(self, path: str) -> tuple[int, bytes]:
        return http_get(self.url + path)

    def clear(self) -> None:
        self.collector.clear()
        with self.lock:
            self.sent.clear()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""`import integration` in a PyScript page's interpreter (bridge/page.py), with a stand-in for
PyScript's `js` module: the loader's `_attach` gets bridge.start, and Python's calls keep going
through the page's window.analytics (one queue) even once start() ran in this interpreter."""

from __future__ import annotations

from typing import Any

from integration import bridge
from integration.bridge import forward, page


def test_attach_hands_bridge_start_to_the_loader(fake_js: Any) -> None:
    page.attach()
    assert fake_js.window.analytics.attached == [bridge.start]


def test_python_calls_go_through_the_page_even_after_start(fake_js: Any) -> None:
    page.attach()
    forward.install(object())  # type: ignore[arg-type]  (start() ran in this interpreter)
    bridge.page_api().call("track", "From Python", {"k": 1})
    assert fake_js.window.analytics.wire == [("track", '["From Python",{"k":1}]')]


def test_without_a_loader_one_console_line(fake_js: Any) -> None:
    fake_js.window.analytics = None
    page.attach()
    assert len(fake_js.warned) == 1 and "no loader on this page" in fake_js.warned[0]

"""Middleware and analytics-next plugins on the page, on both runtimes: what reaches the
collector (decoded Mixpanel payloads) after page JS middleware, destination middleware and
register(...plugins)."""

from __future__ import annotations

from typing import Any

import pytest

RUNTIMES = pytest.mark.parametrize("runtime", ["micropython", "pyodide"])


def open_page(tp: Any, name: str, runtime: str, script: str) -> Any:
    return tp.open(f"{name}-{runtime}", settings={"runtime": runtime}, script=script)


def by_name(collector: Any, count: int) -> dict[str, Any]:
    return {e["event"]: e["properties"] for e in collector.wait_events(count)}


@RUNTIMES
def test_a_source_middleware_adds_a_property(tp: Any, collector: Any, runtime: str) -> None:
    open_page(
        tp,
        "mw-source",
        runtime,
        """
        analytics.addSourceMiddleware(function (c) {
          c.payload.obj.properties.added = 'by middleware';
          c.next(c.payload);
        });
        analytics.track('Changed', {kept: 1});
        """,
    )
    [event] = collector.wait_events(1, "Changed")
    assert event["properties"]["added"] == "by middleware"
    assert event["properties"]["kept"] == 1


@RUNTIMES
def test_an_async_middleware_keeps_the_order_of_later_calls(
    tp: Any, collector: Any, runtime: str
) -> None:
    open_page(
        tp,
        "mw-async",
        runtime,
        """
        analytics.ready(function () {
          analytics.addSourceMiddleware(function (c) {
            if (c.payload.obj.event !== 'Slow') { c.next(c.payload); return; }
            return new Promise(function (resolve) {
              setTimeout(function () {
                c.payload.obj.properties.waited = true;
                c.next(c.payload);
                resolve();
              }, 100);
            });
          });
          analytics.track('Slow');
          analytics.track('After');
        });
        """,
    )
    events = by_name(collector, 2)
    assert events["Slow"]["waited"] is True
    assert "waited" not in events["After"]
    assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["Slow", "After"]


@RUNTIMES
def test_next_null_and_no_next_drop_the_call(tp: Any, collector: Any, runtime: str) -> None:
    open_page(
        tp,
        "mw-drop",
        runtime,
        """
        analytics.addSourceMiddleware(function (c) {
          var e = c.payload.obj.event;
          if (e === 'Nulled') return c.next(null);
          if (e === 'Ignored') return;
          c.next(c.payload);
        });
        analytics.track('Nulled');
        analytics.track('Ignored');
        analytics.track('Marker');
        """,
    )
    collector.wait_events(1, "Marker")
    assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["Marker"]
    assert sorted(e["event"] for e in collector.events()) == ["Marker"]


@RUNTIMES
def test_a_throwing_middleware_costs_one_line_and_the_call_goes_on(
    tp: Any, collector: Any, runtime: str
) -> None:
    open_page(
        tp,
        "mw-throw",
        runtime,
        """
        analytics.addSourceMiddleware(function (c) { throw new Error('boom'); });
        analytics.track('Survives', {n: 1});
        """,
    )
    [event] = collector.wait_events(1, "Survives")
    assert event["properties"]["n"] == 1
    lines = [line for line in tp.lines("error") if "boom" in line]
    assert lines == ["[analytics] track: middleware failed: boom; the message goes on unchanged"]


@RUNTIMES
def test_a_destination_middleware_changes_only_what_mixpanel_gets(
    tp: Any, collector: Any, runtime: str
) -> None:
    page = open_page(
        tp,
        "mw-destination",
        runtime,
        """
        window.__heard = [];
        analytics.addSourceMiddleware(function (c) {
          window.__heard.push(Object.keys(c.payload.obj.properties).sort().join(','));
          c.next(c.payload);
        });
        analytics.addDestinationMiddleware('Mixpanel', function (c) {
          c.payload.obj.properties.destination = c.integration;
          c.next(c.payload);
        });
        analytics.addIntegrationMiddleware(function (c) {
          c.payload.obj.properties.everywhere = 'yes';
          c.next(c.payload);
        });
        analytics.track('Routed', {a: 1});
        analytics.addDestinationMiddleware('Elsewhere', function () {});
        """,
    )
    [event] = collector.wait_events(1, "Routed")
    assert event["properties"]["destination"] == "Mixpanel"
    assert event["properties"]["everywhere"] == "yes"
    assert page.evaluate("() => window.__heard") == ["a"]
    errors = [line for line in tp.lines("error") if "addDestinationMiddleware" in line]
    assert errors == [
        "[analytics] addDestinationMiddleware: the destination here is 'Mixpanel', "
        "got 'Elsewhere'; ignored"
    ]


@RUNTIMES
def test_before_and_enrichment_plugins_rename_and_enrich(
    tp: Any, collector: Any, runtime: str
) -> None:
    page = open_page(
        tp,
        "mw-plugins",
        runtime,
        """
        window.__loaded = [];
        var enrich = {
          name: 'Enrich', type: 'enrichment', version: '1.0.0',
          load: function (ctx, a) {
            window.__loaded.push('enrich:' + (a === analytics));
            return Promise.resolve();
          },
          isLoaded: function () { return true; },
          track: function (ctx) {
            return new Promise(function (r) {
              setTimeout(function () {
                ctx.event.properties.enriched = ctx.event.event;
                r(ctx);
              }, 20);
            });
          },
        };
        var rename = {
          name: 'Rename', type: 'before', version: '1.0.0',
          load: function () { window.__loaded.push('rename'); },
          isLoaded: function () { return true; },
          track: function (ctx) {
            if (ctx.event.event === 'Old Name') ctx.event.event = 'New Name';
            return ctx;
          },
        };
        window.__registered = analytics.register(enrich, rename);
        analytics.ready(function () {
          analytics.register({
            name: 'Later', type: 'before', load: function () {},
            isLoaded: function () { return true; },
            track: function (ctx) { ctx.updateEvent('properties.later', 1); return ctx; }})
            .then(function () { window.__later = true; analytics.track('Old Name'); });
        });
        """,
    )
    [event] = collector.wait_events(1, "New Name")
    assert event["properties"]["enriched"] == "New Name"  # the before plugin ran first
    assert event["properties"]["later"] == 1
    assert page.evaluate("() => window.__later") is True
    assert sorted(page.evaluate("() => window.__loaded")) == ["enrich:true", "rename"]


@RUNTIMES
def test_a_plugin_cancels_and_an_unsupported_type_is_one_line(
    tp: Any, collector: Any, runtime: str
) -> None:
    open_page(
        tp,
        "mw-cancel",
        runtime,
        """
        analytics.register(
          {name: 'Cancel', type: 'before', load: function () {},
           isLoaded: function () { return true; },
           track: function (ctx) {
             if (ctx.event.event === 'Cancelled') ctx.cancel();
             if (ctx.event.event === 'Nulled') return null;
             return ctx;
           }},
          {name: 'Dest', type: 'destination', load: function () {},
           isLoaded: function () { return true; }}
        );
        analytics.track('Cancelled');
        analytics.track('Nulled');
        analytics.track('Marker');
        """,
    )
    collector.wait_events(1, "Marker")
    assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["Marker"]
    warned = [line for line in tp.lines("warning") if "Dest" in line]
    assert warned == [
        "[analytics] register: plugin 'Dest' has type 'destination'; only 'before' and "
        "'enrichment' plugins are supported; skipped"
    ]


@RUNTIMES
def test_a_middleware_that_never_calls_next_is_dropped_after_the_timeout(
    tp: Any, collector: Any, runtime: str
) -> None:
    open_page(
        tp,
        "mw-timeout",
        runtime,
        """
        analytics.addSourceMiddleware(function (c) {
          if (c.payload.obj.event === 'Stuck') return new Promise(function () {});
          c.next(c.payload);
        });
        analytics.track('Stuck');
        analytics.track('Marker');
        """,
    )
    collector.wait_events(1, "Marker")
    assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["Marker"]
    lines = [line for line in tp.lines("warning") if "Stuck" in line or "300 ms" in line]
    assert lines == [
        "[analytics] track: middleware next() was not called within 300 ms; the call is dropped"
    ]


@RUNTIMES
def test_bad_middleware_input_is_one_line(tp: Any, collector: Any, runtime: str) -> None:
    open_page(
        tp,
        "mw-bad",
        runtime,
        """
        analytics.addSourceMiddleware('not a function');
        analytics.track('Marker');
        """,
    )
    collector.wait_events(1, "Marker")
    assert [line for line in tp.lines("error") if "addSourceMiddleware" in line] == [
        "[analytics] addSourceMiddleware: middleware must be a function, got str; nothing added"
    ]

"""The thread protocol, as data: what crosses between the page's main thread and the runtime.

Read this file to learn the whole seam. Four tables (and the late set, LATE_MODULES), and the
page's own seam between the stub and the boot modules (PAGE_API):

- ``HOST``: the functions Python calls on its host, in whichever thread it runs. In the page
  (``thread: 'main'``) static/boot-wire.mjs ``makeHost`` answers them at once; in a Worker (the
  default) static/boot-worker.mjs answers reads from state the page sent and records every
  other call as an effect.
- ``DISPATCH``: what the host may call on Python's ``dispatch(method, args_json, meta_json)``
  besides the public methods of ``surface.METHODS``, and what dispatch answers.
- ``TO_WORKER`` / ``TO_PAGE``: the messages of a Worker, ``{kind, ...fields}``
  (static/boot-thread.mjs on the page, static/boot-worker.mjs in the worker).
- ``EFFECTS``: the items of a ``batch``, ``[kind, ...fields]``, applied on the page in order.

The order rule: the worker runs one step (a call, a timer, a middleware's answer) at a time; a
step that may read mixpanel.js's state (READS) runs only once every earlier batch was
acknowledged, so its reads see every earlier call's effects. Storage reads answer from the
worker's own copy, and listeners come with each call, so they are always current. The page applies batches in
the order they were made, and holds them while calls are carried (pagehide / hidden).

tests/unit/test_protocol.py checks both JavaScript ends, and host.py's `Host`, against these
tables. Imports nothing; holds no behaviour.
"""

from __future__ import annotations

# name: (arguments, what it does). Every value crosses as a string of wire JSON (bridge/wire.py).
HOST: dict[str, tuple[tuple[str, ...], str]] = {
    "call": (
        ("path", "args_json"),
        "window.mixpanel.<path>(...args); getters (get_*) answer JSON, else 'null'. A path through a handle call (get_group.set_once, surface.HANDLE_CALLS) carries that call's arguments first.",
    ),
    "invoke": (("fn_id", "args_json"), "run the page callback registered under fn_id"),
    "emit": (("event", "args_json"), "tell the page's on/once/off listeners of event"),
    "listens": (("event",), "whether the page listens to event (arguments are encoded only then)"),
    "log": (("level", "text"), "one console line: log, info, warn or error"),
    "storageGet": (
        ("key",),
        "JSON of the stored string or null: cookies for surface.COOKIE_KEYS, else localStorage",
    ),
    "storageSet": (("key", "value"), "store a string under an analytics.js key"),
    "storageRemove": (
        ("key",),
        "remove an analytics.js key (a cookie key's localStorage copy too)",
    ),
    "pageContext": ((), "JSON {path, referrer, search, title, url} of the page"),
    "now": ((), "Date.now()"),
    "newId": ((), "a random UUID, for interpreters without uuid (MicroPython)"),
    "lower": (("text",), "JavaScript's toLowerCase (MicroPython's str.lower is ASCII-only)"),
    "middleware": (
        ("fn_id", "args_json", "cont"),
        "run a page middleware; wire JSON [state, payload, error], state next | drop | threw | pending (then dispatch('__next') later)",
    ),
    "timer": (("ms", "timer_id"), "after ms, dispatch('__timer', [timer_id])"),
    "release": ((), "the calls dispatch answered 'held' for are done: their callbacks may go"),
    "callbackTimeout": ((), "analytics.timeout(ms), 300 by default"),
}

DISPATCH: dict[str, tuple[tuple[str, ...], str]] = {
    "__next": (
        ("cont", "kind", "payload", "error"),
        "a page middleware's late answer: kind next, settled or rejected; across threads also now-next (answered at once) and drop",
    ),
    "__timer": (("timer_id",), "a host.timer came due"),
    "entity": (
        ("who", "op", "value"),
        "analytics.user() / group(): read (no op) or set; answers JSON {id, traits[, anonymousId]}",
    ),
}
# dispatch's answer for a call: None, or the page keeps the call's callbacks a while longer.
ANSWERS: dict[str, str] = {
    "held": "the call waits behind a middleware: keep its callbacks until release()",
    "kept": "a middleware call: keep its functions for the page's life",
}

# The only steps whose Python may read mixpanel.js's state back (getters): identify (the union
# of array traits), alias (the distinct ids), and the resumed steps, which may finish either.
# The worker runs these only once every earlier batch was acknowledged; other calls go on at
# once (their batches still apply in order). tests/unit/test_protocol.py checks the list.
READS: tuple[str, ...] = ("identify", "alias", "__next", "__timer")

# The calls after which the worker sends the user()/group() mirror again (also after any step
# that wrote storage, and after a resumed step): the others cannot change it.
IDENTITY: tuple[str, ...] = (
    "identify",
    "alias",
    "group",
    "reset",
    "setAnonymousId",
    "entity",
    "consent",
)

# The early/late split of the MicroPython package, so fewer bytes come before the first event.
# The early zip (bundle key `mpy`) holds every runtime module but these; the late zip
# (`mpyLate`) holds these. Measured: no function of theirs runs while a page calls load,
# identify, track and page (the early list is pinned by tests/browser/test_early_set.py, on
# MicroPython and on Pyodide).
LATE_MODULES: tuple[str, ...] = (
    "integration/middleware_step.py",
    "integration/mixpanel/alias_group.py",
    "integration/bridge/page.py",  # PyScript pages only (they install the wheel, not the zips)
)
# The calls that may import a late module. In a worker, one of these waits at the head of the
# queue (later calls behind it, in order) until the late zip is in; the worker loads the late
# zip in idle time after ready anyway. In the page (thread 'main') both zips load at boot.
# tests/unit/test_protocol.py checks that no other call imports a late module.
LATE_CALLS: tuple[str, ...] = (
    "alias",
    "group",
    "addSourceMiddleware",
    "addDestinationMiddleware",
    "addIntegrationMiddleware",
)

TO_WORKER: dict[str, tuple[tuple[str, ...], str]] = {
    "boot": (
        ("runtime", "settings", "options", "bundle", "storage", "listening", "timeout", "page"),
        "start the runtime; storage is the snapshot of every surface.STORAGE key",
    ),
    "file": (
        ("url", "status", "type", "body", "error"),
        "a bundle file the worker asked for, fetched by the page (body: a Blob)",
    ),
    "calls": (
        ("calls",),
        "the analytics calls a function made, posted together once it returns, in call order;"
        " each one a CALL; the worker answers them in one batch",
    ),
    "ack": (
        ("state",),
        "a batch was applied; state: mixpanel.js's properties when they may have changed, else null",
    ),
    "resume": (("args",), "a page middleware's answer: dispatch('__next', args)"),
    "python": (
        ("id", "files", "module", "fn", "args"),
        "the test route: write files, call module.fn(*args)",
    ),
}

# One item of a `calls` message: an analytics call as the page recorded it.
CALL: dict[str, str] = {
    "id": "the call's id (its messageId; a batch's `done` names it)",
    "method": "the analytics.js method",
    "args": "its arguments in wire JSON, encoded at call time (page callbacks as ids)",
    "meta": "JSON {timestamp, messageId, page} recorded by the stub",
    "listening": "the events the page listened to at the call",
    "timeout": "the page's callback timeout (ms) at the call",
}

TO_PAGE: dict[str, tuple[tuple[str, ...], str]] = {
    "need": (("url",), "fetch this bundle file for the worker (the page counts progress)"),
    "broken": (("url", "why"), "a file the runtime asked for failed: the boot fails, naming it"),
    "phase": (
        ("url", "done", "at"),
        "a boot phase began or ended, at (epoch ms): progress for readyTimeoutMs, and analytics.timings.phases",
    ),
    "log": (("level", "text"), "a console line of the runtime's boot"),
    "ready": (
        ("snapshot", "resources"),
        "Python started; its start-up batch came first; resources: what the worker fetched itself (analytics.timings.workerResources)",
    ),
    "failed": (
        ("error", "file"),
        "the boot failed: a missing file fails the page's boot, else the page runs the runtime itself",
    ),
    "batch": (("effects",), "the effects of one step, in order (EFFECTS)"),
    "python": (("id", "ok", "value"), "the test route's answer"),
    "warmed": (
        ("calls", "ms"),
        "Pyodide's warm-up after ready ran (bridge.warmer): analytics.timings.warmed",
    ),
}

EFFECTS: dict[str, tuple[tuple[str, ...], str]] = {
    "call": (("path", "args_json", "call_id"), "host.call on the page (mixpanel.js)"),
    "invoke": (("fn_id", "args_json"), "host.invoke: a page callback"),
    "emit": (("event", "args_json"), "host.emit: the page's listeners"),
    "log": (("level", "text"), "host.log: one console line"),
    "set": (("key", "value"), "host.storageSet"),
    "remove": (("key",), "host.storageRemove"),
    "middleware": (
        ("fn_id", "args_json", "cont"),
        "host.middleware; its answer goes back as resume",
    ),
    "release": ((), "host.release"),
    "entity": (("values_json",), "the user()/group() mirror: JSON {user, group}"),
    "done": (
        ("call_id", "answer"),
        "the call was handed over: its promise settles (answer: ANSWERS or null)",
    ),
}

# The page's `api` object: the one link between the stub (static/analytics.js) and the boot
# modules on the page. name: (the files that set it, what it is). Only those files assign it
# (tests/unit/test_protocol.py reads every `api.<name>` in static/). The worker hands the
# runtime boots an `api` of its own with a few of these (boot-worker.mjs workerApi).
PAGE_API: dict[str, tuple[tuple[str, ...], str]] = {
    "B": (
        ("analytics.js",),
        "the bundle object: root, files (boot.mjs adds the rest), methods, storage keys",
    ),
    "analytics": (("analytics.js",), "window.analytics"),
    "queue": (
        ("analytics.js",),
        "calls not yet delivered: {id, method, raw | args (wire JSON), meta}",
    ),
    "listeners": (("analytics.js",), "on/once/off registrations by event name"),
    "got": (("analytics.js",), "url -> the Promise<Response> the stub fetched early (read once)"),
    "own": (("analytics.js",), "this tab's carry-over key"),
    "url": (("analytics.js",), "url(key): the absolute URL of a bundle file, or null"),
    "later": (("analytics.js",), "[method, arguments] of trackLink & co. made before the boot"),
    "ov": (("analytics.js",), "user()/group() values set before ready ({userid: ...})"),
    "settle": (("analytics.js",), "settle(status, error): ready, failed or disabled, once"),
    "emit": (("analytics.js",), "emit(name, args): the page's listeners"),
    "page": (("analytics.js",), "page(): the page context analytics.js sends"),
    "id": (
        ("analytics.js", "boot.mjs"),
        "id(): a new message id (boot.mjs: from a pool, once live)",
    ),
    "reclaim": (
        ("analytics.js",),
        "this tab's carried calls are its own again (or left the queue)",
    ),
    "dropped": (("analytics.js",), "dropped(): calls past the queue bound"),
    "status": (("analytics.js",), "status(): the loader's status"),
    "timeout": (("analytics.js",), "timeout(): analytics.timeout's callback wait, in ms"),
    "key": (("analytics.js",), "the write key of load(writeKey) (Segment's form)"),
    "options": (("analytics.js",), "load()'s options"),
    "settings": (
        ("analytics.js", "boot.mjs"),
        "load()'s settings (boot.mjs: as wire JSON reads them)",
    ),
    "ps": (("analytics.js",), "true on a PyScript page under runtime 'auto'"),
    "debug": (("analytics.js",), "analytics.debug(): each call is logged"),
    "py": (
        ("analytics.js", "boot.mjs"),
        "Python's dispatch (a PyScript page hands over bridge.start)",
    ),
    "attach": (("boot.mjs",), "attach(start): a PyScript page's interpreter is here"),
    "started": (("boot.mjs",), "the boot module runs (the stub's readyTimeoutMs then stops)"),
    "pending": (("boot.mjs",), "url -> 1 while a runtime file is in flight (the stall probe)"),
    "callbacks": (("boot.mjs",), "id -> a page callback wire JSON names"),
    "nextCallback": (("boot.mjs",), "the next callback id"),
    "current": (
        ("boot.mjs", "boot-thread.mjs"),
        "the call being applied (its id: shim:mixpanel's callId)",
    ),
    "held": (("boot.mjs",), "wire args of calls held by a middleware (their callbacks kept)"),
    "touch": (("boot.mjs",), "touch(): progress now"),
    "last": (("boot.mjs",), "when progress was last made"),
    "encode": (("boot.mjs",), "encode(args): wire JSON for storage (carry-over)"),
    "dom": (("boot.mjs",), "dom(method, args): trackLink & co."),
    "named": (
        ("boot.mjs",),
        "our mixpanel.js instance's name when the page has a Mixpanel of its own",
    ),
    "entity": (("boot.mjs",), "entity(who): analytics.user() / group() values once live"),
    "deliver": (("boot.mjs",), "deliver(entry): a call handed to the runtime once live"),
    "waitingFor": (
        ("boot.mjs",),
        "what a PyScript page's boot waits for (named when it times out)",
    ),
    "visible": (("boot.mjs",), "the page is shown again before ready: reclaim this tab's calls"),
    "leaving": (
        ("boot-page.mjs",),
        "call id -> trackLink's call waiting for mixpanel.js before the page leaves",
    ),
}

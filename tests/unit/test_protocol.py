"""integration/bridge/protocol.py is the one description of the thread seam: the host functions
Python calls, the worker's messages each way and the effects of a batch. Both JavaScript ends
(static/boot-thread.mjs on the page, static/boot-worker.mjs in the worker), the page's own host
(static/boot-wire.mjs) and host.py's `Host` type are checked against its tables here."""

from __future__ import annotations

import re
from pathlib import Path

from integration.bridge import host, protocol

STATIC = Path(__file__).resolve().parents[2] / "static"
PAGE = (STATIC / "boot-thread.mjs").read_text(encoding="utf-8")
WORKER = (STATIC / "boot-worker.mjs").read_text(encoding="utf-8")
GETTERS = ("get_property", "get_distinct_id", "get_config")  # get_group answers a handle
WIRE = (STATIC / "boot-wire.mjs").read_text(encoding="utf-8")


def block(source: str, opening: str) -> str:
    """The text of the brace block that starts at `opening` (an object literal)."""
    start = source.index("{", source.index(opening))
    depth = 0
    for i in range(start, len(source)):
        depth += {"{": 1, "}": -1}.get(source[i], 0)
        if depth == 0:
            return source[start : i + 1]
    raise AssertionError(f"unclosed block after {opening!r}")


def top_level_keys(body: str) -> set[str]:
    """Method or property names at the outermost level of an object literal's text."""
    names, depth = set(), 0
    for match in re.finditer(r"[{}]|^\s*(\w+)(?:\(|:|,$)", body, re.MULTILINE):
        if match.group(0) in "{}":
            depth += 1 if match.group(0) == "{" else -1
        elif depth == 1:
            names.add(match.group(1))
    return names


def test_the_worker_handles_exactly_the_messages_sent_to_it() -> None:
    assert top_level_keys(block(WORKER, "const ON = {")) == set(protocol.TO_WORKER)
    sent = set(re.findall(r"kind: '(\w+)'", PAGE))
    assert sent == set(protocol.TO_WORKER)


def test_the_page_handles_exactly_the_messages_the_worker_posts() -> None:
    posted = set(re.findall(r"post\('(\w+)'", WORKER))
    assert posted == set(protocol.TO_PAGE)
    handled = set(re.findall(r"m\.kind === '(\w+)'", PAGE))
    handled |= top_level_keys(block(PAGE, "this.ON = {"))
    assert handled == set(protocol.TO_PAGE)


def test_every_field_of_a_message_is_read_by_its_receiver() -> None:
    # the worker reads some fields in boot-wire.mjs, which it imports (the test route)
    for kinds, receiver in ((protocol.TO_WORKER, WORKER + WIRE), (protocol.TO_PAGE, PAGE)):
        for kind, (fields, _) in kinds.items():
            for field in fields:
                assert re.search(rf"\bm\.{field}\b|\b{field}\b", receiver), (kind, field)


def test_each_call_of_a_calls_message_carries_exactly_the_declared_fields() -> None:
    sent = re.search(r"entries\.map\(\(e\) => \(\{(.*?)\}\)\)", PAGE)
    assert sent, "boot-thread.mjs builds each call of a 'calls' message in one object literal"
    assert set(re.findall(r"(\w+): e\.\w+", sent.group(1))) == set(protocol.CALL)
    step = block(WORKER, "function callStep(c) {")
    assert set(re.findall(r"\bc\.(\w+)", step)) == set(protocol.CALL)


def test_the_worker_records_exactly_the_effects_the_page_applies() -> None:
    recorded = set(re.findall(r"effect\('(\w+)'", WORKER))
    applied = set(re.findall(r"kind === '(\w+)'", block(PAGE, "  apply(fx, e) {")))
    assert recorded == set(protocol.EFFECTS)
    assert applied == set(protocol.EFFECTS)


def test_both_hosts_and_the_python_type_offer_exactly_the_host_functions() -> None:
    in_page = top_level_keys(block(WIRE, "  return {\n    call(path"))
    in_worker = top_level_keys(block(WORKER, "const host = {"))
    assert in_page == set(protocol.HOST)
    assert in_worker == set(protocol.HOST)


def test_the_host_type_names_the_protocols_functions_with_their_arguments() -> None:
    source = Path(host.__file__).read_text(encoding="utf-8")
    declared = dict(re.findall(r"def (\w+)\(self(?:, )?([^)]*)\)", source))
    assert set(declared) == set(protocol.HOST)
    for name, (args, _) in protocol.HOST.items():
        got = tuple(a.split(":")[0].strip() for a in declared[name].split(",") if a.strip())
        assert len(got) == len(args), (name, got, args)


def test_dispatch_answers_are_the_ones_the_bridge_returns() -> None:
    from integration import bridge

    assert {bridge.HELD, bridge.KEPT} == set(protocol.ANSWERS)
    source = Path(bridge.__file__).read_text(encoding="utf-8")
    for name in protocol.DISPATCH:
        assert f'"{name}"' in source, name


def test_the_worker_waits_before_exactly_the_steps_that_read() -> None:
    line = next(x for x in WORKER.splitlines() if "protocol.READS" in x and "new Set" in x)
    assert tuple(re.findall(r"'(\w+)'", line)) == protocol.READS


def test_only_the_reading_calls_ask_mixpanel_js_anything() -> None:
    """Every call of the surface, with settings that reach every read, on CPython: only the
    calls in protocol.READS make a getter call (the worker runs the others without waiting)."""
    from integration.analytics import Analytics
    from integration.identity import MemoryStorage
    from tests.fakes import RecordingConsole, RecordingMixpanel

    settings = {"token": "t", "people": True, "groupIdentifierTraits": ["company"]}
    mixpanel = RecordingMixpanel()
    analytics = Analytics(settings, mixpanel, console=RecordingConsole(), storage=MemoryStorage())
    calls = [
        ("identify", ["u1", {"tags": ["a"], "email": "a@b.co"}]),
        ("track", ["T", {"revenue": 1, "tags": ["a"]}]),
        ("page", ["C", "N", {"p": 1}]),
        ("screen", ["S"]),
        ("group", ["g1", {"company": "acme", "tags": ["x"]}]),
        ("alias", ["u2", "u1"]),
        ("reset", []),
        ("setAnonymousId", ["anon"]),
        ("pageview", ["/x"]),
        ("consent", [True]),
    ]
    reading = set()
    for method, args in calls:
        before = len(mixpanel.calls)
        analytics.dispatch(method, args, {})
        if any(name in GETTERS for name, _ in mixpanel.calls[before:]):
            reading.add(method)
    assert reading == {"identify", "alias"}
    assert reading <= set(protocol.READS)


def test_the_worker_sends_the_mirror_after_exactly_the_identity_calls() -> None:
    line = next(x for x in WORKER.splitlines() if "protocol.IDENTITY" in x and "new Set" in x)
    assert tuple(re.findall(r"'(\w+)'", line)) == protocol.IDENTITY


def test_calls_outside_identity_change_no_user_or_group_without_writing_storage() -> None:
    from integration.analytics import Analytics
    from integration.identity import MemoryStorage
    from tests.fakes import RecordingConsole, RecordingMixpanel

    storage = MemoryStorage()
    analytics = Analytics(
        {"token": "t"}, RecordingMixpanel(), console=RecordingConsole(), storage=storage
    )
    calls = [
        ("track", ["T", {"a": 1}, {"anonymousId": "per-call", "userId": "per-call"}]),
        ("page", ["C", "N"]),
        ("screen", ["S"]),
        ("pageview", ["/x"]),
        ("addSourceMiddleware", [lambda ctx: ctx.next(ctx.payload)]),
        ("track", ["After Middleware"]),
    ]
    for method, args in calls:
        before = (analytics.entity("user"), analytics.entity("group"), dict(storage.data))
        analytics.dispatch(method, args, {})
        assert (analytics.entity("user"), analytics.entity("group")) == before[:2], method
        assert method in protocol.IDENTITY or dict(storage.data) == before[2], method


def literal_keys(body: str) -> set[str]:
    """The keys of an object literal's text (its inner blocks taken out first)."""
    inner = body[1:-1]
    while re.search(r"\{[^{}]*\}", inner):
        inner = re.sub(r"\{[^{}]*\}", "", inner)
    return set(re.findall(r"(\w+): ", inner))


def api_uses() -> dict[str, dict[str, set[str]]]:
    """file -> {'read': names, 'set': names} of the page's `api` object in static/."""
    out = {}
    for path in sorted([*STATIC.glob("*.mjs"), STATIC / "analytics.js"]):
        text = path.read_text(encoding="utf-8")
        used = set(re.findall(r"\bapi\.(\w+)", text))
        assigned = set(re.findall(r"\bapi\.(\w+) = (?!=)", text))
        openings = ["Object.assign(api, {"] * text.count("Object.assign(api, {")
        if path.name == "analytics.js":
            openings.append("var api = {")  # the stub's literal
        for opening in openings:
            assigned |= literal_keys(block(text, opening))
        out[path.name] = {"read": used | assigned, "set": assigned}
    return out


def test_every_field_of_the_page_api_is_declared_and_used() -> None:
    uses = api_uses()
    seen = set().union(*(u["read"] for u in uses.values()))
    assert seen == set(protocol.PAGE_API)


def test_only_the_declared_files_set_a_field_of_the_page_api() -> None:
    setters = {
        name: {f for f, u in api_uses().items() if name in u["set"]} for name in protocol.PAGE_API
    }
    wrong = {n: s for n, s in setters.items() if s - set(protocol.PAGE_API[n][0])}
    assert wrong == {}
    assert all(setters.values()), [n for n, s in setters.items() if not s]

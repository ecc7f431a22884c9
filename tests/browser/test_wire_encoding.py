"""The page encodes a call's arguments to wire JSON at call time. Plain arguments take the quick
path (JSON.stringify natively, then a check that gives up on anything the codec tags);
everything else is walked value by value. Both must write the same text for every input.

Once live, a call's id comes from boot-wire.mjs's pool of random bytes: v4 UUIDs, none twice."""

from __future__ import annotations

import re
from typing import Any

# Each case is one call's argument list, built in the page. The walker's answer comes from the
# same list with a page callback appended (a function sends it down the walked path), taken off
# again after.
CASES = """[
  ['Signed Up', {plan: 'pro', n: 1, f: 1.5, yes: true, none: null, gone: undefined,
    list: [1, undefined, 'x', {q: 2}], nested: {a: {b: {c: [1, 2]}}}}],
  [undefined, null, 'only', -0, [ , 1]],
  ['E', {when: new Date(5)}], ['E', {n: NaN}], ['E', {i: -Infinity}], ['E', {f() {}}],
  ['E', {s: Symbol('x')}], ['E', {b: 10n}], ['E', {'\\u0000k': 1}], ['E', {v: 'a\\u0000b'}],
  ['E', deep(80, false)], ['E', deep(66, true)], ['E', deep(60, false)], ['E', cycle()],
  ['E', new Map([['a', 1]])], ['E', new Set([1])], ['E', new Uint8Array([1, 2])],
  ['E', Object.assign(Object.create(null), {x: 1})], ['E', {toJSON() { return 'x'; }, a: 1}],
  ['E', boom()], ['E', JSON.parse('{"__proto__": 1, "a": 2}')], ['E', new Thing()],
  ['E', {emoji: '\\ud83d\\ude00', lone: '\\ud800'}],
  ['E', shared()], ['E', {inner: {toJSON() { return 1; }}}], ['E', {d: [new Date(1)]}],
]"""

COMPARE = (
    """async () => {
  const deep = (n, arrays) => {
    let v = arrays ? [] : {};
    for (let i = 0; i < n; i++) v = arrays ? [v] : {x: v};
    return v;
  };
  const cycle = () => { const o = {a: 1}; o.self = o; return o; };
  const boom = () => Object.defineProperty({ok: 1}, 'no', {
    enumerable: true, get() { throw new Error('no'); }});
  class Thing { constructor() { this.a = 1; } }
  const shared = () => { const s = {x: [1]}; return {a: s, b: [s, s]}; };
  const file = performance.getEntriesByType('resource').map((r) => r.name)
    .find((n) => /boot-wire\\.[0-9a-f]+\\.mjs$/.test(n));
  const {encode} = await import(file);
  const api = {callbacks: {}, nextCallback: 1};
  const walked = (args) => {
    const all = JSON.parse(encode(api, [...args, () => 0]));
    all.pop();
    return JSON.stringify(all);
  };
  return ("""
    + CASES
    + """).map((args) => [encode(api, args), walked(args)]);
}"""
)


def test_plain_and_odd_arguments_encode_as_the_walker_encodes_them(tp: Any) -> None:
    page = tp.open("wire-encoding")
    pairs = page.evaluate(COMPARE)
    assert len(pairs) == 26
    assert [quick for quick, _ in pairs] == [walked for _, walked in pairs]
    assert pairs[0][0].startswith('["Signed Up",{"plan":"pro","n":1,"f":1.5,"yes":true,')
    assert '"\\u0000":"date","v":5' in pairs[2][0]  # a date stays tagged


NEW_IDS = """async () => {
  const file = performance.getEntriesByType('resource').map((r) => r.name)
    .find((n) => /boot-wire\\.[0-9a-f]+\\.mjs$/.test(n));
  const {newId} = await import(file);
  return Array.from({length: 1000}, () => newId());
}"""


def test_call_ids_from_the_pool_are_v4_uuids_and_never_repeat(tp: Any) -> None:
    page = tp.open("wire-encoding")
    ids = page.evaluate(NEW_IDS)  # 1,000 ids: the 4,096-byte pool is refilled three times
    assert len(set(ids)) == 1000
    v4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    assert all(v4.match(x) for x in ids), [x for x in ids if not v4.match(x)][:3]

"""The hand-written matchers that replaced regular expressions (MicroPython's `re` cannot run
them) agree with those expressions on CPython, for any text."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from integration import dates, jsnumbers
from integration import jsvalues as lookup
from integration.mixpanel import events, traits
from tests.examples import examples

ISO = re.compile(
    r"([0-9]{4})(?:-?([0-9]{2})(?:-?([0-9]{2}))?)?"
    r"(?:([ T])([0-9]{2}):?([0-9]{2})(?::?([0-9]{2})(?:[,.]([0-9]+))?)?"
    r"(?:(Z)|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?"
)
STRICT_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LEADING_INT = re.compile(r"\s*([+-]?[0-9]+)")
FLOAT_PREFIX = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
INDEX_KEY = re.compile(r"0|[1-9][0-9]*")
NOT_KEY_CHARS = re.compile(r"[^A-Za-z0-9.]+")
ORDER_COMPLETED = re.compile(r"[ _]?completed[ _]?order|[ _]?order[ _]?completed[ _]?\Z", re.I)
# JavaScript's /.+@.+\..+/.test(): found anywhere, `.` stopping at \n, \r, \u2028 and \u2029.
EMAIL = re.compile(r"[^\n\r\u2028\u2029]+@[^\n\r\u2028\u2029]+\.[^\n\r\u2028\u2029]+")

# Texts made of the characters these patterns care about, so matches are frequent.
ISO_TEXT = st.text(alphabet="0123456789-:T Z+,.x", max_size=32)
NUMBER_TEXT = st.text(alphabet="0123456789+-.eEInfity \t\u00a0\u3000x", max_size=16)
WORDS = st.lists(
    st.sampled_from(["completed", "order", "COMPLETED", "Order", " ", "_", "x", "d", "\n"]),
    max_size=6,
).map("".join)
EMAILS = st.text(alphabet="ab@.\n\r\u2028\u2029 ", max_size=12)


@settings(max_examples=examples(3000))
@given(ISO_TEXT)
def test_iso_matcher_is_the_isodate_pattern(text: str) -> None:
    found = ISO.fullmatch(text)
    assert dates._iso_groups(text) == (list(found.groups()) if found else None)
    assert dates._strict_start(text) == bool(STRICT_START.match(text))


@settings(max_examples=examples(2000))
@given(NUMBER_TEXT | st.text(max_size=12))
def test_number_scanners_are_the_patterns(text: str) -> None:
    leading = LEADING_INT.match(text)
    assert dates._leading_int(text) == (int(leading.group(1)) if leading else None)
    prefix = FLOAT_PREFIX.match(text)
    assert jsnumbers._float_prefix(text) == (prefix.group(0) if prefix else None)
    assert lookup.is_index_key(text) == bool(INDEX_KEY.fullmatch(text) and int(text) < 4294967295)
    assert lookup.normalize(text) == NOT_KEY_CHARS.sub("", text).lower()
    runs = [len(run) for run in re.findall(r"[0-9]+", text)]
    assert dates._longest_digit_run(text) == max(runs, default=0)


@settings(max_examples=examples(2000))
@given(WORDS)
def test_order_completed_is_the_pattern(text: str) -> None:
    assert events.order_completed(text) == bool(ORDER_COMPLETED.match(text))


@settings(max_examples=examples(2000))
@given(EMAILS | st.text(max_size=10))
def test_email_test_is_the_pattern(text: str) -> None:
    assert traits._looks_like_email(text) == bool(EMAIL.search(text))


def test_portable_date_strings_pad_the_year_like_javascript() -> None:
    stamp = dates.parse_iso("2020-01-02T03:04:05.123Z")
    assert not isinstance(stamp, dates.InvalidDate)
    assert dates.to_iso(stamp) == "2020-01-02T03:04:05.123Z"
    assert dates.js_date_string(stamp) == (
        "Thu Jan 02 2020 03:04:05 GMT+0000 (Coordinated Universal Time)"
    )
    early = dates.from_millis(-62_000_000_000_000)
    assert not isinstance(early, dates.InvalidDate)
    assert dates.to_iso(early).startswith("0005-")


def test_js_lower_asks_the_hook_only_for_non_ascii_text_where_str_lower_is_ascii_only(
    monkeypatch: Any,
) -> None:
    asked: list[str] = []

    def browser_lower(text: str) -> str:
        asked.append(text)
        return text.lower()  # CPython's is JavaScript's here

    monkeypatch.setattr(lookup, "FULL_LOWER", False)
    assert lookup.js_lower("Logged In", browser_lower) == "logged in"
    assert asked == []
    assert lookup.js_lower("ÉTÉ", browser_lower) == "été"
    assert asked == ["ÉTÉ"]


def test_js_lower_without_a_hook_is_str_lower() -> None:
    assert lookup.FULL_LOWER  # CPython
    assert lookup.js_lower("ÉTÉ Réservé") == "été réservé"

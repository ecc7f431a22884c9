"""The benchmark's per-call rounds: how a run's rounds become the per-call figures and the
target's verdict (bench/rounds.py, bench/targets19.py). No browser: made-up rounds."""

from __future__ import annotations

from bench.report19 import Figures, after_rows
from bench.rounds import paired_ratios, pooled, ratio_median
from bench.targets19 import call_targets


def rounds_run(**per_call: list[float]) -> dict:
    return {"rounds": {"per_call": per_call, "failed": {}}}


def test_each_ratio_compares_a_page_with_direct_in_the_same_round() -> None:
    runs = [
        rounds_run(mixpanel=[20.0, 30.0], default=[21.0, 30.0]),
        rounds_run(mixpanel=[10.0], default=[12.0]),
    ]
    assert paired_ratios(runs, "default") == [1.05, 1.0, 1.2]
    assert ratio_median(runs, "default") == 1.05
    assert pooled(runs, "default") == [21.0, 30.0, 12.0]


def test_a_page_that_did_not_open_has_no_ratio() -> None:
    runs = [rounds_run(mixpanel=[20.0, 30.0])]
    assert paired_ratios(runs, "default") == []
    assert ratio_median(runs, "default") is None


def test_the_per_call_target_is_judged_on_the_median_of_the_rounds_ratios() -> None:
    # Ratio of the pooled medians would be 25/20 = 1.25; the rounds' ratios are 1.05, 1.05, 2.0.
    m = Figures([rounds_run(mixpanel=[20.0, 40.0, 10.0], default=[21.0, 42.0, 20.0])])
    rows = {what: (got, verdict) for what, got, verdict in call_targets(m)}
    got, verdict = next(v for k, v in rows.items() if "per call" in k and "default" in k.lower())
    assert verdict == "met"
    assert "1.05×" in got and "3 rounds" in got
    m = Figures([rounds_run(mixpanel=[20.0, 40.0, 10.0], default=[24.0, 48.0, 12.0])])
    rows = {what: (got, verdict) for what, got, verdict in call_targets(m)}
    got, verdict = next(v for k, v in rows.items() if "per call" in k and "default" in k.lower())
    assert verdict.startswith("missed") and "1.20×" in verdict


def test_the_after_ready_table_takes_per_call_from_the_rounds() -> None:
    m = Figures([rounds_run(mixpanel=[20.0, 40.0], default=[22.0, 44.0])])
    table = "\n".join(after_rows(m))
    assert "(rounds)" in table
    line = next(x for x in table.splitlines() if x.startswith("| default install"))
    assert "1.10×" in line and "33.0 ms (22.0–44.0)" in line

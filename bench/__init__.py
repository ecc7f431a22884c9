"""The benchmark behind BENCHMARKS.md (``bash scripts/bench.sh``), never shipped.

- ``run.py``: the entry point; startup on both profiles, short visits, per call, the report.
- ``pages.py``: the pages compared (mixpanel.js direct, the default install, each runtime).
- ``browser.py``: Chromium, the throttling profiles, the bench's own server and collector.
- ``visits.py``: short visits on the mobile profile; ``chart.py`` draws them as SVG.
- ``percall.py``: one call taken apart in a warm tab; ``report.py`` writes BENCHMARKS.md.
"""

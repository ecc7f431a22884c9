"""Shared test settings, and the browser engines' versions at the start of a run.

Hypothesis's per-example deadline measures this machine's load, not our code (a property test
failed with DeadlineExceeded only while other browser runs shared the 2 cores): turn it off for
every property test. The example counts stay in tests/examples.py.
"""

from __future__ import annotations

import pytest
from hypothesis import settings

settings.register_profile("project", deadline=None)
settings.load_profile("project")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Each engine's version (Debian updates them: none is written down anywhere), unless the
    run leaves the browser tests out."""
    if "not browser" in (config.getoption("markexpr", "") or ""):
        return []
    from devtools.engines import versions

    return ["engines: " + "; ".join(f"{k}: {v}" for k, v in versions().items())]

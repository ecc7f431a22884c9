"""Shared test settings.

Hypothesis's per-example deadline measures this machine's load, not our code (a property test
failed with DeadlineExceeded only while other browser runs shared the 2 cores): turn it off for
every property test. The example counts stay in tests/examples.py.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("project", deadline=None)
settings.load_profile("project")

"""How many examples each property test tries.

The unit run is kept under 10 s: every property test tries a tenth of its full count (the
counts below are the full ones, chosen for the corpus and for a deliberate deep run). Set
``FULL_EXAMPLES=1`` to try them all; tests/portable/corpus.py does, so the MicroPython corpus
keeps every session it had.
"""

from __future__ import annotations

import os

FULL = os.environ.get("FULL_EXAMPLES") == "1"
SHARE = 10


def examples(full: int) -> int:
    """`full` when FULL_EXAMPLES=1, else a tenth of it (never fewer than 30)."""
    return full if FULL else max(30, full // SHARE)

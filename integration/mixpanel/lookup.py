"""Moved: JavaScript value semantics are integration/jsvalues.py now. This name stays only so
branches written before the move keep importing; new code imports integration.jsvalues."""

from integration.jsvalues import *  # noqa: F403
from integration.jsvalues import describe, js_keys, js_lower, js_string  # noqa: F401

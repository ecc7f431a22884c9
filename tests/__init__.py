"""The tests (``bash scripts/test.sh``): ``unit/`` runs on CPython alone (no browser, no
node_modules); ``browser/`` drives Debian's Chromium through pytest-playwright against the dev
server and its collector, on both runtimes; ``portable/`` holds what also runs on MicroPython.
``fakes.py`` is the one recording fake of mixpanel.js and the console; ``helpers.py`` holds the
set-ups the unit tests share (the destination or the facade on those fakes); ``examples.py`` sets
how many examples each property test tries. Fixtures live in conftest files;
``unit/test_suite_rules.py`` keeps the suite's own rules (no long test, no helper defined twice,
no fixed sleep, no import cycle)."""

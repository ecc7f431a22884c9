"""The tests (``bash scripts/test.sh``): ``unit/`` runs on CPython alone (no browser, no
node_modules); ``browser/`` drives Debian's Chromium through pytest-playwright against the dev
server and its collector, on both runtimes; ``portable/`` holds what also runs on MicroPython.
``fakes.py`` is the one recording fake of mixpanel.js and the console; ``examples.py`` sets
how many examples each property test tries."""

"""The cross-engine tests (test_engines.py): Chromium, Firefox ESR and WebKitGTK."""

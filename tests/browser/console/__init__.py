"""The QA console tests (test_console.py): one console page, set up once for the module."""

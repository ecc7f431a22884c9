"""The mobile profile of the boot tests (their pages, with the browser's HTTP cache on, are
devtools/harness.py's CachedPage and html)."""

# Lighthouse's mobile defaults: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower.
MOBILE = {"offline": False, "latency": 150, "downloadThroughput": 200000, "uploadThroughput": 93750}

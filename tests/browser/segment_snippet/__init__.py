"""The Segment snippet tests (test_segment_snippet.py): their own dev server and pages."""

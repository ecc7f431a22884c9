"""What runs unchanged on MicroPython too: the behaviour-corpus runner and its builder."""

"""The simulator engine: plain Python, no Qt (DESIGN §1)."""

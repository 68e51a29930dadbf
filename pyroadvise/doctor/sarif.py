"""doctor: sarif (being written)."""

"""doctor: checks (being written)."""

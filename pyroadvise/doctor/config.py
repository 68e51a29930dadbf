"""doctor: config (being written)."""

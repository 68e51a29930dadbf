"""doctor: versions (being written)."""

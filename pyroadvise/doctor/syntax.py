"""doctor: syntax (being written)."""

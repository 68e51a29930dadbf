"""doctor: layers (being written)."""

"""doctor: walk (being written)."""

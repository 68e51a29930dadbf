"""doctor: alloy (being written)."""

"""doctor: forfix (being written)."""

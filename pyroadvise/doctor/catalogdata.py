"""doctor: catalogdata (being written)."""

"""How much of a catalog file pyroadvise reads and parses (a hostile file is cut off at these)."""

MAX_BYTES = 2_000_000  # per file, checked before and while reading
MAX_NODES = 200_000  # YAML values per file, after alias expansion
MAX_DEPTH = 40  # levels of nesting

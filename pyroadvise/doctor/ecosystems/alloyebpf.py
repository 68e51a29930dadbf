"""Alloy components (pyroscope.ebpf, .java, .scrape, .write) and their checks (being written)."""

LANGUAGE = "ebpf"

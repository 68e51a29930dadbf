"""Go: the pyroscope-go push SDK and net/http/pprof pulled by Alloy (being written)."""

LANGUAGE = "go"

"""pyroadvise: pick the right Grafana Pyroscope profile type, from the terminal."""

__version__ = "0.1.0"

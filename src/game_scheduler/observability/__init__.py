"""Metrics, structured logs and the metrics/health HTTP endpoint: usable by every process."""

"""Benchmarks: scripts run as `.venv/bin/python -m bench.<name>`, printing figures (never timed
assertions in tests)."""

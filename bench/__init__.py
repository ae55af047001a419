"""Benchmarks that print figures; `make bench` runs them all and writes bench/report.md."""

"""Operator tools: the `atelier` command."""

"""Marshmallow schemas for what enters and leaves the payments service."""

"""Marshmallow schemas for what enters and leaves the catalog service."""

"""Marshmallow schemas for what enters and leaves the shipping service."""

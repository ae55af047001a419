"""Marshmallow schemas for what enters and leaves the notifications service."""

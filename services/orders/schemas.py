"""Marshmallow schemas for what enters and leaves the orders service."""

"""Marshmallow schemas for what enters and leaves the moderation service."""

"""Pure rules of the moderation service: no I/O, no framework imports."""

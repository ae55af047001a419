"""Notification routes: a user's in-app notices (the notifications service)."""

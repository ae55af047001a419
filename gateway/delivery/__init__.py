"""Delivery routes: a shop's delivery methods and quotes (the shipping service)."""

"""The orders service: Carts, checkout, orders and their lifecycle, messages, private notes, reviews."""

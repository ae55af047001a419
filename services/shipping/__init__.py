"""The shipping service: Delivery methods, rate tables, quotes, shipments and tracking."""

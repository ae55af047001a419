"""Cart, checkout and order routes (the orders service; shipping for shipments)."""

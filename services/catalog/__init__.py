"""The catalog service: Shops, products, options, stock, collections, search and sorting, labels."""

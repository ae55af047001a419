"""Catalog routes: categories, shops, products, global options, collections, quotes, the storefront
and the admin's product labels (the catalog service)."""

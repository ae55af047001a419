"""The catalog's use cases, one module per area: each function takes the worker's session (one
transaction, opened by the entrypoint), loads, calls the domain, saves and records events.

common      ids, time, loading shops and products with their ownership checks
views       the payloads that leave the service (shop, product, listing card, option, collection)
signals     popularity and `listed` kept up to date when their inputs change
shops       create, read, change a shop; vacation; a seller's shop
products    create, read, change, disable a product; views; admin labels
pricing     quotes for one product, and for checkout's lines
options     a shop's global options; collections
listing     the storefront: filters, text search, sort orders, pages
stock       reservations for checkout: reserve, commit, release, fulfil
effects     what other services' events do here (sanctions, verification, orders, reviews, carts)
"""

"""The catalog's use cases, one module per area. Each action is `fn(uow, caller, data)`: the
worker's unit of work, who is calling, and the input its entrypoint loaded. It opens its own
transaction(s) (`with uow:`), or reads outside one (`with uow.reading()`), authorizes before it
checks the catalog's rules, loads, calls the domain, saves and records events (`uow.record`).
What other services' events do (`effects`) takes the handler's unit of work and the event's data.

common      ids, time, loading shops and products with their ownership checks
views       the payloads that leave the service (shop, product, listing card, option, collection)
signals     popularity and `listed` kept up to date when their inputs change
shops       create, read, change a shop; vacation; a seller's shop
products    create, read, change, disable a product; views; admin labels
pricing     quotes for one product, and for checkout's lines
options     a shop's global options; collections
listing     the storefront: filters, text search, sort orders, pages
storefront  the listing as an action; the service's health
stock       reservations for checkout: reserve, commit, release, fulfil
effects     what other services' events do here (sanctions, verification, orders, reviews, carts)
imports     an operator's bulk import of shops and products (`atelier seed`), each body loaded
            and checked there as its one-by-one entrypoint and action would
"""

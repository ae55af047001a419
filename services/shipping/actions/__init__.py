"""The shipping service's use cases, one module per area.

Every action is `fn(uow, caller, data)` (or `fn(uow, data)` when anyone may call it): it opens its
transactions with `with uow:`, reads with `with uow.reading()`, and calls other services
(`uow.peers`, `peers.py`) only outside a transaction. It authorizes the caller before it checks a
body.

- `access`     who may act on a shop's methods and on an order's shipments
- `following`  shops and orders learnt from events (owners, sellers, statuses)
- `methods`    create, list, get and change a shop's delivery methods (own and universal)
- `quotes`     which enabled methods fit an order and what they cost; a buyer's quote; checkout's price
- `shipments`  tracks added by sellers, listed per order
- `tracking`   the carrier poller: claim due shipments, ask the carriers, record changes
- `deadlines`  orders waiting for shipping details (learnt from order events), and the overdue job
"""

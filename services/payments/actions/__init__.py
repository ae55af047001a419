"""The payments service's use cases, one module per area.

Every action is `fn(uow, caller, data)` (with the service's `kit` of providers and keys where it
needs one): it opens its transactions with `with uow:`, reads with `uow.reading()`, and calls other
services (`uow.peers`) and payment providers only outside a transaction. It authorizes the caller
before it checks a body.

- `access`    who may act on a shop's settings, an order's payments, a payment's refunds
- `following` shops and orders learnt from events (owners, statuses, totals)
- `plans`     a shop's tariff plan (admin)
- `shop_settings` a shop's provider, credentials (encrypted), timing, surcharge; switching on
- `payments`  paying a part of an order; listing an order's payments and refunds
- `webhooks`  provider notifications applied once; the reconciliation of pending payments
- `refunds`   refunds never over what was paid
"""

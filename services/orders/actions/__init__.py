"""The orders service's use cases, one module per area. Each is `fn(uow, caller, data)` (event
handlers `fn(uow, data)`): it opens its transaction with `with uow:`, loads, lets the domain decide,
saves and records events in the outbox in that same transaction; it calls other services through
`uow.peers` with no transaction open.

common        loading an order, who the caller is to it, applying a move (history + event), views
cart          the buyer's cart, grouped by shop
checkout      cart groups → one order per shop, stock reserved through the catalog, idempotent
seller_orders an order the seller adds on a customer's behalf
recovery      stock of checkouts that died half-way released; holds of written orders committed
lifecycle     confirm, cancel, pay outside, production, balance, receive, close; delivery cost and
              amount changes (applied or a request to the admin)
fulfilment    payment.succeeded, shipment.created, shipment.status_changed
conversation  messages, private notes, reviews
listing       one order, the buyer's and seller's lists, the customer card's counts
deadlines     the timer's work: expire, auto-close, overdue and admin flags, then recovery
"""

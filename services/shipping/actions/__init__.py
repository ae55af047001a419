"""The shipping service's use cases, one module per area.

Each opens nothing itself except where noted: entrypoints hand in a session inside
`db.transaction()` (or the `Db`, for the jobs that must call carriers between transactions).

- `methods`    create, list, get and change a shop's delivery methods (own and universal)
- `quotes`     which enabled methods fit an order and what they cost; checkout's price
- `shipments`  tracks added by sellers, listed per order
- `tracking`   the carrier poller: claim due shipments, ask the carriers, record changes
- `deadlines`  orders waiting for shipping details (learnt from order events), and the overdue job
"""

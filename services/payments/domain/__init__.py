"""Pure rules of the payments service: no I/O, no framework imports.

- `plans`          tariff plans (commission, online payment allowed)
- `shop_settings`  credentials without stray spaces; when online payment may be switched on
- `payments`       which part of an order may be paid when, and how much; receipt positions
- `refunds`        never more than was paid
- `refund_obligations` a refund owed after a paid order is cancelled, and when it is overdue
- `signatures`     HMAC-signed notifications
- `errors`         typed refusals
"""

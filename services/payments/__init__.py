"""The payments service: Payment settings per shop, provider adapters and webhooks, refunds, the seller ledger."""

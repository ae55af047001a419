"""The shared kernel: event contracts, outbox and inbox, database sessions, clock, money, errors, settings.

Services import this package and nothing of each other.
"""

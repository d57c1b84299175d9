"""Delivery: the outbox (its states, kinds and inserts), the sender, send-rate limits, message
splitting and the transport protocol (`telegram_transport` is its Bot API implementation).

May import the store and the domain's data types; only `telegram_transport` imports `telegram`.
"""

"""Scheduled delivery: the tick, editions, the outbox and the sender."""

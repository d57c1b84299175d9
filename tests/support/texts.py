"""Texts the tests expect the bot to send, written out here (the bot renders them from
briefings/ templates)."""

REFUSAL = "Sorry, that command is for Sitrep admins only."
PRIVATE_LINE = "This Sitrep is private; ask an admin for access."

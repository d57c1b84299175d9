"""Helpers shared by the tests: the bot harness, test databases, data builders, virtual time and
the child processes some tests start. Test modules import only from here, never each other."""

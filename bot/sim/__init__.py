"""The offline simulation: an in-process Bot API (`bot.sim.api`), the local chat and the benchmarks.

Only `bot.cli` and the tests import it; production paths never do.
"""

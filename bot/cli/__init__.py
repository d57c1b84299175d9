"""The `sitrep` command line: one module per verb group, each a thin call into the container.

May import every other part; nothing imports it but `bot.__main__` and the console script.
"""

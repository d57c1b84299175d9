"""Language engines behind the domain's parsing port (``bot.domain.ingest.parsing``).

Importing this package imports no engine: models load on the first parse.
"""

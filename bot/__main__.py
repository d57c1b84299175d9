"""`python -m bot` runs the sitrep CLI."""

from bot.cli.main import main

main()

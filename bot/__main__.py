"""`python -m bot` runs the sitrep CLI."""

from bot.cli import main

main()

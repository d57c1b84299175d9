"""Ingest: article text cleaning and the extraction of dated, placed events from it."""

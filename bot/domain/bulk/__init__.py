"""Bulk import and export: ACLED CSV, JSON Lines, and the importer that stores them."""

"""Editions: composing briefings, their schedule, key figures, admin pushes and alerts."""

"""Observing runs, linking night logs: list, show, create, update, delete."""

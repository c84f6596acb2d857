"""Targets: list, show, create (by name or coordinates), update, delete, import a CSV."""

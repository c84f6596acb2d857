"""Instruments: list and show."""

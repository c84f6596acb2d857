"""Observations and calibrations, the frames the server found in data files: list and show."""

"""Exoplanets: ``exoplanet list [--star NAME]`` and ``exoplanet show NAME``."""

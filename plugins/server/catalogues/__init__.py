"""Offline catalogues behind ``objects/<name>/``: names normalised, every source tried in turn."""

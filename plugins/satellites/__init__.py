"""Earth satellites from their TLE, with where they are now: list and show."""

"""A night's summary: what it holds and what is missing to reduce it, from files or the server."""

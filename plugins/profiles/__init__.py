"""The user's portals: ``arcsecond portal list`` (``whoami`` is in the core)."""

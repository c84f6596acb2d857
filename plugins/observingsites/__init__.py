"""Observing sites, read-only: ``arcsecond observingsite list|show``."""

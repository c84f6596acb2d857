"""Telescopes, read-only: ``arcsecond telescope list|show`` (and ``arcsecond telescopes``)."""

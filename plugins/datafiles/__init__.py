"""Data files: ``arcsecond datafile list|show|download|update|delete``."""

"""Data packages: ``arcsecond datapackage list|show|create|update|delete``."""

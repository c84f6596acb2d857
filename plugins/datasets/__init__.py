"""Datasets: ``arcsecond dataset list|show|create|update|delete`` (and ``arcsecond datasets``)."""

"""Night logs: ``arcsecond nightlog list|show|create|update|delete``."""

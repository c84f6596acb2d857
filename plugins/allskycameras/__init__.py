"""All-sky cameras: ``arcsecond allskycamera ...`` and ``api.allskycameras``."""

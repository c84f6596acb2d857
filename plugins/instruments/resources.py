"""How the Python module reaches instruments, by uuid or name (``ArcsecondAPI().instruments``)."""

from arcsecond_core.api import ResourceSpec

INSTRUMENTS = ResourceSpec("instruments", portal_scoped=False, singular="instrument")

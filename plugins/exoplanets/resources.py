"""How the Python module reaches exoplanets, by name (``ArcsecondAPI().exoplanets``)."""

from arcsecond_core.api import ResourceSpec

EXOPLANETS = ResourceSpec("exoplanets", id_field="name", name_field=None,
                          portal_scoped=False, singular="exoplanet")

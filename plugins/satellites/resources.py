"""How the Python module reaches satellites, by NORAD number (``ArcsecondAPI().satellites``)."""

from arcsecond_core.api import ResourceSpec

SATELLITES = ResourceSpec("satellites", id_field="norad_number", name_field=None,
                          portal_scoped=False, singular="satellite")

"""How the Python module reaches objects, by name (``ArcsecondAPI().objects``)."""

from arcsecond_core.api import ResourceSpec

OBJECTS = ResourceSpec("objects", id_field="name", name_field=None, portal_scoped=False,
                       singular="object")

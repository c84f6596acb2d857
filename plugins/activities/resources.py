"""How the Python module reaches activities, by id, in a portal when one is chosen."""

from arcsecond_core.api import ResourceSpec

ACTIVITIES = ResourceSpec("activities", id_field="id", name_field=None, singular="activity")

"""How the Python module reaches observing runs, by uuid or name, in a portal when chosen."""

from arcsecond_core.api import ResourceSpec

OBSERVINGRUNS = ResourceSpec("observingruns", singular="observing run")

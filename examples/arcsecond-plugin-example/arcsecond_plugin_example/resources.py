"""API resources this plugin declares (listed in its plugin object, ``plugin.py``).

Names are shared by every installed plugin, so they carry this plugin's prefix.
"""

from arcsecond_core.plugin import ResourceSpec

OBSERVATIONS = ResourceSpec("observations", id_field="id", name_field=None, singular="observation")
CALIBRATIONS = ResourceSpec("calibrations", id_field="id", name_field=None, singular="calibration")

"""API resources this plugin declares (entry point group ``arcsecond.resources``).

``ArcsecondAPI`` exposes each one under its entry point name: ``api.example_observations``.
Names are shared by every installed plugin, so they carry this plugin's prefix.
"""

from arcsecond_core.api import ResourceSpec

OBSERVATIONS = ResourceSpec("observations", id_field="id", name_field=None, singular="observation")
CALIBRATIONS = ResourceSpec("calibrations", id_field="id", name_field=None, singular="calibration")

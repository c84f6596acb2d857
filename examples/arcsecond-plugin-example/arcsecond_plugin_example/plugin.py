"""The plugin object: what this distribution adds to ``arcsecond``.

The one entry point in ``setup.cfg`` names it, in the ``arcsecond.plugins`` namespace. The CLI
loads it at start-up, so it imports nothing heavy: commands and the global-option function are
named by ``"module:attribute"`` paths and imported only when used.
"""

from arcsecond_core.plugin import Plugin

from arcsecond_plugin_example.resources import CALIBRATIONS, OBSERVATIONS

PLUGIN = Plugin(
    name="example",
    description="Dataset statistics, observations and calibrations (an example plugin)",
    commands={
        "dataset stats": "arcsecond_plugin_example.stats:DatasetStats",
        "example observation list": "arcsecond_plugin_example.observations:ListObservations",
        "example observation show": "arcsecond_plugin_example.observations:ShowObservation",
        "example calibration list": "arcsecond_plugin_example.observations:ListCalibrations",
        "example calibration show": "arcsecond_plugin_example.observations:ShowCalibration",
    },
    # ArcsecondAPI exposes each resource under its name: ``api.example_observations``.
    resources={"example_observations": OBSERVATIONS, "example_calibrations": CALIBRATIONS},
    global_options="arcsecond_plugin_example.options:add_global_options",
    # Its commands read data files and datasets, which these first-party plugins provide.
    needs_plugins=("datasets", "datafiles"),
)

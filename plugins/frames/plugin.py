"""The frames plugin: ``arcsecond observation list|show`` and ``calibration list|show``."""

from arcsecond_core.plugin import Plugin

COMMANDS = "arcsecond_plugins.frames.commands"

PLUGIN = Plugin(
    name="frames",
    description="Observations and calibrations, the frames found in data files: list and show",
    commands={
        "observation list": f"{COMMANDS}:ListObservation",
        "observation show": f"{COMMANDS}:ShowObservation",
        "calibration list": f"{COMMANDS}:ListCalibration",
        "calibration show": f"{COMMANDS}:ShowCalibration",
    },
    # The observations and calibrations resources are declared by the night logs plugin.
    needs_plugins=("nightlogs", "datasets"),
)

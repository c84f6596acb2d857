"""The night logs plugin: ``arcsecond nightlog ...``, ``api.nightlogs`` and the frames in them."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.nightlogs.commands"

PLUGIN = Plugin(
    name="nightlogs",
    description="Night logs: list, show, create, update and delete; their observations and "
    "calibrations",
    commands={
        "nightlog list": f"{COMMANDS}:ListNightLog",
        "nightlog show": f"{COMMANDS}:ShowNightLog",
        "nightlog create": f"{COMMANDS}:CreateNightLog",
        "nightlog update": f"{COMMANDS}:UpdateNightLog",
        "nightlog delete": f"{COMMANDS}:DeleteNightLog",
        "nightlogs": "arcsecond_plugins.nightlogs.legacy:NightLogsOldForm",
        "logs": "arcsecond_plugins.nightlogs.legacy:NightLogsOldForm",
    },
    resources={
        "nightlogs": ResourceSpec("nightlogs", name_field="date", singular="night log"),
        "observations": ResourceSpec("observations", id_field="id", name_field=None,
                                     singular="observation"),
        "calibrations": ResourceSpec("calibrations", id_field="id", name_field=None,
                                     singular="calibration"),
    },
)

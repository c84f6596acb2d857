"""The satellites plugin: ``arcsecond satellite list|show`` and ``api.satellites``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.satellites.commands"

PLUGIN = Plugin(
    name="satellites",
    description="Earth satellites: list, and show with where one is now",
    commands={
        "satellite list": f"{COMMANDS}:ListSatellite",
        "satellite show": f"{COMMANDS}:ShowSatellite",
    },
    resources={
        "satellites": ResourceSpec("satellites", id_field="norad_number", name_field=None,
                                   portal_scoped=False, singular="satellite"),
    },
)

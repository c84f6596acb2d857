"""The exoplanets plugin: ``arcsecond exoplanet list|show`` and ``api.exoplanets``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.exoplanets.commands"

PLUGIN = Plugin(
    name="exoplanets",
    description="Exoplanets: list (of a star) and show",
    commands={
        "exoplanet list": f"{COMMANDS}:ListExoplanet",
        "exoplanet show": f"{COMMANDS}:ShowExoplanet",
        "exoplanets": f"{COMMANDS}:ExoplanetsOldForm",
    },
    resources={
        "exoplanets": ResourceSpec("exoplanets", id_field="name", name_field=None,
                                   portal_scoped=False, singular="exoplanet"),
    },
)

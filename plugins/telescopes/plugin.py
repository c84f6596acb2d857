"""The telescopes plugin: ``arcsecond telescope ...`` and ``api.telescopes``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.telescopes.commands"

PLUGIN = Plugin(
    name="telescopes",
    description="Telescopes: list and show",
    commands={
        "telescope list": f"{COMMANDS}:ListTelescope",
        "telescope show": f"{COMMANDS}:ShowTelescope",
        "telescopes": "arcsecond_plugins.telescopes.legacy:TelescopesOldForm",
    },
    resources={"telescopes": ResourceSpec("telescopes", singular="telescope")},
)

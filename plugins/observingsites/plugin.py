"""The observing sites plugin: ``arcsecond observingsite ...`` and ``api.observingsites``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.observingsites.commands"

PLUGIN = Plugin(
    name="observingsites",
    description="Observing sites: list and show",
    commands={
        "observingsite list": f"{COMMANDS}:ListObservingSite",
        "observingsite show": f"{COMMANDS}:ShowObservingSite",
        "observingsites": "arcsecond_plugins.observingsites.legacy:ObservingSitesOldForm",
        "sites": "arcsecond_plugins.observingsites.legacy:ObservingSitesOldForm",
    },
    resources={"observingsites": ResourceSpec("observingsites", singular="observing site")},
)

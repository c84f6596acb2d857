"""The night plugin: ``arcsecond night show|explore|plan`` and ``api.observability``."""

from arcsecond_core.plugin import Plugin

COMMANDS = "arcsecond_plugins.night.commands"

PLUGIN = Plugin(
    name="night",
    description="Plan a night offline: twilight and the moon, what is observable, a schedule",
    commands={
        "night show": f"{COMMANDS}:ShowNight",
        "night explore": f"{COMMANDS}:ExploreNight",
        "night plan": "arcsecond_plugins.night.plan_command:PlanNight",
    },
    api_extensions={
        "observability": "arcsecond_plugins.night.api:observability",
        "night_events": "arcsecond_plugins.night.api:night_events",
    },
    needs_plugins=("observingsites", "telescopes", "objects"),
)

#: The pip extra that draws charts to files (matplotlib).
PLOT = Plugin(name="night charts", extra="plot", requires=("matplotlib",))

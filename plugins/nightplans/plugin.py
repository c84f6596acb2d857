"""The night plans plugin: ``arcsecond nightplan ...`` and ``api.nightplans``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.nightplans.commands"

PLUGIN = Plugin(
    name="nightplans",
    description="Night plans: list, show, export the observing list, delete",
    commands={
        "nightplan list": f"{COMMANDS}:ListNightPlan",
        "nightplan show": f"{COMMANDS}:ShowNightPlan",
        "nightplan export": "arcsecond_plugins.nightplans.export:ExportNightPlan",
        "nightplan delete": f"{COMMANDS}:DeleteNightPlan",
        "nightplans": f"{COMMANDS}:NightPlansOldForm",
    },
    resources={"nightplans": ResourceSpec(
        "nightplans", name_field="date", singular="night plan",
        client="arcsecond_plugins.nightplans.client:NightPlans")},
    needs_plugins=("targets", "targetlists", "telescopes", "observingsites"),
)

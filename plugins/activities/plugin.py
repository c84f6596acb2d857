"""The activities plugin: ``arcsecond activity ...`` and ``api.activities``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.activities.commands"

PLUGIN = Plugin(
    name="activities",
    description="Activities, the public log of what is observed: list, show, create, update, "
    "delete",
    commands={
        "activity list": f"{COMMANDS}:ListActivity",
        "activity show": f"{COMMANDS}:ShowActivity",
        "activity create": f"{COMMANDS}:CreateActivity",
        "activity update": f"{COMMANDS}:UpdateActivity",
        "activity delete": f"{COMMANDS}:DeleteActivity",
        "activities": f"{COMMANDS}:ActivitiesOldForm",
    },
    resources={
        "activities": ResourceSpec("activities", id_field="id", name_field=None,
                                   singular="activity"),
    },
    needs_plugins=("telescopes", "observingsites", "instruments"),
)

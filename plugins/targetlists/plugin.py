"""The target lists plugin: ``arcsecond targetlist ...`` and ``api.targetlists``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.targetlists.commands"

PLUGIN = Plugin(
    name="targetlists",
    description="Target lists: list, show, create, update, delete, add and remove targets",
    commands={
        "targetlist list": f"{COMMANDS}:ListTargetList",
        "targetlist show": f"{COMMANDS}:ShowTargetList",
        "targetlist create": f"{COMMANDS}:CreateTargetList",
        "targetlist update": f"{COMMANDS}:UpdateTargetList",
        "targetlist delete": f"{COMMANDS}:DeleteTargetList",
        "targetlist add": f"{COMMANDS}:AddTargets",
        "targetlist remove": f"{COMMANDS}:RemoveTargets",
        "targetlists": f"{COMMANDS}:TargetListsOldForm",
    },
    resources={"targetlists": ResourceSpec(
        "targetlists", singular="target list",
        client="arcsecond_plugins.targetlists.client:TargetLists")},
    needs_plugins=("targets",),
)

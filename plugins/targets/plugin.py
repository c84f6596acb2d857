"""The targets plugin: ``arcsecond target ...`` and ``api.targets``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.targets.commands"

PLUGIN = Plugin(
    name="targets",
    description="Targets, by a name the server resolves or by coordinates: list, show, create, "
    "update, delete, import a CSV file",
    commands={
        "target list": f"{COMMANDS}:ListTarget",
        "target show": f"{COMMANDS}:ShowTarget",
        "target create": f"{COMMANDS}:CreateTarget",
        "target update": f"{COMMANDS}:UpdateTarget",
        "target delete": f"{COMMANDS}:DeleteTarget",
        "target import": "arcsecond_plugins.targets.importing:ImportTargets",
        "targets": f"{COMMANDS}:TargetsOldForm",
    },
    resources={"targets": ResourceSpec("targets", id_field="id", singular="target")},
)

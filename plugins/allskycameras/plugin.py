"""The all-sky cameras plugin: cameras, and the images a roof camera sends."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.allskycameras.commands"

PLUGIN = Plugin(
    name="allskycameras",
    description="All-sky cameras: list, show, create, delete, and upload their images",
    commands={
        "allskycamera list": f"{COMMANDS}:ListAllSkyCamera",
        "allskycamera show": f"{COMMANDS}:ShowAllSkyCamera",
        "allskycamera create": f"{COMMANDS}:CreateAllSkyCamera",
        "allskycamera delete": f"{COMMANDS}:DeleteAllSkyCamera",
        "allskycamera upload": "arcsecond_plugins.allskycameras.upload:UploadAllSkyImage",
        "allskycameras": f"{COMMANDS}:AllSkyCamerasOldForm",
    },
    resources={"allskycameras": ResourceSpec(
        "allskycameras", singular="all-sky camera",
        client="arcsecond_plugins.allskycameras.api:AllSkyCameras")},
    needs_plugins=("observingsites",),
)

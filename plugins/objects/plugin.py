"""The objects plugin: ``arcsecond object show NAME`` and ``api.objects``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.objects.commands"

PLUGIN = Plugin(
    name="objects",
    description="Objects by name (stars, galaxies, nebulae, planets): coordinates and more",
    commands={
        "object show": f"{COMMANDS}:ShowObject",
        "objects": f"{COMMANDS}:ObjectsOldForm",
    },
    resources={
        "objects": ResourceSpec("objects", id_field="name", name_field=None, portal_scoped=False,
                                singular="object"),
    },
)

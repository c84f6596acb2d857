"""The data packages plugin: ``arcsecond datapackage ...`` and ``api.datapackages``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.datapackages.commands"

PLUGIN = Plugin(
    name="datapackages",
    description="Data packages (datasets and night logs put together): list, show, create, "
    "update and delete",
    commands={
        "datapackage list": f"{COMMANDS}:ListDataPackage",
        "datapackage show": f"{COMMANDS}:ShowDataPackage",
        "datapackage create": f"{COMMANDS}:CreateDataPackage",
        "datapackage update": f"{COMMANDS}:UpdateDataPackage",
        "datapackage delete": f"{COMMANDS}:DeleteDataPackage",
        "datapackages": f"{COMMANDS}:ListDataPackageAlias",
    },
    resources={"datapackages": ResourceSpec("datapackages", singular="data package")},
)

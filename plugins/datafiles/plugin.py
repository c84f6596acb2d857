"""The data files plugin: ``arcsecond datafile ...`` and ``api.datafiles`` (upload, download)."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.datafiles.commands"

PLUGIN = Plugin(
    name="datafiles",
    description="Data files: list, show, create (one file), download, update and delete",
    commands={
        "datafile list": f"{COMMANDS}:ListDataFile",
        "datafile show": f"{COMMANDS}:ShowDataFile",
        "datafile download": f"{COMMANDS}:DownloadDataFile",
        "datafile update": f"{COMMANDS}:UpdateDataFile",
        "datafile delete": f"{COMMANDS}:DeleteDataFile",
        "datafile create": "arcsecond_plugins.datafiles.create:CreateDataFile",
        "fitsfiles": "arcsecond_plugins.datafiles.create:FitsFilesOldForm",
        "datafiles": "arcsecond_plugins.datafiles.create:FitsFilesOldForm",
    },
    resources={
        "datafiles": ResourceSpec(
            "datafiles", id_field="id", name_field=None, singular="data file",
            client="arcsecond_core.datafiles:DataFiles",
        ),
    },
)

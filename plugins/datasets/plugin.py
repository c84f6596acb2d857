"""The datasets plugin: ``arcsecond dataset ...`` and ``api.datasets``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.datasets.commands"

PLUGIN = Plugin(
    name="datasets",
    description="Datasets: list, show, create, update and delete",
    commands={
        "dataset list": f"{COMMANDS}:ListDataset",
        "dataset show": f"{COMMANDS}:ShowDataset",
        "dataset create": f"{COMMANDS}:CreateDataset",
        "dataset update": f"{COMMANDS}:UpdateDataset",
        "dataset delete": f"{COMMANDS}:DeleteDataset",
        "datasets": "arcsecond_plugins.datasets.legacy:DatasetsOldForm",
    },
    resources={"datasets": ResourceSpec("datasets", singular="dataset")},
)

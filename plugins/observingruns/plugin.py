"""The observing runs plugin: ``arcsecond observingrun ...`` and ``api.observingruns``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.observingruns.commands"

PLUGIN = Plugin(
    name="observingruns",
    description="Observing runs, linking night logs: list, show, create, update, delete",
    commands={
        "observingrun list": f"{COMMANDS}:ListObservingRun",
        "observingrun show": f"{COMMANDS}:ShowObservingRun",
        "observingrun create": f"{COMMANDS}:CreateObservingRun",
        "observingrun update": f"{COMMANDS}:UpdateObservingRun",
        "observingrun delete": f"{COMMANDS}:DeleteObservingRun",
        "observingruns": f"{COMMANDS}:ObservingRunsOldForm",
        "runs": f"{COMMANDS}:ObservingRunsOldForm",
    },
    resources={"observingruns": ResourceSpec("observingruns", singular="observing run")},
    needs_plugins=("nightlogs", "telescopes", "observingsites"),
)

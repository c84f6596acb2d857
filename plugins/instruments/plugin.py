"""The instruments plugin: ``arcsecond instrument list|show`` and ``api.instruments``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.instruments.commands"

PLUGIN = Plugin(
    name="instruments",
    description="Instruments: list and show",
    commands={
        "instrument list": f"{COMMANDS}:ListInstrument",
        "instrument show": f"{COMMANDS}:ShowInstrument",
        "instruments": f"{COMMANDS}:InstrumentsOldForm",
    },
    resources={
        "instruments": ResourceSpec("instruments", portal_scoped=False, singular="instrument"),
    },
    needs_plugins=("telescopes",),
)

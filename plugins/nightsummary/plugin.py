"""The night summary plugin: ``arcsecond night summary`` and ``nightlog summary``."""

from arcsecond_core.plugin import Plugin

PLUGIN = Plugin(
    name="nightsummary",
    description="A night's summary, from local headers or the server's frames: groups and "
    "missing calibrations",
    commands={
        "night summary": "arcsecond_plugins.nightsummary.local:NightSummary",
        "nightlog summary": "arcsecond_plugins.nightsummary.server:NightLogSummary",
    },
    needs_plugins=("nightlogs",),
)

"""The upload plugin: ``arcsecond upload`` and ``api.upload(...)``."""

from arcsecond_core.plugin import Plugin

PLUGIN = Plugin(
    name="upload",
    description="Upload folders of observation files: parallel, resumable, with retries",
    commands={"upload": "arcsecond_plugins.upload.command:Upload"},
    api_extensions={"upload": "arcsecond_plugins.upload.api:upload"},
    needs_plugins=("datasets", "datafiles", "telescopes", "observingsites"),
)

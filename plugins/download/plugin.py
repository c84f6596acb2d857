"""The download plugin: ``arcsecond download`` and ``api.download(...)``."""

from arcsecond_core.plugin import Plugin

PLUGIN = Plugin(
    name="download",
    description="Download datasets, night logs and data packages: parallel, resumable, verified",
    commands={"download": "arcsecond_plugins.download.command:Download"},
    api_extensions={"download": "arcsecond_plugins.download.api:download"},
    needs_plugins=("datasets", "datafiles", "nightlogs", "datapackages"),
)

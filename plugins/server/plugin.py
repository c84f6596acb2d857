"""The server plugin: ``arcsecond server ...``, the embedded Arcsecond-compatible server."""

from arcsecond_core.plugin import Plugin

COMMANDS = "arcsecond_plugins.server.commands"
IMPORTS = "arcsecond_plugins.server.commands_imports"

PLUGIN = Plugin(
    name="server",
    description="The embedded Arcsecond-compatible server and its administration",
    commands={
        "server start": f"{COMMANDS}:StartServer",
        "server adduser": f"{COMMANDS}:AddUser",
        "server addsite": f"{COMMANDS}:AddSite",
        "server addtelescope": f"{COMMANDS}:AddTelescope",
        "server addportal": f"{COMMANDS}:AddPortal",
        "server demo": f"{COMMANDS}:Demo",
        "server addinstrument": f"{IMPORTS}:AddInstrument",
        "server import objects": f"{IMPORTS}:ImportObjects",
        "server import exoplanets": f"{IMPORTS}:ImportExoplanets",
        "server import satellites": f"{IMPORTS}:ImportSatellites",
    },
    extra="server",
    requires=("werkzeug", "jinja2", "cheroot"),
)

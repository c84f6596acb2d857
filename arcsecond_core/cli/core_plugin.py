"""The core's own commands: servers, identity, plugins and the shell (always loaded)."""

from __future__ import annotations

from arcsecond_core.plugin import Plugin

CORE = Plugin(
    name="core",
    description="Servers, login and identity, plugins, the interactive shell",
    commands={
        "api list": "arcsecond_core.cli.servers:ListServers",
        "api add": "arcsecond_core.cli.servers:AddServer",
        "api use": "arcsecond_core.cli.servers:UseServer",
        "api remove": "arcsecond_core.cli.servers:RemoveServer",
        "login": "arcsecond_core.cli.identity:Login",
        "logout": "arcsecond_core.cli.identity:Logout",
        "whoami": "arcsecond_core.cli.identity:WhoAmI",
        "register": "arcsecond_core.cli.register:Register",
        "plugin list": "arcsecond_core.cli.plugins:ListPlugins",
        "shell": "arcsecond_core.cli.shell_command:Shell",
    },
)

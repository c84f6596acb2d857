"""The profiles plugin: your portals (``arcsecond portal list``)."""

from arcsecond_core.plugin import Plugin

PLUGIN = Plugin(
    name="profiles",
    description="Profiles and portals: the organisations you are a member of",
    commands={
        "portal list": "arcsecond_plugins.profiles.commands:ListPortal",
        "portals": "arcsecond_plugins.profiles.commands:ListPortalAlias",
    },
)

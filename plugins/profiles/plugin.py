"""The profiles plugin: your portals (``arcsecond portal list``), ``me`` and ``profile show``."""

from arcsecond_core.plugin import Plugin

PLUGIN = Plugin(
    name="profiles",
    description="Profiles and portals: your profile, a user's, the organisations you are in",
    commands={
        "portal list": "arcsecond_plugins.profiles.commands:ListPortal",
        "me": "arcsecond_plugins.profiles.me:ShowMe",
        "profile show": "arcsecond_plugins.profiles.me:ShowProfile",
        "portals": "arcsecond_plugins.profiles.commands:ListPortalAlias",
    },
)

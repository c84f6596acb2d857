"""The members plugin: ``arcsecond portal member ...`` and ``ArcsecondAPI(portal=...).members``."""

from arcsecond_core.plugin import Plugin, ResourceSpec

COMMANDS = "arcsecond_plugins.members.commands"

PLUGIN = Plugin(
    name="members",
    description="A portal's members: list them; its admins add, change and remove them",
    commands={
        "portal member list": f"{COMMANDS}:ListMember",
        "portal member add": f"{COMMANDS}:AddMember",
        "portal member remove": f"{COMMANDS}:RemoveMember",
    },
    resources={"members": ResourceSpec("members", id_field="id", name_field="username",
                                       singular="member",
                                       client="arcsecond_plugins.members.api:Members")},
)

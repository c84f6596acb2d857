"""A portal's members: ``arcsecond portal member list|add|remove`` and ``api.members``."""

"""First-party plugins of the Arcsecond CLI, each registered through its own entry points."""

"""The command-line interface: the cliff app, lazy command manager, shell and base commands."""

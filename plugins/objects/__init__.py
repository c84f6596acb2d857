"""Objects (stars, galaxies, nebulae, planets...) looked up by name: ``object show``."""

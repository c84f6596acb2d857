"""An embedded Arcsecond-compatible server: the REST API on SQLite and files in a data dir."""

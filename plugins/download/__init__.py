"""Download datasets, night logs and data packages: parallel, resumable, verified."""

"""Night plans: list, show, export the observing list, delete."""

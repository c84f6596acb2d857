"""Target lists: list, show, create, update, delete, add and remove targets."""

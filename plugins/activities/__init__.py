"""Activities, a public log of what is being observed: list, show, create, update, delete."""

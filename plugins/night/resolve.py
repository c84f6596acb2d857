"""From what people type to what planning needs: sites, telescopes, targets, target lists."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from arcsecond_core.errors import ArcsecondError, NotFound, UsageError

if TYPE_CHECKING:
    from arcsecond_core.api import ArcsecondAPI
    from arcsecond_core.planning.site import Site
    from arcsecond_core.planning.targets import SkyTarget


@dataclass
class Place:
    """Where a night is planned: the site, its API object, and the telescope if one was named."""

    site: Site
    record: dict[str, Any]
    telescope: dict[str, Any] | None = None


def place(api: ArcsecondAPI, site: str | None, telescope: str | None) -> Place:
    """The site named (name or UUID), or the site of the telescope named."""
    from arcsecond_core.planning.site import SiteError, site_from_api

    if not site and not telescope:
        raise UsageError("give --site SITE or --telescope TELESCOPE")
    scope: dict[str, Any] | None = None
    if telescope:
        scope = api.resource("telescopes").find(telescope)
        site_id = scope.get("observing_site")
        if isinstance(site_id, dict):
            site_id = site_id.get("uuid")
        if not site and not site_id:
            raise ArcsecondError(f"telescope {telescope!r} has no observing site: give --site")
        site = site or str(site_id)
    record = api.resource("observingsites").find(str(site))
    try:
        return Place(site_from_api(record), record, scope)
    except SiteError as exc:
        raise ArcsecondError(str(exc)) from None


def targets(api: ArcsecondAPI, names: list[str],
            targetlist: str | None) -> tuple[list[SkyTarget], dict[str, Any] | None]:
    """The targets named and those of the target list (in that order, each once), and the list."""
    from arcsecond_core.planning.targets import SkyTarget, solar_system_body

    found: list[SkyTarget] = []
    listed = None
    for name in names:
        body = solar_system_body(name)
        found.append(SkyTarget(name, body=body) if body else _named(api, name))
    if targetlist:
        listed = _resource(api, "targetlists", "--targetlist").find(targetlist)
        found.extend(_from_api(api, entry) for entry in listed.get("targets") or [])
    if not found:
        raise UsageError("give at least one TARGET or --targetlist LIST")
    seen: set[str] = set()
    unique = []
    for target in found:
        if target.name not in seen:
            seen.add(target.name)
            unique.append(target)
    return unique, listed


def _named(api: ArcsecondAPI, name: str) -> SkyTarget:
    """A saved target of that name, else the object the server's catalogues resolve."""
    from arcsecond_core.planning.targets import TargetError, sky_target_from_api

    try:
        saved = api.resource("targets")
    except AttributeError:
        saved = None
    try:
        if saved is not None:
            matches = [t for t in saved.list(name=name) if str(t.get("name")) == name]
            if matches:
                return sky_target_from_api(matches[0])
        try:  # the name asked stays the target's name (M42, not NGC1976)
            return replace(sky_target_from_api(api.resource("objects").read(name)), name=name)
        except NotFound:
            raise ArcsecondError(f"no target or object named {name!r} on {api.session.base_url}") from None
    except TargetError as exc:
        raise ArcsecondError(str(exc)) from None


def _from_api(api: ArcsecondAPI, entry: Any) -> SkyTarget:
    """A target list's entry: an embedded target object, or a target's id."""
    from arcsecond_core.planning.targets import TargetError, sky_target_from_api

    if not isinstance(entry, dict):
        entry = _resource(api, "targets", "a target list").read(entry)
    try:
        return sky_target_from_api(entry)
    except TargetError as exc:
        raise ArcsecondError(str(exc)) from None


def _resource(api: ArcsecondAPI, name: str, what: str) -> Any:
    try:
        return api.resource(name)
    except AttributeError as exc:
        raise ArcsecondError(f"{what} needs the {name} resource: {exc}") from None

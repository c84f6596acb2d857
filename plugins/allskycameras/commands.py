"""``arcsecond allskycamera list|show|create|delete``: all-sky cameras."""

from __future__ import annotations

from arcsecond_core.cli.legacy import LegacyPlural
from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCreate,
    ResourceLister,
    ResourceShow,
)
from arcsecond_core.cli.resource_delete import ResourceDelete

RESOURCE = "allskycameras"
SITE = Option("--observing-site", "observing_site", lookup="observingsites", metavar="SITE",
              help="Observing site, by name or UUID.")


class ListAllSkyCamera(ResourceLister):
    """List all-sky cameras, with their latest image's time"""

    resource = RESOURCE
    columns = ("name", "uuid", "observing_site", "images_count", "latest_image_utc_timestamp")
    filters = (Option("--name", "name", metavar="NAME", help="Only the camera with this exact "
                                                            "name."), SITE)


class ShowAllSkyCamera(ResourceShow):
    """Show an all-sky camera (its latest image's URL too), by name or UUID"""

    resource = RESOURCE
    argument = "CAMERA"


class CreateAllSkyCamera(ResourceCreate):
    """Create an all-sky camera"""

    resource = RESOURCE
    fields = (Option("--name", "name", required=True, metavar="NAME", help="Its name."), SITE)


class DeleteAllSkyCamera(ResourceDelete):
    """Delete all-sky cameras and their images"""

    resource = RESOURCE
    argument = "CAMERA"
    consequence = "and its {images_count} images"


class AllSkyCamerasOldForm(LegacyPlural):
    """Older form of 'allskycamera': allskycameras [read [UUID]|list|create|delete]"""

    noun = "allskycamera"
    verbs = ("list", "show", "create", "delete")

    def translate(self, words: list[str]) -> list[str]:
        if words[:1] == ["delete"]:  # no older form to stay silent for: it asks, as it should
            return [self.noun, *words]
        return super().translate(words)

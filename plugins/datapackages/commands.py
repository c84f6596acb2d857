"""``arcsecond datapackage ...``: list, show, create, update and delete data packages."""

from __future__ import annotations

from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCreate,
    ResourceLister,
    ResourceShow,
    ResourceUpdate,
)
from arcsecond_core.cli.resource_delete import ResourceDelete

RESOURCE = "datapackages"
DESCRIPTION = Option("--description", "description", metavar="TEXT", help="A description.")
DATASETS = Option(
    "--dataset", "datasets", lookup="datasets", multiple=True, metavar="DATASET",
    help="A dataset, by name or UUID (repeat for more; on update, the new list).",
)
NIGHT_LOGS = Option(
    "--nightlog", "nightlogs", lookup="nightlogs", multiple=True, metavar="NIGHT_LOG",
    extra_flags=("--night-log",),
    help="A night log, by UUID or date (repeat for more; on update, the new list).",
)


class DataPackageTarget:
    argument = "DATA_PACKAGE"


class ListDataPackage(ResourceLister):
    """List data packages"""

    resource = RESOURCE
    columns = ("name", "uuid", "description", "created")
    optional_columns = ("created", "description")
    filters = (Option("--name", "name", metavar="NAME", help="Only packages with this exact name."),)


class ListDataPackageAlias(ListDataPackage):
    """List data packages (same as 'datapackage list')"""

    hidden = True


class ShowDataPackage(DataPackageTarget, ResourceShow):
    """Show a data package, by name or UUID"""

    resource = RESOURCE


class CreateDataPackage(ResourceCreate):
    """Create a data package of datasets and night logs"""

    resource = RESOURCE
    fields = (
        Option("--name", "name", required=True, metavar="NAME", help="Its name."),
        DESCRIPTION,
        DATASETS,
        NIGHT_LOGS,
    )


class UpdateDataPackage(DataPackageTarget, ResourceUpdate):
    """Change a data package (only the fields given)"""

    resource = RESOURCE
    fields = (
        Option("--name", "name", metavar="NAME", help="The new name."),
        DESCRIPTION,
        DATASETS,
        NIGHT_LOGS,
    )


class DeleteDataPackage(DataPackageTarget, ResourceDelete):
    """Delete data packages (their datasets and night logs stay)"""

    resource = RESOURCE

"""``arcsecond dataset ...``: list, show, create, update and delete datasets."""

from __future__ import annotations

from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCreate,
    ResourceLister,
    ResourceShow,
    ResourceUpdate,
)
from arcsecond_core.cli.resource_delete import ResourceDelete

RESOURCE = "datasets"
TELESCOPE = Option(
    "--telescope", "telescope", lookup="telescopes", metavar="TELESCOPE",
    help="Telescope, by name or UUID.",
)
TAG = Option(
    "--tag", "tags", multiple=True, metavar="TAG",
    help="A tag (repeat for more); on update, the new list of tags.",
)


class ListDataset(ResourceLister):
    """List datasets"""

    resource = RESOURCE
    columns = ("name", "uuid", "data_files_count", "telescope", "created")
    optional_columns = ("created", "telescope", "data_files_count")
    filters = (
        Option("--name", "name", metavar="NAME", help="Only the dataset with this exact name."),
        TELESCOPE,
    )


class ListDatasetAlias(ListDataset):
    """List datasets (same as 'dataset list')"""

    hidden = True


class ShowDataset(ResourceShow):
    """Show a dataset, by name or UUID"""

    resource = RESOURCE
    argument = "DATASET"


class CreateDataset(ResourceCreate):
    """Create a dataset"""

    resource = RESOURCE
    fields = (
        Option("--name", "name", required=True, metavar="NAME", help="Its name (unique)."),
        TELESCOPE,
        TAG,
    )


class UpdateDataset(ResourceUpdate):
    """Rename a dataset, or change its telescope or tags"""

    resource = RESOURCE
    argument = "DATASET"
    fields = (Option("--name", "name", metavar="NAME", help="The new name."), TELESCOPE, TAG)


class DeleteDataset(ResourceDelete):
    """Delete datasets, destroying all their data files"""

    resource = RESOURCE
    argument = "DATASET"
    consequence = "and its {data_files_count} data file(s)"

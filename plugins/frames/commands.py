"""``arcsecond observation|calibration list|show``, filtered by the server."""

from __future__ import annotations

from arcsecond_core.cli.resource_commands import Option, ResourceLister, ResourceShow, identifier

COLUMNS = ("id", "target_name", "filter", "exposure_time", "binning", "date_obs", "night_log",
           "datafile")
FILTERS = (
    Option("--dataset", "dataset", lookup="datasets", metavar="DATASET",
           help="Only frames of this dataset's data files (name or UUID)."),
    Option("--night-log", "night_log", lookup="nightlogs", metavar="NIGHT_LOG",
           help="Only frames of this night log (UUID, or its date when only one has it)."),
    Option("--datafile", "datafile", kind=identifier, metavar="ID",
           help="Only the frame of this data file."),
)


class ListObservation(ResourceLister):
    """List observations, the frames of data files that are not calibrations (lights, others)"""

    resource = "observations"
    columns = COLUMNS
    optional_columns = ("datafile", "night_log", "binning")
    filters = (
        *FILTERS,
        Option("--target", "target_name", metavar="NAME",
               help="Only observations of this target (its exact name, as OBJECT says)."),
    )
    web_option = False


class ShowObservation(ResourceShow):
    """Show one observation"""

    resource = "observations"
    argument = "ID"
    argument_help = "The observation's id."
    argument_type = staticmethod(identifier)
    web_option = False


class ListCalibration(ResourceLister):
    """List calibrations, the bias, dark and flat frames the server found in data files"""

    resource = "calibrations"
    columns = ("id", "kind", *COLUMNS[1:])
    optional_columns = ("datafile", "night_log", "binning", "target_name")
    filters = (
        *FILTERS,
        Option("--kind", "kind", metavar="KIND", choices=("bias", "dark", "flat"),
               help="Only calibrations of this kind: bias, dark or flat."),
    )
    web_option = False


class ShowCalibration(ResourceShow):
    """Show one calibration"""

    resource = "calibrations"
    argument = "ID"
    argument_help = "The calibration's id."
    argument_type = staticmethod(identifier)
    web_option = False

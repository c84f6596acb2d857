"""``observation list|show`` and ``calibration list|show``, built on the core's base classes."""

from __future__ import annotations

from arcsecond_core.cli.resource_commands import Option, ResourceLister, ResourceShow

FRAME_COLUMNS = (
    "id", "target_name", "filter", "exposure_time", "date_obs", "night_log", "datafile",
)
FRAME_FILTERS = (
    Option("--night-log", "night_log", "Only frames of this night log (date or UUID).",
           lookup="nightlogs", metavar="NIGHT_LOG"),
    Option("--datafile", "datafile", "Only the frame of this data file.", kind=int, metavar="ID"),
)


class ListObservations(ResourceLister):
    """List observations, the science frames found in FITS and XISF data files"""

    resource = "example_observations"
    columns = FRAME_COLUMNS
    filters = FRAME_FILTERS
    web_option = False


class ShowObservation(ResourceShow):
    """Show one observation"""

    resource = "example_observations"
    argument = "ID"
    web_option = False


class ListCalibrations(ResourceLister):
    """List calibrations, the bias, dark and flat frames found in data files"""

    resource = "example_calibrations"
    columns = ("id", "kind", *FRAME_COLUMNS[1:])
    filters = FRAME_FILTERS
    web_option = False


class ShowCalibration(ResourceShow):
    """Show one calibration"""

    resource = "example_calibrations"
    argument = "ID"
    web_option = False

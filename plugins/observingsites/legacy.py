"""The older ``observingsites`` (or ``sites``) ``[read [UUID]|list]``."""

from __future__ import annotations

from arcsecond_core.cli.legacy import LegacyPlural


class ObservingSitesOldForm(LegacyPlural):
    """Older form of 'observingsite': observingsites [read [UUID]|list]"""

    noun = "observingsite"
    verbs = ("list", "show")

"""The older ``telescopes [read [UUID]|list]``."""

from __future__ import annotations

from arcsecond_core.cli.legacy import LegacyPlural


class TelescopesOldForm(LegacyPlural):
    """Older form of 'telescope': telescopes [read [UUID]|list]"""

    noun = "telescope"
    verbs = ("list", "show")

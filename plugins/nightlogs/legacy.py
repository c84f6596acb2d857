"""The older ``nightlogs`` (or ``logs``) ``[read [UUID]|list|create|update UUID|delete UUID]``."""

from __future__ import annotations

from arcsecond_core.cli.legacy import LegacyPlural


class NightLogsOldForm(LegacyPlural):
    """Older form of 'nightlog': nightlogs [read [UUID]|list|create|update UUID|delete UUID]"""

    noun = "nightlog"

"""The older ``datasets [read [UUID]|list|create --name N|update UUID --name N|delete UUID]``."""

from __future__ import annotations

from arcsecond_core.cli.legacy import LegacyPlural


class DatasetsOldForm(LegacyPlural):
    """Older form of 'dataset': datasets [read [UUID]|list|create|update UUID|delete UUID]"""

    noun = "dataset"

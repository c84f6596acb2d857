"""``python -m arcsecond_core`` runs the ``arcsecond`` command."""

import sys

from arcsecond_core.cli.main import main

sys.exit(main())

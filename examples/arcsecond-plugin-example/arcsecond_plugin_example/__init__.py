"""An example third-party plugin for the Arcsecond CLI.

It adds ``arcsecond dataset stats``, ``observation list|show`` and ``calibration list|show``
commands, two API resources, and the global option ``--size-unit``; everything is declared
with entry points in this distribution's ``setup.cfg``.
"""

__version__ = "0.1.0"

"""Thin shim: metadata lives in setup.cfg; this only maps ``plugins/`` to ``arcsecond_plugins``
and ``compat/arcsecond`` to the 1.x module name ``arcsecond``."""

from setuptools import find_packages, setup

plugin_packages = ["arcsecond_plugins"] + [f"arcsecond_plugins.{p}" for p in find_packages("plugins")]

setup(packages=find_packages(include=["arcsecond_core", "arcsecond_core.*"]) + plugin_packages
      + ["arcsecond"])

"""What uploads and downloads share: outcomes, the per-file retry loop, progress and the report.

Both directions run the same engine (:mod:`.engine`, on :func:`arcsecond_core.parallel.run_parallel`
and :mod:`arcsecond_core.retrying`); :mod:`.fetch` is the one streamed, resumable, verified way a
data file comes back to disk.
"""

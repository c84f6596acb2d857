"""What uploads and downloads share: outcomes, the per-file retry loop, progress and the report.

Both directions run the same engine (:mod:`.engine`, on :func:`arcsecond_core.parallel.run_parallel`
and :mod:`arcsecond_core.retrying`); :mod:`.fetch` is the one streamed, resumable, verified way a
data file comes back to disk.
"""

#: Files moved at once by ``arcsecond upload`` and ``arcsecond download`` unless ``--jobs`` says:
#: enough to hide a 50 ms round trip on small files (4 took 5.4 s for 300 x 100 KB over a 50 ms,
#: 100 Mbit/s link, 16 took 3.0 s; on loopback they cost the same).
DEFAULT_JOBS = 16

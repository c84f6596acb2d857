"""What uploads and downloads share: outcomes, the per-file retry loop, progress and the report.

Both directions move their files through :func:`.run.transfer_all_with_retries` (on
:func:`arcsecond_core.parallel.run_parallel` and :mod:`arcsecond_core.retrying`); :mod:`.fetch`
is the one streamed, resumable, verified way a data file comes back to disk, :mod:`.checksum`
the sha256 of a file.
"""

#: Files moved at once by ``arcsecond upload`` and ``arcsecond download`` unless ``--jobs`` says:
#: enough to hide a 50 ms round trip on small files (4 took 5.4 s for 300 x 100 KB over a 50 ms,
#: 100 Mbit/s link, 16 took 3.0 s; on loopback they cost the same).
DEFAULT_JOBS = 16
#: Files moved at once by default over a far link (a round trip of FAR_ROUND_TRIP or more) when
#: they are small: 16 jobs of 100 KB files keep at most 1.6 MB in flight, the whole of a 50 Mbit/s
#: link's 250 ms round trip and nothing to spare.
FAR_JOBS = 32
FAR_ROUND_TRIP = 0.1
#: Files up to this size (the median of a run) count as small.
SMALL_FILE = 4_000_000


def auto_jobs(round_trip: float | None, sizes: list[int]) -> int:
    """The default ``--jobs`` for files of ``sizes`` over a link whose round trip (as the first
    request before the transfer measured it) is ``round_trip`` seconds."""
    if round_trip is None or round_trip < FAR_ROUND_TRIP or not sizes:
        return DEFAULT_JOBS
    median = sorted(sizes)[len(sizes) // 2]
    return FAR_JOBS if median <= SMALL_FILE else DEFAULT_JOBS

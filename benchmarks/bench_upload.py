"""``arcsecond upload`` of a folder beside curl (the floor) and the public client 4.5.0.

Two folders: 300 files of 100 KB and 4 files of 200 MB (FITS headers, random data), each sent
into a fresh dataset of a real ``arcsecond server start`` process by

- curl, one process sending the same multipart requests, sequentially with connection reuse
  (``--next``) and four at a time (``--parallel --parallel-max 4``): the floor;
- ``arcsecond upload DIR -d NAME -t TELESCOPE --yes`` (this project, 4 jobs);
- the public client ``arcsecond==4.5.0`` from PyPI in its own Python 3.12 virtual environment
  (``echo | arcsecond upload DIR -d NAME -t TELESCOPE``), configured through
  ``ARCSECOND_CONFIG_DIR`` and ``ARCSECOND_API``;
- the Python floor (``benchmarks/floor_client.py``): the same multipart POSTs from a bare
  requests session on 4 threads, which shows what the language and requests cost by themselves.

A third case sends one 200 MB file, for the rate of a single transfer.

Every run is checked: the dataset must hold every file afterwards. Peak RSS comes from
``wait4`` on the client process. Work files live in ``benchmarks/.work/upload`` (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from arcsecond_core.testing import ArcsecondServer, arcsecond_script, start_server
from benchmarks.results import loopback_verdicts, write_section

WORK = Path(__file__).resolve().parent / ".work" / "upload"
DATA = Path(tempfile.gettempdir()) / "arcsecond-bench-upload"
PUBLIC_VENV = Path(__file__).resolve().parent / ".work" / "public-venv"
PUBLIC_VERSION = "4.5.0"
SMALL = ("small", 300, 100_000)
LARGE = ("large", 4, 200_000_000)
ONE = ("one", 1, 200_000_000)
RUNS = {"small": 5, "large": 5, "one": 5}
PUBLIC_RUNS = {"small": 3, "large": 1, "one": 0}
FLOOR_CLIENT = Path(__file__).with_name("floor_client.py")
RSS_LIMIT_MB = 150
SERVER_NAME = "bench"


def fits_file(path: Path, size: int, seed: int) -> None:
    """A FITS file of ``size`` bytes: a short header, then random 8-bit data."""
    cards = ("SIMPLE  =                    T", "BITPIX  =                    8",
             "NAXIS   =                    1", f"NAXIS1  = {size - 2880:20d}",
             f"DATE-OBS= '2024-03-10T22:{seed % 60:02d}:00'", "OBJECT  = 'M31'",
             "IMAGETYP= 'Light Frame'", "END")
    header = "".join(card.ljust(80) for card in cards).ljust(2880).encode()
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as handle:
        handle.write(header)
        left = size - len(header)
        while left > 0:
            piece = block[: min(left, len(block))]
            handle.write(piece)
            left -= len(piece)


def folder(kind: str, count: int, size: int, root: Path | None = None) -> Path:
    """``count`` FITS files of ``size`` bytes in ``root`` (default: ``DATA/kind``), made once."""
    # Not under benchmarks/.work: the public client skips every file whose absolute path has a
    # part starting with a dot.
    root = root or DATA / kind
    marker = root / ".complete"
    if marker.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for i in range(count):
        fits_file(root / f"{kind}{i:04d}.fits", size, i)
    marker.write_text(f"{count} x {size}\n")
    return root


def files_of(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))


def timed(argv: list[str], env: dict[str, str] | None = None, stdin: str | None = None
          ) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, VmHWM polled) of one process, which must succeed."""
    started = time.perf_counter()
    log = WORK / "last-run.log"
    with open(log, "w+") as output:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=output,
                                stderr=subprocess.STDOUT, text=True)
        assert proc.stdin is not None
        if stdin:
            proc.stdin.write(stdin)
        proc.stdin.close()
        peak = PeakRss(proc.pid)
        proc.wait()
        elapsed = time.perf_counter() - started
        peak.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {proc.returncode}: {log.read_text()[-2000:]}")
    return elapsed, peak.kib / 1024


class PeakRss:
    """The high-water mark of a process's resident memory, read from /proc while it runs.

    (``wait4``'s ru_maxrss would count the parent's memory, shared until the child's exec.)
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.kib = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        path = Path(f"/proc/{self.pid}/status")
        while not self._done.is_set():
            try:
                for line in path.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.kib = max(self.kib, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            self._done.wait(0.01)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


@dataclass
class Setup:
    server: ArcsecondServer
    key: str
    username: str
    telescope: str
    config_dir: Path
    base: str = ""  # the URL clients are given: the server's, or a proxy's in front of it

    @property
    def headers(self) -> dict[str, str]:
        return self.server.headers(self.key)

    def via(self, base: str, config_dir: Path) -> Setup:
        """The same user and server, reached by the clients through ``base``."""
        shutil.rmtree(config_dir, ignore_errors=True)
        config_dir.mkdir(parents=True)
        (config_dir / "config.ini").write_text(
            f"[{SERVER_NAME}]\napi_server = {base}\nusername = {self.username}\n"
            f"access_key = {self.key}\n\n[cli]\napi = {SERVER_NAME}\n"
        )
        return Setup(self.server, self.key, self.username, self.telescope, config_dir, base)

    def connections_since(self, offset: int) -> int:
        """TCP connections the server served requests on since its log had ``offset`` chars
        (the server runs with ``--access-log``, whose lines start with the client's address)."""
        log = self.server.stderr()[offset:]
        return len({line.split(" ", 1)[0] for line in log.splitlines() if line[:1].isdigit()})

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({"ARCSECOND_CONFIG_DIR": str(self.config_dir), "ARCSECOND_API": SERVER_NAME,
                    "PYTHONUNBUFFERED": "1"})
        env.pop("ARCSECOND_PORTAL", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules load from bytecode
        return env

    def new_dataset(self) -> str:
        answer = requests.post(self.server.endpoint("datasets/"), headers=self.headers,
                               json={"name": uuid.uuid4().hex, "telescope": self.telescope},
                               timeout=30)
        answer.raise_for_status()
        return str(answer.json()["uuid"])

    def dataset_by_name(self, name: str) -> str:
        answer = requests.get(self.server.endpoint("datasets/"), params={"name": name},
                              headers=self.headers, timeout=30)
        answer.raise_for_status()
        found = answer.json()["results"]
        if not found:
            output = (WORK / "last-run.log").read_text()[-3000:]
            raise RuntimeError(f"no dataset named {name!r} after the run; its output:\n{output}")
        return str(found[0]["uuid"])

    def check_and_delete(self, dataset: str, expected: int) -> None:
        answer = requests.get(self.server.endpoint("datafiles/"), headers=self.headers,
                              params={"dataset": dataset, "page_size": 1}, timeout=60)
        answer.raise_for_status()
        count = answer.json()["count"]
        if count != expected:
            raise RuntimeError(f"dataset {dataset} holds {count} files, not {expected}")
        requests.delete(self.server.endpoint(f"datasets/{dataset}/"), headers=self.headers,
                        timeout=300).raise_for_status()


def setup(server: ArcsecondServer) -> Setup:
    user = server.add_user(f"bench{uuid.uuid4().hex[:6]}")
    site = server.admin("addsite", f"Site {uuid.uuid4().hex[:6]}", "--longitude", "-70.4",
                        "--latitude", "-24.6", "--time-zone", "America/Santiago")
    telescope = server.admin("addtelescope", f"T {uuid.uuid4().hex[:6]}", "--site", site["uuid"],
                             "--owner", user["username"])
    plain = Setup(server, user["access_key"], user["username"], telescope["uuid"], WORK)
    return plain.via(server.url, WORK / "config")


#: The rate each client reports for its transfer, for the one-file case (MB/s).
RATES: dict[str, list[float]] = {}
_OUR_RATE = re.compile(r"uploaded .* \(.*?, ([\d.]+) ([kMGT]?B)/s")
_UNIT = {"B": 1e-6, "kB": 1e-3, "KB": 1e-3, "MB": 1.0, "GB": 1e3, "TB": 1e6}


def last_output() -> str:
    return (WORK / "last-run.log").read_text(errors="replace")


def curl_config(s: Setup, dataset: str, paths: list[Path], target: Path) -> Path:
    lines = []
    for index, path in enumerate(paths):
        if index:
            lines.append("next")
        lines += [
            f'url = "{s.base}/datafiles/"',
            f'header = "X-Arcsecond-API-Authorization: Key {s.key}"',
            f'form = "dataset={dataset}"',
            'form = "is_raw=True"',
            f'form = "file=@{path}"',
            'output = "/dev/null"',
            'write-out = "speed_upload %{speed_upload}\\n"',
            "fail",
            "silent",
            "show-error",
        ]
    target.write_text("\n".join(lines) + "\n")
    return target


def run_curl(s: Setup, paths: list[Path], parallel: bool) -> tuple[float, float]:
    dataset = s.new_dataset()
    config = curl_config(s, dataset, paths, WORK / "curl.cfg")
    argv = ["curl", "-K", str(config)]
    if parallel:
        argv[1:1] = ["--parallel", "--parallel-max", "4"]
    result = timed(argv)
    if len(paths) == 1:
        speeds = re.findall(r"speed_upload ([\d.]+)", last_output())
        RATES.setdefault("curl x4" if parallel else "curl", []).append(float(speeds[0]) / 1e6)
    s.check_and_delete(dataset, len(paths))
    return result


def run_floor(s: Setup, paths: list[Path]) -> tuple[float, float]:
    dataset = s.new_dataset()
    result = timed([sys.executable, str(FLOOR_CLIENT), "upload", s.base, s.key, dataset, "4",
                    *map(str, paths)], env=s.env())
    s.check_and_delete(dataset, len(paths))
    return result


def linked_large(count: int, name: str) -> Path:
    """A folder ``name`` with hard links to the first ``count`` large files (no second copy)."""
    root = folder(*LARGE)
    linked = root.parent / name
    if not linked.is_dir() or len(files_of(linked)) != count:
        shutil.rmtree(linked, ignore_errors=True)
        linked.mkdir()
        for path in files_of(root)[:count]:
            os.link(path, linked / path.name)
    return linked


CONNECTIONS: dict[str, int] = {}  # the most TCP connections one run of ours used, per folder


def run_ours(s: Setup, root: Path, count: int, jobs: int | None = 4) -> tuple[float, float]:
    """``arcsecond upload`` with ``jobs`` (None: the command's default)."""
    name = f"ours-{uuid.uuid4().hex[:8]}"
    offset = len(s.server.stderr())
    result = timed([arcsecond_script(), "upload", str(root), "-d", name, "-t", s.telescope,
                    "--yes", *(["--jobs", str(jobs)] if jobs else [])], env=s.env())
    CONNECTIONS[root.name] = max(CONNECTIONS.get(root.name, 0), s.connections_since(offset))
    if count == 1:
        rate = _OUR_RATE.search(last_output())
        if rate:
            RATES.setdefault("ours", []).append(float(rate.group(1)) * _UNIT[rate.group(2)])
    s.check_and_delete(s.dataset_by_name(name), count)
    return result


def public_script() -> Path:
    return PUBLIC_VENV / "bin" / "arcsecond"


def install_public() -> str | None:
    """Install the public client in its own Python 3.12 venv; the reason when that fails."""
    if public_script().exists():
        return None
    python = shutil.which("python3.12")
    if python and subprocess.run([python, "-c", ""], capture_output=True).returncode != 0:
        python = None  # a pyenv shim with no 3.12 selected
    if python is None:
        found = subprocess.run(["pyenv", "which", "python3.12"], capture_output=True, text=True,
                               env={**os.environ, "PYENV_VERSION": "3.12"})
        python = found.stdout.strip() if found.returncode == 0 else None
    if not python:
        return "no Python 3.12 interpreter found (python3.12, pyenv)"
    steps = [[python, "-m", "venv", str(PUBLIC_VENV)],
             [str(PUBLIC_VENV / "bin" / "pip"), "install", "-q", f"arcsecond=={PUBLIC_VERSION}"]]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True)
        if proc.returncode != 0:
            return f"`{' '.join(step)}` failed: {proc.stderr.strip().splitlines()[-1:]}"
    return None


def run_public(s: Setup, root: Path, count: int) -> tuple[float, float]:
    name = f"public-{uuid.uuid4().hex[:8]}"
    result = timed([str(public_script()), "upload", str(root), "-d", name, "-t", s.telescope],
                   env=s.env(), stdin="\n")
    s.check_and_delete(s.dataset_by_name(name), count)
    return result


def median_of(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t for t, _ in samples), max(m for _, m in samples)


def server_dir() -> Path:
    """A tmpfs for the server's files when there is one: disk write-back stalls would dominate."""
    shm = Path("/dev/shm")
    if shm.is_dir() and shutil.disk_usage(shm).free > 4 * LARGE[1] * LARGE[2]:
        return shm / "arcsecond-bench-upload-server"
    return WORK / "server"


def main() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1"
    public_problem = install_public()
    data_dir = server_dir()
    shutil.rmtree(data_dir, ignore_errors=True)
    server = start_server(data_dir, "--access-log")
    results: dict[str, dict[str, tuple[float, float]]] = {}
    try:
        s = setup(server)
        for kind, count, size in (SMALL, LARGE, ONE):
            root = linked_large(1, "one") if kind == "one" else folder(kind, count, size)
            paths = files_of(root)
            clients: dict[str, Callable[[], tuple[float, float]]] = {
                "curl": lambda p=paths: run_curl(s, p, False),
                "curl x4": lambda p=paths: run_curl(s, p, True),
                "ours": lambda r=root, c=count: run_ours(s, r, c),
                "floor": lambda p=paths: run_floor(s, p),
            }
            run_ours(s, root, count)  # warm up the server and the page cache
            samples: dict[str, list[tuple[float, float]]] = {name: [] for name in clients}
            for _ in range(1 if quick else RUNS[kind]):  # interleaved: same load for each
                for name, action in clients.items():
                    samples[name].append(action())
            if public_problem is None and PUBLIC_RUNS[kind]:
                try:
                    samples["public"] = [run_public(s, root, count)
                                         for _ in range(1 if quick else PUBLIC_RUNS[kind])]
                except RuntimeError as exc:
                    public_problem = f"the public client failed: {exc}"
            row = results[kind] = {name: median_of(got) for name, got in samples.items() if got}
            print(kind, {k: f"{t:.2f}s {m:.0f}MB" for k, (t, m) in row.items()}, flush=True)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    write_section("upload", render(results, public_problem, quick))


PUBLIC_TARGET = 8.0  # the public client's time / ours, at least (small files)
JOBS = 4
#: The requests that go out together before the first file (plugins/upload/lookup.py): the
#: dataset's lookup, the telescope's, the dataset's creation beside them, and the site's.
LOOKUPS = 4


def render(results: dict[str, dict[str, tuple[float, float]]], public_problem: str | None,
           quick: bool) -> str:
    lines = [
        "`arcsecond upload` (4 jobs) against `arcsecond server start` on 127.0.0.1, beside curl "
        "(one process for all files: sequential with `--next`, and `--parallel-max 4`), the "
        f"public client `arcsecond=={PUBLIC_VERSION}` (Python 3.12 venv) and the Python floor "
        "(`floor_client.py`: the same POSTs from a bare requests session, 4 threads). Wall time "
        "of the whole command (start-up, dataset lookup and creation, summary included); every "
        "run checked to leave every file on the server. Modules load from bytecode, as after a "
        "regular install. The server keeps its files on a tmpfs when there is one (disk "
        "write-back stalls otherwise dominate). Runs interleaved; medians of "
        + ("1 run (quick mode)." if quick else
           f"{RUNS['small']} runs; the public client {PUBLIC_RUNS['small']} (small) and "
           f"{PUBLIC_RUNS['large']} (large)."),
        "",
        "| files | curl | curl x4 | Python floor | ours | public 4.5.0 | ours / fastest curl | "
        "ours / Python floor | public / ours | our peak RSS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    verdicts = []
    for kind, count, size in (SMALL, LARGE, ONE):
        row = results.get(kind, {})
        if "ours" not in row:
            continue
        floor = min(row["curl"][0], row["curl x4"][0])
        ours, rss = row["ours"]
        python = row["floor"][0]
        public = row.get("public")
        label = f"{count} x {size / 1e6:g} MB"
        lines.append(
            f"| {label} | {row['curl'][0]:.2f} s | {row['curl x4'][0]:.2f} s | {python:.2f} s | "
            f"{ours:.2f} s | " + (f"{public[0]:.2f} s | " if public else "n/a | ")
            + f"{ours / floor:.2f}x | {ours / python:.2f}x | "
            + (f"{public[0] / ours:.1f}x | " if public else "n/a | ")
            + f"{rss:.0f} MB |"
        )
        verdicts += loopback_verdicts(label, ours, python, floor)
        if kind == "one" and RATES.get("ours") and RATES.get("curl"):
            ours_rate = statistics.median(RATES["ours"])
            best = max(statistics.median(v) for k, v in RATES.items() if k != "ours")
            verdicts.append(f"{label}: the transfer's own rate, as each client reports it: ours "
                            f"{ours_rate:.0f} MB/s, curl's best {best:.0f} MB/s: "
                            f"{ours_rate / best:.2f}x (target >= 0.9x): "
                            f"{'met' if ours_rate / best >= 0.9 else 'NOT met'}")
        if kind == "small" and public:
            verdicts.append(f"{label}: {public[0] / ours:.1f}x faster than the public client "
                            f"(target >= {PUBLIC_TARGET:g}x): "
                            f"{'met' if public[0] / ours >= PUBLIC_TARGET else 'NOT met'}")
        if public:
            verdicts.append(f"{label}: public client peak RSS {public[1]:.0f} MB")
    most = JOBS + LOOKUPS
    for kind, count, _size in (SMALL, LARGE, ONE):
        if kind in CONNECTIONS:
            used = CONNECTIONS[kind]
            verdicts.append(f"{count} files: ours opened at most {used} TCP connections in a run "
                            f"(counted by the server; target <= {JOBS} jobs + {LOOKUPS} look-ups "
                            f"sent together = {most}): {'met' if used <= most else 'NOT met'}")
    peak = max((row["ours"][1] for row in results.values() if "ours" in row), default=0.0)
    verdicts.append(f"our peak RSS {peak:.0f} MB (target < {RSS_LIMIT_MB} MB): "
                    f"{'met' if peak < RSS_LIMIT_MB else 'NOT met'}")
    if public_problem:
        verdicts.append(f"public client not measured: {public_problem}")
    verdicts.append("the data folders live outside `benchmarks/.work`: the public client skips "
                    "every file whose absolute path has a part starting with a dot")
    verdicts.append("the machine has 2 cores: the server (one core's worth, Python) and the "
                    "client share them, so a client's own CPU time slows the server down")
    lines += ["", *[f"- {v}" for v in verdicts]]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
    sys.exit(0)

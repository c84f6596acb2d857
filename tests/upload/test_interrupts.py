"""Ctrl-C and SIGTERM at random moments of real uploads on a busy machine: never a hang, and the
ledger never says ``sent`` for a file the server does not have."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.testing import arcsecond_script

from .conftest import server_files

pytestmark = pytest.mark.e2e

RUNS = 20
EXIT_WITHIN = 10.0
CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


@pytest.fixture
def busy_machine() -> Iterator[None]:
    """A process burning a CPU for as long as the test runs."""
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        burner.kill()
        burner.wait(10)


def catches_sigterm(pid: int) -> bool:
    """True once the process has its own SIGTERM handler (the upload's interrupts are active)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught, 16) & (1 << (signal.SIGTERM - 1)))


def sent_in_ledger(config_dir: Path, dataset_uuid: str) -> dict[str, int]:
    """What the ledger says was sent to the dataset: remote name -> size."""
    path = config_dir / "uploads.sqlite3"
    if not path.exists():
        return {}
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT remote_name, size FROM files WHERE dataset = ? AND status = ?",
                          (dataset_uuid, "sent")).fetchall()
    return dict(rows)


def _whole(report: str) -> bool:
    """True when ``report`` is a whole upload report in which nothing was cancelled."""
    try:
        rows = json.loads(report)
    except ValueError:
        return False
    return all(row["status"] != "cancelled" for row in rows)


def interrupt_one(client: Any, root: Path, name: str, sig: int | None, delay: float
                  ) -> dict[str, Any]:
    """Start an upload, send ``sig`` ``delay`` seconds after its interrupts are active (none:
    let it finish), and see how it ends."""
    proc = subprocess.Popen(
        [arcsecond_script(), "upload", str(root), "-d", name, "--yes", "--jobs", "4", "-f", "json"],
        env=client.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    output: dict[str, str] = {}
    readers = [threading.Thread(target=lambda key=key, pipe=pipe: output.update({key: pipe.read()}))
               for key, pipe in (("out", proc.stdout), ("err", proc.stderr))]
    try:
        ready_by = time.monotonic() + 60
        while not catches_sigterm(proc.pid) and proc.poll() is None:
            assert time.monotonic() < ready_by, "the upload never started"
            time.sleep(0.01)
        for reader in readers:
            reader.start()
        time.sleep(delay)
        signalled = time.monotonic()
        if sig is not None:
            proc.send_signal(sig)
        try:
            proc.wait(EXIT_WITHIN if sig is not None else 120)
            hung = False
        except subprocess.TimeoutExpired:
            hung = True
        seconds = time.monotonic() - signalled
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    for reader in readers:
        reader.join(10)
    return {"code": proc.returncode, "hung": hung, "seconds": seconds,
            "out": output.get("out", ""), "err": output.get("err", "")}


def test_twenty_interrupts_at_random_moments_never_hang_and_keep_the_ledger_true(
    arcsecond_client: Any, tmp_path: Path, busy_machine: None
) -> None:
    root = tmp_path / "night"
    root.mkdir()
    for number in range(120):
        (root / f"frame{number:03d}.fits").write_bytes(os.urandom(100_000))
    # How long a whole upload takes here and now: the signals fall within that time.
    whole = interrupt_one(arcsecond_client, root, "whole", None, 0.0)
    assert whole["code"] == 0, whole["err"]
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    interrupted, slowest = 0, 0.0
    for run in range(RUNS):
        sig = signal.SIGTERM if run % 3 == 2 else signal.SIGINT
        delay = chance.uniform(0.0, 0.6 * whole["seconds"])
        name = f"stopped-{run}"
        result = interrupt_one(arcsecond_client, root, name, sig, delay)
        where = f"run {run} (seed {seed}, {sig.name} after {delay:.2f} s): {result['err'][-2000:]}"
        assert not result["hung"], f"still running {EXIT_WITHIN} s after the signal; {where}"
        assert "Traceback" not in result["err"], where
        # Over before the signal: exit 0, or killed while the interpreter was ending (it puts
        # the default handlers back then) after the whole report was out.
        over = result["code"] == 0 or (result["code"] == -sig and _whole(result["out"]))
        if not over:
            interrupted += 1
            slowest = max(slowest, result["seconds"])
            assert result["code"] == CODES[sig], where
            assert result["err"].count("interrupted") == 1, where
        if result["out"].strip():
            json.loads(result["out"])  # one report, whole
        with arcsecond_client.api() as api:
            found = [d for d in api.datasets.list(name=name) if d["name"] == name]
        if not found:
            continue
        on_server = {f["file_name"]: f["size"] for f in server_files(arcsecond_client, name)}
        claimed = sent_in_ledger(arcsecond_client.config_dir, found[0]["uuid"])
        wrong = {n: s for n, s in claimed.items() if on_server.get(n) != s}
        assert not wrong, f"the ledger says sent, the server disagrees: {wrong}; {where}"
    print(f"{interrupted} of {RUNS} runs interrupted; the slowest exited {slowest:.2f} s after")
    assert interrupted >= RUNS // 2, f"only {interrupted} of {RUNS} runs were interrupted"


def test_with_yes_sigterm_is_never_handed_back_to_its_default_action(
    arcsecond_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--yes`` asks nothing, so the handlers stay from the start of the upload to its end: a
    SIGTERM just after the plan was printed once found the default action and killed the upload
    with nothing said (exit -15 instead of 143)."""
    from arcsecond_core.cli.app import ArcsecondApp

    root = tmp_path / "night"
    root.mkdir()
    for number in range(3):
        (root / f"frame{number}.fits").write_bytes(os.urandom(1000))
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(arcsecond_client.config_dir))
    install = signal.signal
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    sigterm_handlers: list[Any] = []

    def recording(signum: int, handler: Any) -> Any:
        if signum == signal.SIGTERM:
            sigterm_handlers.append(handler)
        return install(signum, handler)

    monkeypatch.setattr(signal, "signal", recording)
    out, err = io.StringIO(), io.StringIO()
    try:
        code = ArcsecondApp(stdin=io.StringIO(), stdout=out, stderr=err).run(
            ["upload", str(root), "-d", "kept", "--yes", "-f", "json"])
    finally:
        install(signal.SIGTERM, before[0])
        install(signal.SIGINT, before[1])
    assert code == 0, err.getvalue()
    assert len(json.loads(out.getvalue())) == 3
    assert len(sigterm_handlers) == 1, f"SIGTERM's handler was changed mid-run: {sigterm_handlers}"
    assert callable(sigterm_handlers[0])

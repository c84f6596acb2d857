"""The least a Python client built on requests can do: the benchmarks' "Python floor".

Run as a script by the upload and download benchmarks, beside ``arcsecond`` and curl, to show
how much of our time is the language and the HTTP library rather than this project:

- ``upload URL KEY DATASET_UUID JOBS FILE...``: the multipart POSTs curl sends, on a pooled
  session and JOBS threads (no ledger, no comparison, no report);
- ``download URL KEY JOBS LIST``: each ``ID NAME OUTPUT_PATH`` line of LIST streamed to a
  temporary file, hashed with sha256, fsynced and renamed, as ``arcsecond download`` does (no
  listing, no resume, no report).

Imports nothing of this project: its start-up is Python's and requests'.
"""

from __future__ import annotations

import hashlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import requests

BLOCK = 1024 * 1024


def session(key: str, jobs: int) -> requests.Session:
    http = requests.Session()
    http.headers["X-Arcsecond-API-Authorization"] = f"Key {key}"
    http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=jobs))
    return http


def upload(url: str, key: str, dataset: str, jobs: int, paths: list[str]) -> None:
    http = session(key, jobs)

    def send(path: str) -> None:
        with open(path, "rb") as handle:
            answer = http.post(f"{url}/datafiles/", data={"dataset": dataset, "is_raw": "True"},
                               files={"file": (os.path.basename(path), handle)})
        answer.raise_for_status()

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(send, paths))


def download(url: str, key: str, jobs: int, listing: str) -> None:
    http = session(key, jobs)
    with open(listing) as handle:
        lines = [line.rstrip("\n").split(" ", 2) for line in handle if line.strip()]

    def fetch(line: list[str]) -> str:
        file_id, _name, output = line
        partial = output + ".part"
        digest = hashlib.sha256()
        with http.get(f"{url}/datafiles/{file_id}/download/", stream=True) as answer:
            answer.raise_for_status()
            with open(partial, "wb") as out:
                for block in answer.iter_content(BLOCK):
                    out.write(block)
                    digest.update(block)
                out.flush()
                os.fsync(out.fileno())
        os.replace(partial, output)
        return digest.hexdigest()

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(fetch, lines))


def main(argv: list[str]) -> int:
    if argv[:1] == ["upload"]:
        upload(argv[1], argv[2], argv[3], int(argv[4]), argv[5:])
    elif argv[:1] == ["download"]:
        download(argv[1], argv[2], int(argv[3]), argv[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

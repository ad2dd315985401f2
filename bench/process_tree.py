"""Run a command and measure its wall time and the peak memory of it and all its children.

A build runs worker processes, so the peak of one process (``ru_maxrss``) understates what it
needs. The resident memory of the whole process tree is sampled from /proc instead (Linux).
"""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    #: highest sum of resident memory over the process and its descendants, in MiB
    peak_rss_mb: float


def run_measured(
    command: list[str], *, env: dict[str, str] | None = None, timeout: float | None = None
) -> Finished:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kib(process.pid))
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        done.set()
        sampler.join()
        if process.poll() is None:
            process.kill()
            process.wait()
    return Finished(
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        seconds=time.perf_counter() - started,
        peak_rss_mb=peak[0] / 1024,
    )


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and every descendant, in KiB (0 once it has exited)."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        total += _rss_kib(current)
        todo.extend(_children(current))
    return total


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            children.extend(int(child) for child in text.split())
    except (OSError, ValueError):
        pass
    return children

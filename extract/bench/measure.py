"""Run one step in a child process and measure it: wall time, CPU time, peak memory.

Memory is sampled every ~50 ms from ``/proc/<pid>/status`` of the child and all of its
descendants, summed per sample: ``RssAnon`` (anonymous resident memory: heap, DuckDB buffers,
Python objects) and ``VmRSS`` (which also counts file pages mapped from the input files and
shared libraries, and so overstates what the step costs in memory). The peak of each sum is
reported. CPU time is user + system of the child's whole process tree (``RUSAGE_CHILDREN``).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.05
TREE_EVERY = 10


@dataclass
class Measured:
    label: str
    wall_s: float
    cpu_s: float
    peak_anon_bytes: int
    peak_rss_bytes: int
    returncode: int
    result: dict = field(default_factory=dict)  # what the step printed as its last JSON line
    stderr_tail: str = ""
    load: str = ""  # load averages when the step started

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _status_kb(pid: int) -> tuple[int, int]:
    """(RssAnon, VmRSS) of one process in kB; zeros when it is gone."""
    anon = rss = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    anon = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return anon, rss


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (the kernel here has no /proc/<pid>/task/*/children)."""
    out: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                stat = fh.read()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        out[int(name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    return out


def process_tree(pid: int) -> list[int]:
    """``pid`` and all of its descendants."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def tree_memory(pids: list[int]) -> tuple[int, int]:
    """Summed (RssAnon, VmRSS) in bytes over ``pids``."""
    anon = rss = 0
    for p in pids:
        a, r = _status_kb(p)
        anon += a
        rss += r
    return anon * 1024, rss * 1024


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_anon = 0
        self.peak_rss = 0
        self.stop = threading.Event()

    def run(self) -> None:
        tick = 0
        pids = [self.pid]
        while not self.stop.is_set():
            if tick % TREE_EVERY == 0:  # new descendants are looked for every ~0.5 s
                pids = process_tree(self.pid)
            tick += 1
            anon, rss = tree_memory(pids)
            self.peak_anon = max(self.peak_anon, anon)
            self.peak_rss = max(self.peak_rss, rss)
            self.stop.wait(SAMPLE_SECONDS)


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_measured(
    label: str, cmd: list[str], *, env: dict[str, str], cwd: Path, log: Path | None = None
) -> Measured:
    """Run ``cmd`` to completion while sampling its memory. The child's stdout goes to ``log``
    (if given); its last line, when it is JSON, becomes :attr:`Measured.result`."""
    cpu_before = _cpu_children()
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = _Sampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    cpu = _cpu_children() - cpu_before
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a") as fh:
            fh.write(f"### {label}: {' '.join(cmd)}\n{out}\n--- stderr ---\n{err}\n")
    result: dict = {}
    lines = [line for line in out.strip().splitlines() if line.strip()]
    if lines:
        try:
            result = json.loads(lines[-1])
        except json.JSONDecodeError:
            result = {}
    return Measured(
        label,
        wall,
        cpu,
        sampler.peak_anon,
        sampler.peak_rss,
        proc.returncode,
        result if isinstance(result, dict) else {},
        err[-3000:],
    )

"""What the server benchmarks share: starting the real server, watching its resources, percentiles.

The scripts beside this module (``stream.py``, ``classroom.py``, ``soak.py``)
are run as ``python benchmarks/NAME.py``, which puts this directory on
``sys.path``, so they import it as ``harness``.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
ENV_PREFIX = "NEURAL_PLAYGROUND_"
ONE_ADDRESS_FOR_A_CLASS = {
    f"{ENV_PREFIX}MAX_SESSIONS_PER_CLIENT": "100000",
    f"{ENV_PREFIX}MAX_MEMORY_PER_CLIENT_MB": "100000",
    f"{ENV_PREFIX}MAX_SAVES_PER_MINUTE": "100000",
}
STARTUP_TIMEOUT = 30.0


# ---- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def start_server(workdir: Path, database_url: str | None = None, per_client_caps: bool = False) -> Server:
    """``python -m app.cli serve`` on a free port with its runs in PostgreSQL at ``database_url``,
    or else in a SQLite file in ``workdir``; the log goes there too. Without ``per_client_caps``
    the caps per client address are lifted (unless set in the environment): the load comes
    from this one address, standing for a whole class."""
    port = free_port()
    log = workdir / "server.log"
    command = [sys.executable, "-m", "app.cli", "serve", "--host", HOST, "--port", str(port)]
    if database_url:
        command += ["--database-url", database_url]
    else:
        command += ["--db", str(workdir / "runs.sqlite3")]
    env = dict(os.environ) if per_client_caps else {**ONE_ADDRESS_FOR_A_CLASS, **os.environ}
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    return Server(process, port, log)


def wait_healthy(server: Server, timeout: float = STARTUP_TIMEOUT) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.process.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{server.url}/api/health", timeout=1.0)
            if response.status_code == 200:
                return dict(response.json())
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /api/health within {timeout:g} s:\n{server.log_tail()}")


def stop_server(server: Server) -> None:
    """SIGINT (uvicorn's graceful shutdown), then SIGKILL if it lingers."""
    process = server.process
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=8)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextlib.contextmanager
def running_server(prefix: str, database_url: str | None = None, per_client_caps: bool = False) -> Iterator[Server]:
    """A healthy server in a temporary directory, stopped (and the directory removed) on exit."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        server = start_server(Path(tmp), database_url, per_client_caps)
        try:
            wait_healthy(server)
            yield server
        finally:
            stop_server(server)


def server_settings(per_client_caps: bool = False) -> dict[str, str]:
    """The NEURAL_PLAYGROUND_* variables the server started by ``start_server`` runs with."""
    env = dict(os.environ) if per_client_caps else {**ONE_ADDRESS_FOR_A_CLASS, **os.environ}
    return {k: v for k, v in sorted(env.items()) if k.startswith(ENV_PREFIX)}


# ---- watching the server's resources ----------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    at: float
    cpu_seconds: float  # user + system, the server and its children
    threads: dict[int, float]  # thread id -> user + system seconds (the server process)
    rss: int


@dataclass(frozen=True)
class Resources:
    """What the server's process tree holds at one moment."""

    rss: int
    processes: int
    threads: int
    fds: int
    sockets: int  # open socket file descriptors, all processes
    connections: int  # TCP connections (not listening), all processes, but the database's
    rss_by_process: tuple[int, ...] = ()  # the server first, then its children by pid
    database: int = 0  # TCP connections to the runs database (its pool's, not counted above)


class ServerProbe:
    """psutil on the server's pid (and any children)."""

    def __init__(self, pid: int, database_port: int | None = None) -> None:
        self.pid = pid
        self.database_port = database_port
        self.process = psutil.Process(pid)

    def tree(self) -> list[psutil.Process]:
        with contextlib.suppress(psutil.Error):
            return [self.process, *self.process.children(recursive=True)]
        return [self.process]

    def rss(self) -> int:
        total = 0
        for p in self.tree():
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total

    def snapshot(self) -> Snapshot:
        cpu = cpu_seconds(self.tree())
        threads = {t.id: t.user_time + t.system_time for t in self.process.threads()}
        return Snapshot(time.monotonic(), cpu, threads, self.rss())

    def resources(self) -> Resources:
        rss = threads = fds = sockets = connections = database = 0
        tree = [self.process, *sorted(self.tree()[1:], key=lambda p: p.pid)]
        by_process = []
        for p in tree:
            with contextlib.suppress(psutil.Error):
                by_process.append(p.memory_info().rss)
                rss += by_process[-1]
                threads += p.num_threads()
                fds += p.num_fds()
                sockets += count_sockets(p.pid)
                for c in p.net_connections(kind="tcp"):
                    if c.status == psutil.CONN_LISTEN:
                        continue
                    if c.raddr and c.raddr.port == self.database_port:
                        database += 1
                    else:
                        connections += 1
        # The database pool's sockets come and go with its load: they are reported apart.
        sockets -= database
        return Resources(rss, len(tree), threads, fds, sockets, connections, tuple(by_process), database)

    def thread_label(self, tid: int) -> str:
        if tid == self.pid:
            return "main (event loop)"
        try:
            name = Path(f"/proc/{self.pid}/task/{tid}/comm").read_text().strip()
        except OSError:
            name = "?"
        return f"thread {tid} ({name})"


def cpu_seconds(processes: Iterable[psutil.Process]) -> float:
    """User and system CPU time of these processes, in seconds (those gone meanwhile count 0)."""
    total = 0.0
    for p in processes:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def count_sockets(pid: int) -> int:
    """File descriptors of ``pid`` that are sockets (Linux: /proc/PID/fd links to ``socket:[inode]``)."""
    count = 0
    with contextlib.suppress(OSError):
        for fd in os.scandir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(fd.path).startswith("socket:"):
                    count += 1
    return count


# ---- figures ----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def mark(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "MISS")


def environment(**versions: str) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        **versions,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }

"""A throwaway PostgreSQL server for tests: Debian's ``postgresql`` package, started on a
free port and a temporary data directory, removed afterwards.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
system user (which the package creates) in a directory it owns. It listens on
127.0.0.1 only, with no Unix socket, so it never meets a cluster the package may
have started on 5432. Without PostgreSQL the tests that need it skip, saying
why; with CI=true they fail instead.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.processes import HOST, IN_CI, free_port

INSTALL = "apt-get install -y postgresql"
START_SECONDS = 30
SYSTEM_USER = "postgres"


def bin_dir() -> Path | None:
    """The newest installed server's binaries (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


def missing() -> str | None:
    if bin_dir() is None:
        return f"PostgreSQL is not installed ({INSTALL})"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            return f"running as root, PostgreSQL needs the '{SYSTEM_USER}' user ({INSTALL} creates it)"
    return None


def require_postgres() -> None:
    reason = missing()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)


class PostgresServer:
    """``postgres`` in the foreground, as a child process of the tests; start() waits until it answers."""

    def __init__(self) -> None:
        found = bin_dir()
        assert found is not None, missing()
        self.bin = found
        self.root = Path(tempfile.mkdtemp(prefix="np-postgres-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._databases = itertools.count(1)
        self._as: dict[str, Any] = {}
        if os.geteuid() == 0:
            user = pwd.getpwnam(SYSTEM_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"

    def init(self) -> None:
        command = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
        command += ["--encoding=UTF8", "--locale=C"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, **self._as)
        assert done.returncode == 0, done.stderr

    def start(self) -> None:
        command = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        command += ["-c", f"listen_addresses={HOST}", "-c", "unix_socket_directories="]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **self._as)
        deadline = time.monotonic() + START_SECONDS
        while True:
            with contextlib.suppress(psycopg.OperationalError), psycopg.connect(self.url(), connect_timeout=2):
                return
            assert self.proc.poll() is None, f"postgres exited: {self.log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"postgres did not answer in {START_SECONDS} s"
            time.sleep(0.1)

    def stop(self) -> None:
        """A fast shutdown: clients are disconnected, the data is kept."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def create_database(self) -> str:
        """A new, empty database; its URL."""
        name = f"runs_{next(self._databases)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A started server, or a skip (a failure in CI) when PostgreSQL is missing."""
    require_postgres()
    server = PostgresServer()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()

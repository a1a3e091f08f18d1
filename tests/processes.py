"""The real server as a subprocess, for tests that need what only a process has: a socket,
a SIGKILL, the environment it starts from."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_SECONDS = 30
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for_health(url: str, process: subprocess.Popen[bytes], seconds: float = START_SECONDS) -> None:
    """Until ``url``/api/health answers 200; fails if ``process`` exits or time runs out first."""
    deadline = time.monotonic() + seconds
    while True:
        with (
            contextlib.suppress(OSError, http.client.HTTPException),
            urllib.request.urlopen(f"{url}/api/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        assert process.poll() is None, f"process {process.pid} exited with status {process.returncode}"
        assert time.monotonic() < deadline, f"{url} did not answer in {seconds:g} s"
        time.sleep(0.1)


def descendants(pid: int) -> list[int]:
    """The process ids under ``pid`` (e.g. session workers), from /proc; empty where there is none."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for child in children.read_text().split():
                found += [int(child), *descendants(int(child))]
    return found


def reap(pids: list[int]) -> None:
    """SIGKILL, by id, the processes the server started that outlived it; wait until they are gone."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)


class ServerProcess:
    """``python -m app.cli serve`` on 127.0.0.1 and a free port; start() waits until /api/health answers.

    With ``flags=False`` the host, port and database are given the way a container gives
    them, as NEURAL_PLAYGROUND_* variables, and the command is a bare ``serve``.
    """

    def __init__(self, db: Path, log: Path | None = None, env: dict[str, str] | None = None, flags: bool = True):
        self.db = db
        self.log = log
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.flags = flags
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "app.cli", "serve"]
        env = dict(self.env)
        if self.flags:
            command += ["--host", HOST, "--port", str(self.port), "--db", str(self.db)]
        else:
            env |= {"NEURAL_PLAYGROUND_HOST": HOST, "NEURAL_PLAYGROUND_PORT": str(self.port)}
            env["NEURAL_PLAYGROUND_DB"] = str(self.db)
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(self.log.open("ab")) if self.log else subprocess.DEVNULL
            self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_health(self.url, self.proc)
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {self.log_tail()}") from None

    def log_tail(self) -> str:
        return self.log.read_text()[-2000:] if self.log and self.log.exists() else "(no log)"

    def request(self, method: str, path: str, body: Any = None, timeout: float = 30) -> tuple[int, Any]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            data = None if body is None else json.dumps(body).encode()
            headers = {"content-type": "application/json"} if data is not None else {}
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read()
            return response.status, json.loads(text) if text else None
        finally:
            conn.close()

    def kill(self) -> None:
        """SIGKILL the server process: no shutdown, no cleanup. Then end any workers it left."""
        assert self.proc is not None
        workers = descendants(self.proc.pid)
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None
        reap(workers)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            workers = descendants(self.proc.pid)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            reap(workers)
        self.proc = None

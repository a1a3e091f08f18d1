"""Saved runs survive a server killed with SIGKILL in the middle of saving.

The real server (``python -m app.cli serve``) runs on a temporary SQLite file;
a session with a sizeable network is trained a little, then many threads save
it as runs at once, and the process is killed with SIGKILL while those saves
are in flight. This happens over a few rounds on the same file. Afterwards:

- every run whose POST /api/runs answered 201 (before or after the kill) is
  readable in full from a restarted server: its document, title and layers;
- the database passes ``PRAGMA integrity_check``;
- no half-written run exists: every stored row's JSON parses and validates as
  a model document with the layers that were saved.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app.schemas import ModelDocument
from app.storage import SLUG_PATTERN

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
    pytest.mark.timeout(240),
]

REPO = Path(__file__).resolve().parents[1]
SERVE = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
ROUNDS = 5
THREADS = 8
KILL_AFTER = 12  # 201s in a round before the kill (with more saves still in flight)
# A network whose document is about 450 KB, so that a save takes long enough to be cut.
CONFIG: dict[str, Any] = {
    "dataset": {"name": "spiral", "samples": 400, "classes": 3},
    "hidden_layers": [64, 64, 64, 64, 64, 64],
    "activation": "tanh",
    "batch_size": 50,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    """The process ids under ``pid`` (e.g. session workers), from /proc; empty where there is none."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for child in children.read_text().split():
                found += [int(child), *_descendants(int(child))]
    return found


def _reap(pids: list[int]) -> None:
    """SIGKILL, by id, the processes the server started that outlived it; wait until they are gone."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)


class Server:
    """One server process on ``db``; start() waits until /api/health answers."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db = db
        self.log = log
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.port = _free_port()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [*SERVE, "--port", str(self.port), "--db", str(self.db)],
                cwd=REPO,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.request("GET", "/api/health", timeout=2)[0] == 200:
                    return
            assert self.proc.poll() is None, f"the server exited: {self.log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.1)

    def request(self, method: str, path: str, body: Any = None, timeout: float = 30) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
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
        workers = _descendants(self.proc.pid)
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None
        _reap(workers)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            workers = _descendants(self.proc.pid)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            _reap(workers)
        self.proc = None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path / "runs.sqlite3", tmp_path / "server.log")
    try:
        yield s
    finally:
        s.stop()


@dataclass
class Saves:
    """What the saving threads saw: the runs acknowledged with 201, and everything else."""

    acked: dict[str, str] = field(default_factory=dict)  # slug -> title
    other: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)


def _save_until_stopped(server: Server, session_id: str, worker: int, saves: Saves, round_: int) -> None:
    for i in range(1000):
        if saves.stop.is_set():
            return
        title = f"round {round_} worker {worker} save {i}"
        try:
            status, body = server.request("POST", "/api/runs", {"session_id": session_id, "title": title}, timeout=20)
        except (OSError, http.client.HTTPException) as exc:  # the server is gone
            with saves.lock:
                saves.other.append(f"{title}: {type(exc).__name__}")
            return
        with saves.lock:
            if status == 201:
                saves.acked[body["slug"]] = title
                if len(saves.acked) >= KILL_AFTER:
                    saves.enough.set()
            else:
                saves.other.append(f"{title}: {status} {body}")


def _check_database(db: Path, layers: dict[str, Any], acked: dict[str, str]) -> None:
    """Integrity, and every row a whole, valid document with the saved layers."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute("SELECT slug, title, created_at, document FROM runs").fetchall()
    stored = {}
    for slug, title, created_at, text in rows:
        assert SLUG_PATTERN.match(slug), slug
        assert isinstance(title, str) and title.startswith("round "), title
        assert isinstance(created_at, str) and created_at, created_at
        document = json.loads(text)  # a half-written row would not parse
        ModelDocument.model_validate(document)
        assert document["layers"] == layers[title.split(" worker")[0]], f"run {slug} holds other weights"
        stored[slug] = title
    missing = {slug: title for slug, title in acked.items() if stored.get(slug) != title}
    assert not missing, f"runs acknowledged with 201 but not stored: {missing}"


def test_saved_runs_survive_sigkill_mid_save(server: Server) -> None:
    acked: dict[str, str] = {}
    layers: dict[str, Any] = {}  # "round N" -> the layers every save of that round stored
    in_flight_at_kill = []
    for round_ in range(ROUNDS):
        server.start()
        status, created = server.request("POST", "/api/sessions", {**CONFIG, "seed": round_})
        assert status == 201, created
        sid = created["id"]
        status, _ = server.request("POST", f"/api/sessions/{sid}/step", {"steps": 5, "unit": "epoch"})
        assert status == 200
        status, export = server.request("GET", f"/api/sessions/{sid}/export")
        assert status == 200
        layers[f"round {round_}"] = export["layers"]

        saves = Saves()
        workers = [
            threading.Thread(target=_save_until_stopped, args=(server, sid, w, saves, round_), daemon=True)
            for w in range(THREADS)
        ]
        for w in workers:
            w.start()
        assert saves.enough.wait(60), f"too few saves answered: {len(saves.acked)}, {saves.other[:5]}"
        with saves.lock:
            in_flight_at_kill.append(sum(w.is_alive() for w in workers))
        server.kill()  # SIGKILL: no shutdown, no cleanup, saves cut wherever they are
        saves.stop.set()
        for w in workers:
            w.join(timeout=30)
            assert not w.is_alive(), "a saving thread hung"
        acked.update(saves.acked)
        # Straight after the kill, before any server opens the file again.
        _check_database(server.db, layers, acked)

    assert min(in_flight_at_kill) > 0  # every kill landed with saves in flight

    server.start()
    for slug, title in acked.items():
        status, document = server.request("GET", f"/api/runs/{slug}")
        assert status == 200, (slug, document)
        ModelDocument.model_validate(document)
        assert document["run"]["slug"] == slug and document["run"]["title"] == title
        assert document["layers"] == layers[title.split(" worker")[0]]
    # A saved run still opens as a session with exactly those weights.
    slug, title = next(iter(acked.items()))
    status, opened = server.request("POST", f"/api/runs/{slug}/open")
    assert status == 201, opened
    status, export = server.request("GET", f"/api/sessions/{opened['id']}/export")
    assert status == 200 and export["layers"] == layers[title.split(" worker")[0]]
    server.stop()
    _check_database(server.db, layers, acked)

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
import signal
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.api.schemas import ModelDocument
from app.serving.runs_store import SLUG_PATTERN
from tests.deploy.saves import BIG_NETWORK, Saves
from tests.processes import ServerProcess

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
    pytest.mark.timeout(240),
]

ROUNDS = 5
THREADS = 8
KILL_AFTER = 12  # 201s in a round before the kill (with more saves still in flight)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    s = ServerProcess(tmp_path / "runs.sqlite3", tmp_path / "server.log")
    try:
        yield s
    finally:
        s.stop()


def _save_until_stopped(server: ServerProcess, session_id: str, worker: int, saves: Saves, round_: int) -> None:
    for i in range(1000):
        if saves.stop.is_set():
            return
        title = f"round {round_} worker {worker} save {i}"
        try:
            status, body = server.request("POST", "/api/runs", {"session_id": session_id, "title": title}, timeout=20)
        except (OSError, http.client.HTTPException) as exc:
            saves.failed(title, exc)
            return
        saves.answered(title, status, body)


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


def test_saved_runs_survive_sigkill_mid_save(server: ServerProcess) -> None:
    acked: dict[str, str] = {}
    layers: dict[str, Any] = {}  # "round N" -> the layers every save of that round stored
    in_flight_at_kill = []
    for round_ in range(ROUNDS):
        server.start()
        status, created = server.request("POST", "/api/sessions", {**BIG_NETWORK, "seed": round_})
        assert status == 201, created
        sid = created["id"]
        status, _ = server.request("POST", f"/api/sessions/{sid}/step", {"steps": 5, "unit": "epoch"})
        assert status == 200
        status, export = server.request("GET", f"/api/sessions/{sid}/export")
        assert status == 200
        layers[f"round {round_}"] = export["layers"]

        saves = Saves(KILL_AFTER)
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

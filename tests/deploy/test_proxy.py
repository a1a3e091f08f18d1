"""Several servers behind nginx, configured by docs/nginx.conf, act as one playground.

Two servers (instances ``a`` and ``b``, each with its own SQLite file) and nginx
run on 127.0.0.1, nginx with the documented configuration and only its ports
changed. Everything goes through the proxy: sessions are created on either server and every later request about one
(REST, its WebSocket stream, saving it, its watch link, opening the saved run)
reaches the server that holds it. A request that reached the other server would
answer 404.

nginx is needed (Debian: apt-get install -y nginx-light). Outside CI the test
skips when it is missing; with CI=true it must run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from websockets.sync.client import connect

from tests.deploy.nginx import running_proxy
from tests.processes import ServerProcess

SESSIONS = 6


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[str]:
    servers = {
        name: ServerProcess(
            tmp_path / f"{name}.sqlite3",
            tmp_path / f"{name}.log",
            env={"NEURAL_PLAYGROUND_INSTANCE": name, "NEURAL_PLAYGROUND_WORKERS": "0"},
        )
        for name in ("a", "b")
    }
    with running_proxy(tmp_path, servers) as url:
        yield url


def frame_after_a_step(url: str, epoch: int) -> dict[str, object]:
    """Over the stream: subscribe, step one epoch, and read frames until one shows ``epoch``."""
    with connect(url.replace("http://", "ws://"), open_timeout=10) as ws:
        ws.send(json.dumps({"type": "subscribe", "fps": 10}))
        ws.send(json.dumps({"type": "step", "steps": 1, "unit": "epoch"}))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            message = json.loads(ws.recv(timeout=10))
            assert message["type"] == "frame", message
            if message["state"]["epoch"] == epoch:
                return message
    raise AssertionError(f"no frame of epoch {epoch}")


def test_every_request_reaches_the_server_that_holds_its_session(proxy: str) -> None:
    with httpx.Client(base_url=proxy, timeout=30) as http:
        assert http.get("/").status_code == 200
        ids = [http.post("/api/sessions", json={"hidden_layers": [3]}).json()["id"] for _ in range(SESSIONS)]
        assert {sid.split("-")[0] for sid in ids} == {"a", "b"}
        for sid in ids:
            instance = sid.split("-")[0]
            step = http.post(f"/api/sessions/{sid}/step", json={"steps": 2, "unit": "epoch"})
            assert step.status_code == 200 and step.json()["epoch"] == 2
            assert http.get(f"/api/sessions/{sid}/network").status_code == 200

            frame = frame_after_a_step(f"{proxy}/api/sessions/{sid}/stream", epoch=3)
            assert frame["boundary"]

            saved = http.post(f"/api/sessions/{sid}/runs", json={"title": sid})
            assert saved.status_code == 201
            slug = saved.json()["slug"]
            assert slug.startswith(f"{instance}-")
            assert http.get(f"/r/{slug}").status_code == 200
            assert http.get(f"/api/runs/{slug}").json()["run"]["title"] == sid
            opened = http.post(f"/api/runs/{slug}/open").json()["id"]
            assert opened.startswith(f"{instance}-")
            assert http.get(f"/api/sessions/{opened}").json()["state"]["epoch"] == 3

            token = http.post(f"/api/sessions/{sid}/watch").json()["token"]
            assert token.startswith(f"{instance}-")
            assert http.get(f"/watch/{token}").status_code == 200
            assert http.get(f"/api/watch/{token}").json()["state"]["epoch"] == 3

            assert http.delete(f"/api/sessions/{sid}").status_code == 204
            assert http.get(f"/api/sessions/{sid}").status_code == 404

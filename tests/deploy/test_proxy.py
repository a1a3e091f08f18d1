"""Several servers behind nginx, configured by docs/nginx.conf, act as one playground.

Two servers (instances ``a`` and ``b``) and nginx run on 127.0.0.1, nginx with the
documented configuration and only its ports changed. Everything goes through the
proxy: sessions are created on either server and every later request about one
(REST, its WebSocket stream, saving it, its watch link, opening the saved run)
reaches the server that holds it. A request that reached the other server would
answer 404.

nginx is needed (Debian: apt-get install -y nginx-light). Outside CI the test
skips when it is missing; with CI=true it must run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from websockets.sync.client import connect

from tests.processes import HOST, IN_CI, REPO, ServerProcess, free_port, wait_for_health

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SESSIONS = 6

MAIN_CONF = """
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/playground.conf;
}}
"""


def playground_conf(ports: dict[str, int], listen: int) -> str:
    """docs/nginx.conf with the servers' and the proxy's ports put in."""
    text = (REPO / "docs" / "nginx.conf").read_text()
    for name, documented in (("a", 8001), ("b", 8002)):
        assert f"127.0.0.1:{documented};" in text
        text = text.replace(f"127.0.0.1:{documented};", f"{HOST}:{ports[name]};")
    assert "listen 80;" in text
    return text.replace("listen 80;", f"listen {HOST}:{listen};")


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[str]:
    if NGINX is None:
        if IN_CI:
            pytest.fail("CI must run the proxy test, but nginx is not installed (apt-get install -y nginx-light)")
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")
    servers = {
        name: ServerProcess(
            tmp_path / f"{name}.sqlite3",
            tmp_path / f"{name}.log",
            env={"NEURAL_PLAYGROUND_INSTANCE": name, "NEURAL_PLAYGROUND_WORKERS": "0"},
        )
        for name in ("a", "b")
    }
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for server in servers.values():
            server.start()
        listen = free_port()
        (tmp_path / "playground.conf").write_text(playground_conf({n: s.port for n, s in servers.items()}, listen))
        (tmp_path / "nginx.conf").write_text(MAIN_CONF.format(tmp=tmp_path))
        command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(command, stderr=subprocess.PIPE)
        url = f"http://{HOST}:{listen}"
        wait_for_health(url, nginx, seconds=15)
        yield url
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for server in servers.values():
            server.stop()


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

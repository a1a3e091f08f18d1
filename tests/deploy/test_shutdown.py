"""Stopping the server while pages stream from it: streams close first, then the workers,
inside uvicorn's graceful timeout and without a traceback."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
from pathlib import Path

from websockets.sync.client import ClientConnection, connect

from tests.processes import HOST, ServerProcess

STREAMS = 4


def open_stream(server: ServerProcess, streams: contextlib.ExitStack) -> ClientConnection:
    status, created = server.request("POST", "/api/sessions", {"dataset": {"name": "spiral"}, "hidden_layers": [8, 8]})
    assert status == 201, created
    ws = streams.enter_context(connect(f"ws://{HOST}:{server.port}/api/sessions/{created['id']}/stream"))
    ws.send(json.dumps({"type": "subscribe", "fps": 20}))
    ws.send(json.dumps({"type": "play", "speed": "max"}))
    assert json.loads(ws.recv(timeout=10))["type"] == "frame"
    return ws


def test_sigint_with_open_streams_shuts_down_cleanly(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    server = ServerProcess(tmp_path / "runs.sqlite3", log, env={"NEURAL_PLAYGROUND_WORKERS": "2"})
    server.start()
    try:
        streams = contextlib.ExitStack()
        for _ in range(STREAMS):
            open_stream(server, streams)
        assert server.proc is not None
        server.proc.send_signal(signal.SIGINT)
        try:
            code = server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.stop()
            raise AssertionError(f"the server did not stop: {server.log_tail()}") from None
        text = log.read_text()
        assert code == 0, text[-2000:]
        assert "Traceback" not in text, text[-3000:]
        assert "timeout graceful shutdown exceeded" not in text, text[-2000:]
        assert "Application shutdown complete" in text
    finally:
        with contextlib.suppress(Exception):
            streams.close()
        server.stop()

"""Who may drive the server: Origin and Host checks, security headers, and ids kept out of the logs."""

from __future__ import annotations

import contextlib
import http.client
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from app.api.redact import RedactIds, redact, short_hash
from app.server import create_app
from app.settings import Settings
from tests.api.conftest import FakeClock, create
from tests.processes import HOST, REPO, ServerProcess

EVIL = "https://evil.example"
OWN = "http://testserver"  # TestClient's Host is "testserver"


def sessions(client: TestClient) -> int:
    return int(client.get("/api/health").json()["sessions"])


@pytest.fixture
def make_client(settings: Settings, clock: FakeClock) -> Iterator[Any]:
    """A client for an app made with other settings, or with the address it is bound to."""
    with pytest.MonkeyPatch.context() as patch, contextlib.ExitStack() as stack:

        def make(bind_host: str | None = None, **changes: Any) -> TestClient:
            for name, value in changes.items():
                patch.setattr(settings, name, value)
            return stack.enter_context(TestClient(create_app(settings, clock=clock, bind_host=bind_host)))

        yield make


# Origin


def test_a_bodyless_post_from_another_site_makes_no_session(client: TestClient) -> None:
    # What fetch(url, {method: "POST", mode: "no-cors"}) on another site's page sends.
    response = client.post("/api/sessions", headers={"origin": EVIL})
    assert response.status_code == 403
    assert "Origin" in response.json()["detail"]
    assert sessions(client) == 0


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/api/sessions", {"json": {}}),
        ("POST", "/api/sessions/{sid}/step", {"json": {"steps": 1}}),
        ("POST", "/api/sessions/{sid}/reset", {}),
        ("PATCH", "/api/sessions/{sid}", {"json": {"hidden_layers": [2]}}),
        ("PUT", "/api/sessions/{sid}/data", {"files": {"file": ("p.csv", "1,1,0\n2,2,1\n", "text/csv")}}),
        ("PUT", "/api/sessions/{sid}/data", {"content": "1,1,0\n2,2,1\n", "headers": {"content-type": "text/csv"}}),
        ("DELETE", "/api/sessions/{sid}", {}),
        ("POST", "/api/sessions/{sid}/runs", {"json": {"title": "x"}}),
        ("POST", "/api/sessions/{sid}/watch", {}),
    ],
)
def test_every_change_from_another_site_is_refused(
    client: TestClient, sid: str, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    before = client.get(f"/api/sessions/{sid}").json()
    headers = {"origin": EVIL, **kwargs.pop("headers", {})}
    response = client.request(method, path.format(sid=sid), headers=headers, **kwargs)
    assert response.status_code == 403, response.text
    assert "Origin" in response.json()["detail"]
    assert client.get(f"/api/sessions/{sid}").json() == before
    assert sessions(client) == 1


@pytest.mark.parametrize(
    "origin", ["null", "http://testserver:8000", "http://testserver.evil.example", "ftp://testserver"]
)
def test_origins_that_are_not_quite_the_server_are_refused(client: TestClient, origin: str) -> None:
    assert client.post("/api/sessions", json={}, headers={"origin": origin}).status_code == 403


def test_reads_from_another_site_are_served(client: TestClient, sid: str) -> None:
    # The browser keeps the answer from the other site's page (no CORS headers); nothing changes.
    assert client.get(f"/api/sessions/{sid}", headers={"origin": EVIL}).status_code == 200
    assert client.get("/api/options", headers={"origin": EVIL}).status_code == 200


def test_the_page_itself_is_served(client: TestClient) -> None:
    created = client.post("/api/sessions", json={"hidden_layers": [3]}, headers={"origin": OWN})
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    own = {"origin": OWN}
    assert client.post(f"/api/sessions/{sid}/step", headers=own).status_code == 200  # no body, no content type
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 2}, headers=own).status_code == 200
    assert client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [2]}, headers=own).status_code == 200
    upload = {"file": ("p.csv", "1,1,0\n2,2,1\n", "text/csv")}
    assert client.put(f"/api/sessions/{sid}/data", files=upload, headers=own).status_code == 200
    csv = {"content-type": "text/csv", **own}
    assert client.put(f"/api/sessions/{sid}/data", content="1,1,0\n2,2,1\n", headers=csv).status_code == 200
    assert client.delete(f"/api/sessions/{sid}", headers=own).status_code == 204


def test_a_browser_body_must_be_json(client: TestClient, sid: str) -> None:
    # A form on an allowed page could post text/plain without a preflight.
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        headers = {"origin": OWN, "content-type": kind}
        response = client.post("/api/sessions", content=b'{"hidden_layers": [3]}', headers=headers)
        assert response.status_code == 415, kind
        assert "Content-Type" in response.json()["detail"]
    assert sessions(client) == 1
    typed = {"origin": OWN, "content-type": "application/merge-patch+json"}
    assert client.patch(f"/api/sessions/{sid}", content=b'{"seed": 3}', headers=typed).status_code == 200


def test_programs_send_no_origin_and_any_content_type(client: TestClient, sid: str) -> None:
    response = client.post(f"/api/sessions/{sid}/step", content=b"", headers={"content-type": "text/plain"})
    assert response.status_code == 200, response.text


def test_allowed_origins_may_drive(make_client: Any) -> None:
    client = make_client(allowed_origins=["https://Courses.Example.org/", "http://localhost:5173"])
    for origin in ("https://courses.example.org", "https://courses.example.org:443", "http://localhost:5173"):
        assert client.post("/api/sessions", json={}, headers={"origin": origin}).status_code == 201, origin
    for origin in ("http://courses.example.org", "http://localhost:5174", EVIL):
        assert client.post("/api/sessions", json={}, headers={"origin": origin}).status_code == 403, origin


def test_the_own_origin_is_the_host_header(client: TestClient) -> None:
    cases = {
        ("http://localhost:8000", "localhost:8000"): 201,
        ("http://LOCALHOST:8000", "localhost:8000"): 201,
        ("http://play.school.org", "play.school.org"): 201,
        ("https://play.school.org", "play.school.org"): 201,
        ("http://play.school.org:80", "play.school.org"): 201,
        ("http://[::1]:8000", "[::1]:8000"): 201,
        ("http://localhost:9000", "localhost:8000"): 403,
        ("http://localhost", "localhost:8000"): 403,
        ("http://127.0.0.1:8000", "localhost:8000"): 403,
    }
    for (origin, host), status in cases.items():
        response = client.post("/api/sessions", json={}, headers={"origin": origin, "host": host})
        assert response.status_code == status, (origin, host)


def test_websocket_upgrades_from_another_site_are_refused(client: TestClient, sid: str) -> None:
    token = client.post(f"/api/sessions/{sid}/watch").json()["token"]
    for path in (f"/api/sessions/{sid}/stream", f"/api/watch/{token}/stream"):
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(path, headers={"origin": EVIL}):
            pass
        assert refused.value.code == 1008 and "Origin" in refused.value.reason
        for headers in ({"origin": OWN}, {}):
            with client.websocket_connect(path, headers=headers) as ws:
                assert ws.receive_json()["type"] == "frame"


# Host


@pytest.mark.parametrize("bind_host", ["127.0.0.1", "localhost", "::1", "127.0.1.1"])
def test_a_server_on_loopback_answers_only_to_loopback_names(make_client: Any, bind_host: str) -> None:
    client = make_client(bind_host=bind_host)
    for host in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LocalHost:1"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host
    for host in ("rebound.evil.example:8000", "testserver", "127.0.0.2:8000", "localhost.evil.example"):
        response = client.get("/api/health", headers={"host": host})
        assert response.status_code == 400, host
        assert "Host" in response.json()["detail"]
        assert response.headers["x-content-type-options"] == "nosniff"
    # A page rebound to 127.0.0.1 is its own origin, so the Host check is what stops it.
    rebound = {"host": "rebound.evil.example:8000", "origin": "http://rebound.evil.example:8000"}
    assert client.post("/api/sessions", json={}, headers=rebound).status_code == 400
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/api/sessions/x/stream", headers=rebound),
    ):
        pass
    assert refused.value.code == 1008 and "Host" in refused.value.reason


def test_allowed_hosts_are_served_on_loopback(make_client: Any) -> None:
    client = make_client(bind_host="127.0.0.1", allowed_hosts=["Play.School.org", "[fd00::1]"])
    for host in ("play.school.org", "play.school.org:8080", "[fd00::1]:8000", "localhost:8000"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host
    assert client.get("/api/health", headers={"host": "other.school.org"}).status_code == 400


@pytest.mark.parametrize("bind_host", ["0.0.0.0", "::", "192.168.1.20", None])
def test_a_server_on_all_interfaces_answers_to_any_host(make_client: Any, bind_host: str | None) -> None:
    client = make_client(bind_host=bind_host)
    for host in ("192.168.1.20:8000", "laptop.local", "testserver"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host


def test_allowed_hosts_limit_a_server_on_all_interfaces(make_client: Any) -> None:
    client = make_client(bind_host="0.0.0.0", allowed_hosts=["play.school.org"])
    assert client.get("/api/health", headers={"host": "play.school.org"}).status_code == 200
    assert client.get("/api/health", headers={"host": "127.0.0.1:8000"}).status_code == 200  # the health check
    assert client.get("/api/health", headers={"host": "192.168.1.20:8000"}).status_code == 400


def test_lists_come_from_the_environment_comma_separated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEURAL_PLAYGROUND_ALLOWED_ORIGINS", "https://a.example.org, http://b.example.org:8080")
    monkeypatch.setenv("NEURAL_PLAYGROUND_ALLOWED_HOSTS", "play.school.org,[::1]")
    monkeypatch.setenv("NEURAL_PLAYGROUND_FRAME_ANCESTORS", "'self' https://courses.example.org")
    settings = Settings(db=tmp_path / "runs.sqlite3")
    assert settings.allowed_origins == ["https://a.example.org", "http://b.example.org:8080"]
    assert settings.allowed_hosts == ["play.school.org", "[::1]"]
    assert settings.frame_ancestors == "'self' https://courses.example.org"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("allowed_origins", ["evil.example"]),
        ("allowed_origins", ["https://a.example.org/path"]),
        ("allowed_hosts", ["a.example.org/x"]),
        ("frame_ancestors", "'self'; script-src *"),
        ("frame_ancestors", "'self'\r\nX-Injected: 1"),
    ],
)
def test_bad_settings_are_refused(name: str, value: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=name):
        Settings(db=tmp_path / "runs.sqlite3", **{name: value})


# Security headers


def test_the_page_sends_a_content_security_policy(client: TestClient) -> None:
    for path in ("/", "/lessons", "/lessons/linear-model", "/watch/abc", "/r/abc"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
        assert policy["script-src"] == "'self' 'wasm-unsafe-eval'", path  # WebAssembly, never JS eval
        assert policy["connect-src"] == "'self'" and policy["object-src"] == "'none'"
        assert "frame-ancestors" not in policy  # teachers embed the page in course sites
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "x-frame-options" not in response.headers


def test_every_response_says_nosniff(client: TestClient, sid: str) -> None:
    static = client.get("/").text.split('href="')[1].split('"')[0]  # the stylesheet
    for path in ("/api/options", f"/api/sessions/{sid}", "/api/sessions/nope", static, "/openapi.json"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "same-origin", path


def test_framing_is_a_setting(make_client: Any) -> None:
    client = make_client(frame_ancestors="'self' https://courses.example.org")
    policy = client.get("/").headers["content-security-policy"]
    assert policy.endswith("; frame-ancestors 'self' https://courses.example.org")


def test_the_api_docs_get_a_policy_they_work_under(client: TestClient) -> None:
    assert "<script>" in client.get("/docs").text  # Swagger UI starts inline: what the looser policy is for
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 200
        assert "script-src 'self' 'unsafe-inline'" in response.headers["content-security-policy"]


def test_templates_hold_no_inline_script_or_handler() -> None:
    # script-src 'self' would block them.
    for template in (REPO / "templates").glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name
        assert "javascript:" not in text, template.name


# Ids in the logs


def test_paths_with_ids_are_hashed() -> None:
    sid, token = "a-3kPq7vTg0cY2mXbLw9RzQA", "Zm9vYmFyYmF6cXV4cXV1eA"
    assert redact(f"/api/sessions/{sid}/step?x=1") == f"/api/sessions/{short_hash(sid)}/step?x=1"
    assert redact(f"/api/sessions/{sid}") == f"/api/sessions/{short_hash(sid)}"
    assert redact(f'"WebSocket /api/watch/{token}/stream"') == f'"WebSocket /api/watch/{short_hash(token)}/stream"'
    assert redact(f"GET /watch/{token} 200") == f"GET /watch/{short_hash(token)} 200"
    assert redact("/api/sessions/import") == "/api/sessions/import"
    assert redact("/api/sessions") == "/api/sessions"
    assert short_hash(sid) == short_hash(sid) != short_hash(token) and len(short_hash(sid)) == 9


def test_the_filter_rewrites_access_lines_and_tracebacks() -> None:
    sid = "3kPq7vTg0cY2mXbLw9RzQA"
    access = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", f"/api/sessions/{sid}/step", "1.1", 200), None,
    )  # fmt: skip
    assert RedactIds().filter(access)
    assert len(access.args or ()) == 5 and sid not in access.getMessage()
    try:
        raise RuntimeError(f"failed on /api/sessions/{sid}/step")
    except RuntimeError:
        failure = logging.LogRecord("neural_playground", logging.ERROR, __file__, 1, "x", (), sys.exc_info())
    RedactIds().filter(failure)
    assert sid not in logging.Formatter().format(failure) and short_hash(sid) in (failure.exc_text or "")


def test_error_lines_name_no_session(
    settings: Settings, clock: FakeClock, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("a bug")

    with TestClient(create_app(settings, clock=clock), raise_server_exceptions=False) as client:
        sid = create(client, hidden_layers=[2])
        monkeypatch.setattr(client.app.state.store, "touch", broken)  # type: ignore[attr-defined]
        with caplog.at_level(logging.ERROR, "neural_playground"):
            assert client.post(f"/api/sessions/{sid}/reset").status_code == 500
    assert "unhandled error on POST" in caplog.text
    assert sid not in caplog.text and f"/api/sessions/{short_hash(sid)}/reset" in caplog.text


def test_the_real_servers_log_holds_no_session_id(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "runs.sqlite3", tmp_path / "server.log", env={"NEURAL_PLAYGROUND_WORKERS": "0"})
    server.start()
    try:
        status, body = server.request("POST", "/api/sessions", {"hidden_layers": [2]})
        assert status == 201
        sid = body["id"]
        assert server.request("POST", f"/api/sessions/{sid}/step", {"steps": 1})[0] == 200
        assert server.request("GET", f"/api/sessions/{sid}/boundary")[0] == 200
        token = server.request("POST", f"/api/sessions/{sid}/watch")[1]["token"]
        assert server.request("GET", f"/api/watch/{token}")[0] == 200
        ws_url = f"ws://{HOST}:{server.port}"
        with connect(f"{ws_url}/api/sessions/{sid}/stream", open_timeout=10) as ws:
            ws.recv(timeout=10)
        with connect(f"{ws_url}/api/watch/{token}/stream", open_timeout=10) as ws:
            ws.recv(timeout=10)
        # Served by `neural-playground serve` on 127.0.0.1: the Host check and the Origin check are on.
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{ws_url}/api/sessions/{sid}/stream", origin=Origin(EVIL), open_timeout=10)
        assert refused.value.response.status_code == 403
        conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
        conn.request("GET", "/api/health", headers={"Host": "rebound.evil.example"})
        assert conn.getresponse().status == 400
        conn.close()
        assert server.request("DELETE", f"/api/sessions/{sid}")[0] == 204
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    assert f"/api/sessions/{short_hash(sid)}/step" in log  # the access log is on, and hashed
    assert f"/api/watch/{short_hash(token)}/stream" in log
    assert sid not in log and token not in log

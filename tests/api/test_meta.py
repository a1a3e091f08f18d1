from __future__ import annotations

from fastapi.testclient import TestClient

from app import __version__
from app.nn.activations import ACTIVATIONS


def test_health(client: TestClient, sid: str) -> None:
    store = {"kind": "sqlite", "reachable": True, "schema_version": 1, "writable": True}
    health = client.get("/api/health").json()
    memory = health.pop("memory")
    assert health == {"status": "ok", "version": __version__, "sessions": 1, "store": store}
    assert memory["budget_mb"] == 1024 and 0 < memory["used_mb"] < 10 and memory["rss_mb"] > memory["used_mb"]


def test_options_list_every_choice_and_limit(client: TestClient) -> None:
    options = client.get("/api/options").json()
    assert {d["name"] for d in options["datasets"]} >= {"and", "or", "xor", "spiral", "plane", "custom"}
    assert "gelu" in options["activations"] and options["activations"] == list(ACTIVATIONS)
    assert set(options["activations"]) >= {
        "linear",
        "relu",
        "leaky_relu",
        "tanh",
        "sigmoid",
        "elu",
        "softplus",
        "gelu",
        "swish",
        "sine",
    }
    assert {o["name"] for o in options["optimizers"]} == {"sgd", "momentum", "nesterov", "rmsprop", "adam"}
    assert options["limits"]["max_hidden_layers"] == 8 and options["limits"]["max_units"] == 64
    assert options["defaults"]["hidden_layers"] == [4, 2]


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in [
        "/api/health",
        "/api/options",
        "/api/datasets",
        "/api/datasets/{name}",
        "/api/sessions",
        "/api/sessions/{session_id}",
        "/api/sessions/{session_id}/step",
        "/api/sessions/{session_id}/reset",
        "/api/sessions/{session_id}/data",
        "/api/sessions/{session_id}/network",
        "/api/sessions/{session_id}/history",
        "/api/sessions/{session_id}/boundary",
        "/api/sessions/{session_id}/predict",
        "/api/sessions/{session_id}/frame",
        "/api/sessions/{session_id}/export",
        "/api/sessions/import",
        "/api/runs",
        "/api/runs/{slug}",
        "/api/runs/{slug}/open",
        "/api/sessions/{session_id}/runs",
    ]:
        assert path in paths, path
    for path, ops in paths.items():
        for method, op in ops.items():
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, f"{method} {path} declares no success response"
            if ok[0] != "204":
                assert op["responses"][ok[0]].get("content"), f"{method} {path} declares no response model"
    assert set(paths["/api/sessions/{session_id}/data"]["put"]["requestBody"]["content"]) == {
        "application/json",
        "text/csv",
        "multipart/form-data",
    }

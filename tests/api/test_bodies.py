"""Point-heavy bodies are parsed and validated off the event loop, with the answers FastAPI gives."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError

from app.api import bodies
from app.api.routes import sessions
from app.api.schemas.sessions import PredictIn
from app.server import MAX_REPORTED_ERRORS
from tests.api.conftest import create

FAR = 1.7e308
LOOP = "loop"
THREAD = "thread"


def where() -> str:
    """Whether the caller runs on an event loop or on a thread without one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return THREAD
    return LOOP


def spied(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[str]:
    """Where each call of ``owner.name`` ran."""
    seen: list[str] = []
    original: Callable[..., Any] = getattr(owner, name)

    def spy(*args: Any) -> Any:
        seen.append(where())
        return original(*args)

    monkeypatch.setattr(owner, name, spy)
    return seen


def test_ten_thousand_bad_points_are_validated_off_the_loop(
    client: TestClient, sid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spied(monkeypatch, bodies, "parse")
    response = client.post(f"/api/sessions/{sid}/predict", json={"points": [[FAR, FAR]] * 10_000})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert len(detail) == MAX_REPORTED_ERRORS + 1
    assert detail[0]["loc"] == ["body", "points", 0, 0]
    assert detail[-1] == {"loc": ["body"], "msg": "and 19980 more errors", "type": "too_many_errors"}
    assert seen == [THREAD]


def test_a_large_valid_body_is_validated_off_the_loop_and_answered(
    client: TestClient, sid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spied(monkeypatch, bodies, "parse")
    response = client.post(f"/api/sessions/{sid}/predict", json={"points": [[1.0, -2.0]] * 10_000})
    assert response.status_code == 200, response.text
    assert len(response.json()["labels"]) == 10_000
    assert seen == [THREAD]


def test_a_small_body_stays_on_the_loop(client: TestClient, sid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spied(monkeypatch, bodies, "parse")
    assert client.post(f"/api/sessions/{sid}/predict", json={"points": [[1.0, 2.0]]}).status_code == 200
    assert seen == []


@pytest.mark.parametrize(
    "body",
    [
        {"points": [[FAR, 1.0], [1.0, "1"], [True, 2.0], [1.0]] * 3000},
        {"points": [[1.0, 2.0]] * 4000, "extra": 1},
        {"points": [[1.0, 2.0]] * 20_000},
        [[1.0, 2.0]] * 4000,
    ],
)
def test_answers_are_fastapis_own(client: TestClient, sid: str, monkeypatch: pytest.MonkeyPatch, body: Any) -> None:
    path = f"/api/sessions/{sid}/predict"
    off_loop = client.post(path, json=body)
    monkeypatch.setattr(bodies, "OFF_LOOP_BYTES", 10**9)
    on_loop = client.post(path, json=body)
    assert off_loop.status_code == on_loop.status_code == 422
    assert off_loop.json() == on_loop.json()


def test_a_large_body_that_is_not_json_gets_fastapis_answer(client: TestClient, sid: str) -> None:
    text = '{"points": [' + "[1, 2]," * 5000 + "}"
    response = client.post(f"/api/sessions/{sid}/predict", content=text, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", len(text) - 1], "msg": "JSON decode error", "type": "json_invalid"}
    ]


def test_a_large_import_is_validated_off_the_loop(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = create(client, hidden_layers=[64, 64])
    document = client.get(f"/api/sessions/{sid}/export").json()
    assert len(json.dumps(document)) > bodies.OFF_LOOP_BYTES
    seen = spied(monkeypatch, bodies, "parse")
    assert client.post("/api/sessions/import", json=document).status_code == 201
    document["layers"][0]["weights"][0][0] = "1"
    response = client.post("/api/sessions/import", json=document)
    assert [e["loc"][:3] for e in response.json()["detail"]] == [["body", "layers", 0]]
    assert seen == [THREAD, THREAD]


@pytest.mark.parametrize(
    ("name", "kind", "text"),
    [
        ("_json_points", "application/json", json.dumps({"points": [[0.5, 0.5]] * 2000, "labels": [0, 1] * 1000})),
        ("_csv_points", "text/csv", "x1,x2,label\n" + "0.5,0.5,0\n-0.5,-0.5,1\n" * 1000),
    ],
)
def test_uploaded_points_are_parsed_off_the_loop(
    client: TestClient, sid: str, monkeypatch: pytest.MonkeyPatch, name: str, kind: str, text: str
) -> None:
    seen = spied(monkeypatch, sessions, name)
    response = client.put(f"/api/sessions/{sid}/data", content=text, headers={"content-type": kind})
    assert response.status_code == 200, response.text
    assert response.json()["config"]["dataset"]["name"] == "custom"
    assert seen == [THREAD]


def test_the_openapi_document_still_describes_the_bodies(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, model in [
        ("/api/sessions/{session_id}/predict", "PredictIn"),
        ("/api/sessions/import", "ModelDocument"),
    ]:
        body = paths[path]["post"]["requestBody"]
        assert body["required"] is True
        assert body["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{model}"}


@pytest.mark.parametrize(
    "points",
    [
        [[FAR, FAR]] * 10_000,  # every point bad: the first errors come from a short prefix
        [[0.0, 0.0]] * 5_000 + [[FAR, 1.0]] * 5_000,  # the bad points start past every cut
        [[0.0, FAR], [1.0, 1.0]] * 30 + [["x", 0.0]] * 9_940,  # mixed kinds of error
        [[FAR, FAR]] * 5 + [[0.0, 0.0]] * 9_995,  # under the cap: every error
    ],
)
def test_the_first_errors_are_those_of_the_whole_body(points: list[list[Any]]) -> None:
    adapter = TypeAdapter(PredictIn)
    with pytest.raises(ValidationError) as raised:
        adapter.validate_python({"points": points})
    every = raised.value.errors(include_url=False, include_context=False, include_input=False)
    shown = bodies.first_errors(raised.value, {"points": points}, adapter)
    if shown[-1]["type"] != "too_many_errors":  # every error, for the answer to cut as always
        assert shown == every
    else:
        assert shown[:MAX_REPORTED_ERRORS] == every[:MAX_REPORTED_ERRORS]
        more = len(every) - MAX_REPORTED_ERRORS
        assert shown[MAX_REPORTED_ERRORS:] == [{"loc": (), "msg": f"and {more} more errors", "type": "too_many_errors"}]
    if len(every) > 1000 and int(every[MAX_REPORTED_ERRORS]["loc"][1]) < 64:  # the flood: never every error made
        assert shown[-1]["type"] == "too_many_errors"

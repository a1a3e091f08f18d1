"""Hostile input, hand-picked: each request gets its 4xx (never a 5xx or a stack trace) and changes nothing.

"Nothing" is checked, not assumed: before and after every rejected request the
test reads the session (config and state), its export (weights, history and
counters), its data, the number of sessions the server holds and the number of
saved runs in the SQLite file, and they must be equal.

Also here: oversized uploads are refused with 413 without the server reading
them whole, WebSocket messages that are not messages get an error and leave
the socket open, and nothing a user typed (run titles, slugs, names) ever
reaches a page as HTML.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from app.settings import Settings
from tests.processes import ServerProcess

JSON = {"content-type": "application/json"}
CSV = {"content-type": "text/csv"}
SCRIPT = "<script>alert(1)</script>"
MB = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]


# ---- helpers ------------------------------------------------------------------------------


@pytest.fixture
def trained(client: TestClient, sid: str) -> str:
    """The conftest session (xor, one hidden layer of 4) after some training: non-trivial state."""
    r = client.post(f"/api/sessions/{sid}/step", json={"steps": 3, "unit": "epoch"})
    assert r.status_code == 200, r.text
    return sid


def run_count(settings: Settings) -> int:
    with contextlib.closing(sqlite3.connect(settings.db)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])


def snapshot(client: TestClient, settings: Settings, sid: str | None) -> dict[str, Any]:
    """Everything a rejected request must leave as it was."""
    out: dict[str, Any] = {
        "sessions": client.get("/api/health").json()["sessions"],
        "runs": run_count(settings),
    }
    if sid is not None:
        for part in ("", "/export", "/data"):
            r = client.get(f"/api/sessions/{sid}{part}")
            assert r.status_code == 200, r.text
            out[part or "session"] = r.json()
    return out


def assert_clean_error(response: Any, statuses: tuple[int, ...]) -> None:
    """The status is one of ``statuses``; the body is a JSON {"detail"} without a stack trace."""
    text = response.text
    assert response.status_code in statuses, (response.status_code, text[:500])
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    body = response.json()
    assert isinstance(body, dict) and "detail" in body, text[:500]
    assert "Traceback" not in text and 'File "' not in text, text[:500]
    if response.status_code == 422 and isinstance(body["detail"], list):
        for error in body["detail"]:
            assert error.get("loc"), error  # names the field


def rejected(
    client: TestClient,
    settings: Settings,
    sid: str | None,
    method: str,
    url: str,
    statuses: tuple[int, ...] = (422,),
    **kwargs: Any,
) -> Any:
    """Send one hostile request; it must fail cleanly with one of ``statuses`` and change nothing."""
    before = snapshot(client, settings, sid)
    response = client.request(method, url, **kwargs)
    assert_clean_error(response, statuses)
    assert snapshot(client, settings, sid) == before, f"{method} {url} was rejected but changed the server"
    return response


def raw_json(text: str) -> dict[str, Any]:
    """Request kwargs for a JSON body sent byte for byte (NaN, 1e999, duplicate keys, ...)."""
    return {"content": text.encode(), "headers": JSON}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# ---- sizes, NaN and Infinity in configs -----------------------------------------------------

HOSTILE_CONFIGS: list[tuple[str, str]] = [
    ("negative samples", '{"dataset": {"samples": -5}}'),
    ("zero samples", '{"dataset": {"samples": 0}}'),
    ("huge samples", '{"dataset": {"samples": 1000000000000}}'),
    ("samples beyond int64", '{"dataset": {"samples": 100000000000000000000000000000}}'),
    ("samples 1e999", '{"dataset": {"samples": 1e999}}'),
    ("huge hidden units", '{"hidden_layers": [1000000000]}'),
    ("negative hidden units", '{"hidden_layers": [-1]}'),
    ("zero hidden units", '{"hidden_layers": [0]}'),
    ("10,000 hidden layers", json.dumps({"hidden_layers": [8] * 10_000})),
    ("hidden layers nested", '{"hidden_layers": [[8]]}'),
    ("zero batch", '{"batch_size": 0}'),
    ("negative batch", '{"batch_size": -1}'),
    ("huge batch", '{"batch_size": 1000000000000}'),
    ("fractional batch", '{"batch_size": 1.5}'),
    ("negative seed", '{"seed": -1}'),
    ("seed beyond 2^32", '{"seed": 18446744073709551616}'),
    ("10,000 features", json.dumps({"features": ["x1"] * 10_000})),
    ("NaN learning rate", '{"optimizer": {"learning_rate": NaN}}'),
    ("Infinity learning rate", '{"optimizer": {"learning_rate": Infinity}}'),
    ("-Infinity learning rate", '{"optimizer": {"learning_rate": -Infinity}}'),
    ("1e999 learning rate", '{"optimizer": {"learning_rate": 1e999}}'),
    ("NaN noise", '{"dataset": {"noise": NaN}}'),
    ("1e999 noise", '{"dataset": {"noise": 1e999}}'),
    ("NaN train fraction", '{"dataset": {"train_fraction": NaN}}'),
    ("NaN regularization rate", '{"regularization": {"kind": "l2", "rate": NaN}}'),
    ("huge class count", '{"dataset": {"name": "spiral", "classes": 1000000000}}'),
    ("path as dataset name", '{"dataset": {"name": "../../etc/passwd"}}'),
    ("list as dataset name", '{"dataset": {"name": ["spiral"]}}'),
    ("object as dataset name", '{"dataset": {"name": {"spiral": 1}}}'),
    ("NaN in custom points", '{"dataset": {"name": "custom", "points": [[NaN, 0], [1, 1]], "labels": [0, 1]}}'),
    ("custom points off the view", '{"dataset": {"name": "custom", "points": [[1e308, 0], [1, 1]], "labels": [0, 1]}}'),
    ("unknown field", '{"evil": true}'),
    ("dataset not an object", '{"dataset": "spiral"}'),
]


@pytest.mark.parametrize(("case", "body"), HOSTILE_CONFIGS, ids=[c for c, _ in HOSTILE_CONFIGS])
def test_create_refuses_hostile_configs(client: TestClient, settings: Settings, case: str, body: str) -> None:
    rejected(client, settings, None, "POST", "/api/sessions", **raw_json(body))


HOSTILE_PATCHES: list[tuple[str, str]] = [
    *HOSTILE_CONFIGS,
    ("valid and invalid together", '{"optimizer": {"learning_rate": 0.5}, "hidden_layers": [-1]}'),
    ("live and structural, one bad", '{"batch_size": 0, "optimizer": {"learning_rate": 1.0}}'),
    ("custom without points", '{"dataset": {"name": "custom"}}'),
    ("a list", "[1, 2]"),
    ("null", "null"),
    ("a string", '"spiral"'),
    ("a number", "5"),
]


@pytest.mark.parametrize(("case", "body"), HOSTILE_PATCHES, ids=[c for c, _ in HOSTILE_PATCHES])
def test_patch_refuses_hostile_changes_and_keeps_the_session(
    client: TestClient, settings: Settings, trained: str, case: str, body: str
) -> None:
    rejected(client, settings, trained, "PATCH", f"/api/sessions/{trained}", **raw_json(body))


HOSTILE_STEPS = [
    '{"steps": -1}',
    '{"steps": 0}',
    '{"steps": 100001}',
    '{"steps": 1180591620717411303424}',
    '{"steps": 1e999}',
    '{"steps": NaN}',
    '{"steps": Infinity}',
    '{"steps": 1.5}',
    '{"steps": [1]}',
    '{"unit": "year"}',
    '{"unit": null}',
    '{"steps": 1, "evil": 1}',
]


@pytest.mark.parametrize("body", HOSTILE_STEPS)
def test_step_refuses_hostile_bodies(client: TestClient, settings: Settings, trained: str, body: str) -> None:
    rejected(client, settings, trained, "POST", f"/api/sessions/{trained}/step", **raw_json(body))


HOSTILE_QUERIES = [
    "/boundary?resolution=-1",
    "/boundary?resolution=0",
    "/boundary?resolution=1000000000",
    "/boundary?resolution=1e999",
    "/boundary?resolution=nan",
    "/boundary?resolution=inf",
    "/boundary?format=png",
    "/boundary?layer=1000000000&unit=0",
    "/boundary?layer=0&unit=1000000000",
    "/boundary?layer=-1&unit=0",
    "/boundary?layer=0",
    "/frame?resolution=1000000000",
    "/frame?neuron_resolution=0",
    "/frame?since=-1",
    "/history?since=-1",
    "/history?since=nan",
    "/data?decimals=-1",
    "/data?decimals=1000",
    "/landscape?span=nan",
    "/landscape?span=inf",
    "/landscape?span=-1",
    "/landscape?resolution=1000000000",
    "/gradcheck?per_layer=0",
    "/gradcheck?per_layer=1000000000",
    "/checkpoints/-1",
    "/checkpoints/1000000000000000000000",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_reads_refuse_hostile_parameters(client: TestClient, settings: Settings, trained: str, query: str) -> None:
    rejected(client, settings, trained, "GET", f"/api/sessions/{trained}{query}", statuses=(404, 422))


@pytest.mark.parametrize(
    "query",
    [
        "circle?samples=-1",
        "circle?samples=1000000000",
        "circle?noise=nan",
        "circle?noise=inf",
        "circle?noise=1e999",
        "circle?seed=-1",
        "circle?classes=1000000000",
        "spiral?classes=7",
        "bumps?classes=3",  # a regression set has no classes
        "custom",
    ],
)
def test_dataset_previews_refuse_hostile_parameters(client: TestClient, settings: Settings, query: str) -> None:
    rejected(client, settings, None, "GET", f"/api/datasets/{query}", statuses=(404, 422))


@pytest.mark.parametrize(
    "body",
    [
        '{"points": [[NaN, 1]]}',
        '{"points": [[Infinity, 1]]}',
        '{"points": [[1e999, 1]]}',
        '{"points": [[1, 2, 3]]}',
        '{"points": [[1]]}',
        '{"points": [["a", "b"]]}',
        '{"points": []}',
        '{"points": "everywhere"}',
        json.dumps({"points": [[0.0, 0.0]] * 10_001}),
    ],
)
def test_predict_refuses_hostile_points(client: TestClient, settings: Settings, trained: str, body: str) -> None:
    rejected(
        client, settings, trained, "POST", f"/api/sessions/{trained}/predict", statuses=(413, 422), **raw_json(body)
    )


@pytest.mark.parametrize(
    "body",
    [
        '{"layer": 0, "unit": 0, "source": 0, "value": NaN}',
        '{"layer": 0, "unit": 0, "source": 0, "value": Infinity}',
        '{"layer": 0, "unit": 0, "source": 0, "value": 1e999}',
        '{"layer": 0, "unit": 0, "source": 0, "value": 1001}',
        '{"layer": 1000000000, "unit": 0, "source": 0, "value": 1}',
        '{"layer": 0, "unit": 1000000000, "source": 0, "value": 1}',
        '{"layer": 0, "unit": 0, "source": 1000000000000000000000000000000, "value": 1}',
        '{"layer": -1, "unit": 0, "value": 1}',
    ],
)
def test_weight_edits_refuse_hostile_values(client: TestClient, settings: Settings, trained: str, body: str) -> None:
    rejected(client, settings, trained, "PATCH", f"/api/sessions/{trained}/network", **raw_json(body))


@pytest.mark.parametrize(
    "body",
    [
        '{"extent": [NaN, 1, 0, 1]}',
        '{"extent": [0, 1e999, 0, 1]}',
        '{"extent": [1, 0, 0, 1]}',
        '{"resolution": 1000000000}',
        '{"samples": -1}',
        '{"steps": 1000000000}',
        '{"learning_rate": Infinity}',
        '{"start": [NaN, 0]}',
    ],
)
@pytest.mark.parametrize("kind", ["logistic", "linear"])
def test_loss_landscapes_refuse_hostile_bodies(client: TestClient, settings: Settings, kind: str, body: str) -> None:
    rejected(client, settings, None, "POST", f"/api/landscapes/{kind}", **raw_json(body))


def _finite_json(text: str) -> Any:
    def reject(name: str) -> Any:
        raise AssertionError(f"the JSON holds {name}")

    return json.loads(text, parse_constant=reject)


@pytest.mark.parametrize("scale", ["1e100", "1e200", "1e300", "1e308"])
@pytest.mark.parametrize("kind", ["logistic", "linear"])
def test_loss_landscapes_over_huge_extents_are_refused_or_finite(client: TestClient, kind: str, scale: str) -> None:
    """Finite but huge axes (the schema allows any finite extent) make the losses overflow: the
    answer is a 422, or a landscape of finite numbers; never a 500 or Infinity."""
    body = f'{{"extent": [-{scale}, {scale}, -{scale}, {scale}]}}'
    r = client.post(f"/api/landscapes/{kind}", **raw_json(body))
    assert r.status_code in (200, 422), (r.status_code, r.text[:300])
    _finite_json(r.text)


# ---- model documents ----------------------------------------------------------------------


def _document(client: TestClient, sid: str) -> dict[str, Any]:
    r = client.get(f"/api/sessions/{sid}/export")
    assert r.status_code == 200
    return dict(r.json())


def _ragged(doc: dict[str, Any]) -> dict[str, Any]:
    doc["layers"][0]["weights"][0] = [1.0]  # one row shorter than the others
    return doc


def _wrong_shape(doc: dict[str, Any]) -> dict[str, Any]:
    doc["layers"][0]["weights"] = [[1.0] * 5] * 7
    return doc


def _missing_layer(doc: dict[str, Any]) -> dict[str, Any]:
    doc["layers"] = doc["layers"][:1]
    return doc


def _huge_config(doc: dict[str, Any]) -> dict[str, Any]:
    doc["config"]["hidden_layers"] = [8] * 10_000
    return doc


def _strings_as_weights(doc: dict[str, Any]) -> dict[str, Any]:
    doc["layers"][0]["biases"] = ["zero"] * len(doc["layers"][0]["biases"])
    return doc


def _negative_epoch(doc: dict[str, Any]) -> dict[str, Any]:
    doc["state"] = {"epoch": -1, "step": 0}
    return doc


@pytest.mark.parametrize(
    "spoil", [_ragged, _wrong_shape, _missing_layer, _huge_config, _strings_as_weights, _negative_epoch]
)
def test_import_refuses_broken_documents(client: TestClient, settings: Settings, trained: str, spoil: Any) -> None:
    doc = spoil(_document(client, trained))
    rejected(client, settings, trained, "POST", "/api/sessions/import", json=doc)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_import_refuses_non_finite_weights(client: TestClient, settings: Settings, trained: str, literal: str) -> None:
    text = json.dumps(_document(client, trained), separators=(",", ":"))
    first = re.search(r'"biases":\[([^\],]+)', text)
    assert first is not None
    text = text[: first.start(1)] + literal + text[first.end(1) :]
    rejected(client, settings, trained, "POST", "/api/sessions/import", **raw_json(text))


# ---- custom data: JSON and CSV --------------------------------------------------------------

HOSTILE_CSV: list[tuple[str, bytes]] = [
    ("nan cell", b"x1,x2,label\n1,nan,0\n2,2,1\n"),
    ("NaN cell", b"NaN,1,0\n2,2,1\n"),
    ("inf cell", b"inf,1,0\n2,2,1\n"),
    ("-Infinity cell", b"-Infinity,1,0\n2,2,1\n"),
    ("1e999 cell", b"1e999,1,0\n2,2,1\n"),
    ("coordinate off the view", b"7,1,0\n2,2,1\n"),
    ("label 6", b"1,1,6\n2,2,1\n"),
    ("negative label", b"1,1,-1\n2,2,1\n"),
    ("fractional label", b"1,1,0.5\n2,2,1\n"),
    ("infinite label", b"1,1,inf\n2,2,1\n"),
    ("NaN label", b"1,1,nan\n2,2,1\n"),
    ("formula label", b"1,1,=1+1\n2,2,1\n"),
    ("html label", b"1,1,<script>alert(1)</script>\n2,2,1\n"),
    ("empty", b""),
    ("header only", b"x1,x2,label\n"),
    ("one row", b"1,1,0\n"),
    ("four columns", b"1,1,0,9\n2,2,1,9\n"),
    ("two columns", b"1,1\n2,2\n"),
    ("NUL bytes", b"1,1\x00,0\n2,2,1\n"),
    ("binary", bytes(range(256)) * 16),
    ("not UTF-8", b"1,1,0\n2,\xff\xfe,1\n"),
    ("unclosed quote", b'"1,1,0\n2,2,1\n'),
    ("a field over the csv module's limit", b"1,1," + b"9" * 300_000 + b"\n2,2,1\n"),
]


@pytest.mark.parametrize(("case", "body"), HOSTILE_CSV, ids=[c for c, _ in HOSTILE_CSV])
def test_csv_upload_refuses_hostile_cells(
    client: TestClient, settings: Settings, trained: str, case: str, body: bytes
) -> None:
    rejected(client, settings, trained, "PUT", f"/api/sessions/{trained}/data", content=body, headers=CSV)


def test_csv_upload_over_the_row_limit_is_413(client: TestClient, settings: Settings, trained: str) -> None:
    rows = settings.max_upload_rows + 1
    body = "".join(f"{(i % 11) - 5},{(i % 7) - 3},{i % 2}\n" for i in range(rows)).encode()
    assert len(body) < settings.max_upload_bytes  # the rows, not the bytes, are too many
    rejected(client, settings, trained, "PUT", f"/api/sessions/{trained}/data", (413,), content=body, headers=CSV)


def test_csv_file_upload_refuses_hostile_files(client: TestClient, settings: Settings, trained: str) -> None:
    url = f"/api/sessions/{trained}/data"
    rejected(client, settings, trained, "PUT", url, files={"file": ("points.csv", b"nan,1,0\n2,2,1\n", "text/csv")})
    rejected(client, settings, trained, "PUT", url, files={"file": ("points.csv", b"\xff\xfe\x00\x00", "text/csv")})
    rejected(client, settings, trained, "PUT", url, files={"other": ("points.csv", b"1,1,0\n2,2,1\n", "text/csv")})


HOSTILE_POINTS: list[tuple[str, str]] = [
    ("NaN point", '{"points": [[NaN, 1], [1, 1]], "labels": [0, 1]}'),
    ("1e999 point", '{"points": [[1e999, 1], [1, 1]], "labels": [0, 1]}'),
    ("point off the view", '{"points": [[100, 1], [1, 1]], "labels": [0, 1]}'),
    ("more labels than points", '{"points": [[0, 1], [1, 1]], "labels": [0, 1, 1]}'),
    ("fractional label", '{"points": [[0, 1], [1, 1]], "labels": [0.5, 1]}'),
    ("label 6", '{"points": [[0, 1], [1, 1]], "labels": [6, 1]}'),
    ("NaN label", '{"points": [[0, 1], [1, 1]], "labels": [NaN, 1]}'),
    ("a list", "[[0, 1], [1, 1]]"),
    ("extra field", '{"points": [[0, 1], [1, 1]], "labels": [0, 1], "evil": 1}'),
    ("not JSON", "points: everywhere"),
]


@pytest.mark.parametrize(("case", "body"), HOSTILE_POINTS, ids=[c for c, _ in HOSTILE_POINTS])
def test_json_upload_refuses_hostile_points(
    client: TestClient, settings: Settings, trained: str, case: str, body: str
) -> None:
    rejected(client, settings, trained, "PUT", f"/api/sessions/{trained}/data", **raw_json(body))


# ---- bodies that are not JSON at all ------------------------------------------------------

BODY_ROUTES = [
    ("POST", "/api/sessions"),
    ("PATCH", "/api/sessions/{sid}"),
    ("POST", "/api/sessions/{sid}/step"),
    ("POST", "/api/sessions/{sid}/predict"),
    ("PATCH", "/api/sessions/{sid}/network"),
    ("PUT", "/api/sessions/{sid}/data"),
    ("POST", "/api/sessions/import"),
    ("POST", "/api/runs"),
    ("POST", "/api/landscapes/linear"),
]
UNPARSEABLE: list[tuple[str, bytes]] = [
    ("truncated", b'{"steps": '),
    ("not UTF-8", b'{"steps": "\xff\xfe"}'),
    ("nested 100,000 deep", nested(100_000).encode()),
    ("object nested 100,000 deep", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
]


@pytest.mark.parametrize(("method", "route"), BODY_ROUTES, ids=[f"{m} {r}" for m, r in BODY_ROUTES])
def test_deeply_nested_json_is_a_client_error(
    client: TestClient, settings: Settings, trained: str, method: str, route: str
) -> None:
    """Python's json gives up with RecursionError, not JSONDecodeError: that must still be a 4xx."""
    url = route.format(sid=trained)
    for depth in (100_000, 5_000):
        rejected(client, settings, trained, method, url, (400, 413, 422), **raw_json(nested(depth)))


@pytest.mark.parametrize(("method", "route"), BODY_ROUTES, ids=[f"{m} {r}" for m, r in BODY_ROUTES])
def test_unparseable_json_is_422(client: TestClient, settings: Settings, trained: str, method: str, route: str) -> None:
    """The contract: an invalid body is a 422 naming the field (here, the body itself)."""
    failures = []
    for case, body in UNPARSEABLE:
        try:
            rejected(client, settings, trained, method, route.format(sid=trained), content=body, headers=JSON)
        except AssertionError as exc:
            failures.append(f"{case}: {str(exc).splitlines()[0]}")
    assert not failures, "\n".join(failures)


def test_deep_nesting_inside_a_patch_is_refused(client: TestClient, settings: Settings, trained: str) -> None:
    """Nesting Python's json can read, but that a merge or validator might recurse into."""
    for depth in (500, 900):
        body = '{"optimizer": ' + '{"momentum": ' * depth + "0.5" + "}" * depth + "}"
        rejected(client, settings, trained, "PATCH", f"/api/sessions/{trained}", **raw_json(body))
        body = '{"hidden_layers": ' + nested(depth) + "}"
        rejected(client, settings, trained, "PATCH", f"/api/sessions/{trained}", **raw_json(body))


@pytest.mark.parametrize(
    ("method", "route", "content_type", "body"),
    [
        ("POST", "/api/sessions", "text/plain", b"{}"),
        ("POST", "/api/sessions", "application/x-www-form-urlencoded", b"hidden_layers=8"),
        ("POST", "/api/sessions", "multipart/form-data; boundary=x", b"--x--"),
        ("POST", "/api/sessions/{sid}/step", "application/xml", b"<steps>1</steps>"),
        ("POST", "/api/sessions/{sid}/step", "text/plain", b'{"steps": 5}'),
        ("PATCH", "/api/sessions/{sid}", "text/html", b'{"hidden_layers": [2]}'),
        ("PUT", "/api/sessions/{sid}/data", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("PUT", "/api/sessions/{sid}/data", "application/octet-stream", b"1,1,0\n2,2,1\n"),
        ("PUT", "/api/sessions/{sid}/data", "multipart/form-data", b"no boundary"),
        ("PUT", "/api/sessions/{sid}/data", "multipart/form-data; boundary=xyz", b"garbage"),
    ],
)
def test_wrong_content_types_are_refused(
    client: TestClient, settings: Settings, trained: str, method: str, route: str, content_type: str, body: bytes
) -> None:
    url = route.format(sid=trained)
    # 400 too: a multipart body whose framing is broken is malformed, not an invalid field.
    statuses = (400, 415, 422) if content_type.startswith("multipart/") else (415, 422)
    rejected(client, settings, trained, method, url, statuses, content=body, headers={"content-type": content_type})


def test_duplicate_keys_never_let_a_bad_value_through(client: TestClient, settings: Settings, trained: str) -> None:
    """JSON with a key twice: the last one counts (as in every JSON reader the API documents), so a
    bad value last is refused, and a good value last is the one that applies."""
    step = f"/api/sessions/{trained}/step"
    rejected(client, settings, trained, "POST", step, **raw_json('{"steps": 1, "steps": 100001}'))
    rejected(client, settings, trained, "POST", step, **raw_json('{"steps": 1, "steps": NaN}'))
    patch = f"/api/sessions/{trained}"
    rejected(client, settings, trained, "PATCH", patch, **raw_json('{"hidden_layers": [2], "hidden_layers": [-1]}'))
    before = client.get(f"/api/sessions/{trained}").json()["state"]["step"]
    r = client.post(step, **raw_json('{"steps": 100001, "steps": 2}'))
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        assert r.json()["step"] == before + 2


# ---- oversized uploads ----------------------------------------------------------------------


def _asgi_put(client: TestClient, path: str, total: int, declare_length: bool) -> tuple[int, int]:
    """PUT ``total`` bytes of CSV straight into the ASGI app, 64 KB at a time; returns the status
    and how many bytes the app pulled before answering."""
    chunk = b"1,1,0\n" * (64 * 1024 // 6)
    pulled = 0
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if status or pulled >= total:  # answered, or all sent
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pulled < total}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    headers = [(b"host", b"testserver"), (b"content-type", b"text/csv")]
    if declare_length:
        headers.append((b"content-length", str(total).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("testclient", 50000),
        "server": ("testserver", 80),
        "state": {},
    }

    async def call() -> None:
        await client.app(scope, receive, send)  # type: ignore[arg-type]

    assert client.portal is not None
    client.portal.call(call)
    return status[0], pulled


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
def test_a_50_mb_upload_is_refused_without_reading_it(
    client: TestClient, settings: Settings, trained: str, declare_length: bool
) -> None:
    before = snapshot(client, settings, trained)
    status, pulled = _asgi_put(client, f"/api/sessions/{trained}/data", 50 * MB, declare_length)
    assert status == 413
    # A declared length is refused before the body; a chunked one soon after the limit.
    assert pulled <= (0 if declare_length else settings.max_upload_bytes + 128 * 1024), pulled
    assert snapshot(client, settings, trained) == before


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """The real server (uvicorn, from the CLI) on a free port: (port, pid)."""
    process = ServerProcess(tmp_path / "runs.sqlite3")
    try:
        process.start()
        yield process.port, process.pid
    finally:
        process.stop()


def _http(port: int, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = None if body is None else json.dumps(body).encode()
    conn.request(method, path, body=data, headers=JSON if data is not None else {})
    response = conn.getresponse()
    text = response.read()
    conn.close()
    return response.status, json.loads(text) if text else None


def _read_status(sock: socket.socket) -> int:
    head = b""
    while b"\r\n" not in head:
        part = sock.recv(4096)
        if not part:
            break
        head += part
    match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    assert match is not None, head[:200]
    return int(match.group(1))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")
def test_a_50_mb_upload_to_the_real_server_is_refused_quickly(server: tuple[int, int]) -> None:
    port, pid = server
    status, body = _http(port, "POST", "/api/sessions", {"dataset": {"name": "xor"}, "hidden_layers": [4]})
    assert status == 201
    sid = body["id"]
    rss_before = _rss_kb(pid)
    head = (
        f"PUT /api/sessions/{sid}/data HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
        f"Content-Length: {50 * MB}\r\n\r\n"
    ).encode()

    # Declared length: the answer comes before a single body byte is sent.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        assert _read_status(sock) == 413

    # Chunked, no length: keep sending until the server answers; it must not wait for all 50 MB.
    sent = 0
    chunk = b"1,1,0\n" * 10_000
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.replace(f"Content-Length: {50 * MB}".encode(), b"Transfer-Encoding: chunked"))
        answered = threading.Event()
        statuses: list[int] = []

        def listen() -> None:
            with contextlib.suppress(OSError, AssertionError):
                statuses.append(_read_status(sock))
            answered.set()

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        with contextlib.suppress(OSError):  # the server may close the connection on us
            while sent < 50 * MB and not answered.is_set():
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        assert answered.wait(10), "no answer to a 50 MB upload"
        assert statuses == [413]
    # Socket buffers let a few MB through before the server's answer arrives; not 50.
    assert sent < 20 * MB, sent
    assert _rss_kb(pid) - rss_before < 40 * 1024, "the server's memory grew by more than 40 MB"
    status, body = _http(port, "GET", f"/api/sessions/{sid}")
    assert status == 200 and body["config"]["dataset"]["name"] == "xor"


# ---- WebSocket messages that are not messages -------------------------------------------------


def _next_message(ws: WebSocketTestSession, limit: int = 50) -> dict[str, Any]:
    """The next message that is not a frame."""
    for _ in range(limit):
        message = ws.receive_json()
        if message.get("type") != "frame":
            return dict(message)
    raise AssertionError("only frames came back")


def _frame_with(ws: WebSocketTestSession, step: int, limit: int = 200) -> dict[str, Any]:
    for _ in range(limit):
        message = ws.receive_json()
        assert message.get("type") == "frame", message
        if message["state"]["step"] == step:
            return dict(message)
    raise AssertionError(f"no frame at step {step}")


HOSTILE_MESSAGES: list[tuple[str, str | bytes]] = [
    ("not JSON", "not json"),
    ("empty", ""),
    ("a JSON array", "[1, 2]"),
    ("null", "null"),
    ("unknown type", '{"type": "fly"}'),
    ("no type", '{"steps": 1}'),
    ("numeric type", '{"type": 5}'),
    ("list as type", '{"type": ["play"]}'),
    ("object as type", '{"type": {"play": 1}}'),
    ("binary frame", b"\x00\x01\x02\xff"),
    ("JSON in a binary frame", b'{"type": "step"}'),
    ("NaN steps", '{"type": "step", "steps": NaN}'),
    ("1e999 steps", '{"type": "step", "steps": 1e999}'),
    ("huge steps", '{"type": "step", "steps": 1000000000000}'),
    ("Infinity speed", '{"type": "play", "speed": Infinity}'),
    ("negative speed", '{"type": "play", "speed": -1}'),
    ("zero fps", '{"type": "subscribe", "fps": 0}'),
    ("huge map", '{"type": "subscribe", "boundary_resolution": 1000000}'),
    ("bad config", '{"type": "configure", "config": {"hidden_layers": [-1]}}'),
    ("NaN in config", '{"type": "configure", "config": {"optimizer": {"learning_rate": NaN}}}'),
    ("10,000 layers", json.dumps({"type": "configure", "config": {"hidden_layers": [8] * 10_000}})),
    ("list as dataset name", '{"type": "configure", "config": {"dataset": {"name": ["spiral"]}}}'),
    ("config not an object", '{"type": "configure", "config": [1]}'),
    ("extra field", '{"type": "step", "evil": 1}'),
    ("nested 100,000 deep", nested(100_000)),
    ("config nested 5,000 deep", '{"type": "configure", "config": ' + '{"a": ' * 5_000 + "1" + "}" * 5_001),
    ("2 MB of junk", "x" * 2 * MB),
]


@pytest.mark.parametrize(("case", "message"), HOSTILE_MESSAGES, ids=[c for c, _ in HOSTILE_MESSAGES])
def test_hostile_socket_messages_get_an_error_and_the_socket_stays_open(
    client: TestClient, settings: Settings, trained: str, case: str, message: str | bytes
) -> None:
    before = snapshot(client, settings, trained)
    step = before["session"]["state"]["step"]
    with client.websocket_connect(f"/api/sessions/{trained}/stream") as ws:
        ws.receive_json()  # the first frame
        try:
            if isinstance(message, bytes):
                ws.send_bytes(message)
            else:
                ws.send_text(message)
            error = _next_message(ws)
        except Exception as exc:  # the server side died: the socket is gone
            raise AssertionError(f"the socket died on {case}: {type(exc).__name__}: {exc}") from exc
        assert error["type"] == "error" and isinstance(error["detail"], str) and error["detail"], error
        assert "Traceback" not in error["detail"]
        assert snapshot(client, settings, trained) == before
        ws.send_json({"type": "step"})  # still listening
        _frame_with(ws, step + 1)


# ---- ids and slugs that are not ids -----------------------------------------------------------

NOT_IDS = [
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..",
    "%2e%2e",
    "%00",
    "abc%00def",
    "%FF%FE",
    "%C0%AF",
    "a" * 65,
    "a" * 10_000,
    "сессия",
    "%F0%9F%92%A9",
    "%20",
    "'%20OR%201=1--",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "*",
    "$(id)",
]
SESSION_ROUTES = [
    ("GET", ""),
    ("PATCH", ""),
    ("DELETE", ""),
    ("POST", "/step"),
    ("POST", "/reset"),
    ("GET", "/data"),
    ("PUT", "/data"),
    ("GET", "/network"),
    ("GET", "/history"),
    ("GET", "/boundary"),
    ("POST", "/predict"),
    ("GET", "/frame"),
    ("GET", "/export"),
    ("POST", "/watch"),
]


@pytest.mark.parametrize("bad", NOT_IDS)
def test_session_ids_that_are_not_ids(client: TestClient, settings: Settings, trained: str, bad: str) -> None:
    before = snapshot(client, settings, trained)
    for method, suffix in SESSION_ROUTES:
        kwargs: dict[str, Any] = {"json": {}} if method in ("POST", "PATCH", "PUT") else {}
        assert_clean_error(client.request(method, f"/api/sessions/{bad}{suffix}", **kwargs), (404, 405, 422))
    assert_clean_error(client.get(f"/api/watch/{bad}"), (404, 422))
    assert snapshot(client, settings, trained) == before


@pytest.mark.parametrize("bad", [*NOT_IDS, "a%2Fb", "%2F", "..%5C..%5Cwindows", "runs.sqlite3"])
def test_run_slugs_with_path_characters(client: TestClient, settings: Settings, trained: str, bad: str) -> None:
    rejected(client, settings, trained, "GET", f"/api/runs/{bad}", (404, 405, 422))
    rejected(client, settings, trained, "POST", f"/api/runs/{bad}/open", (404, 405, 422))
    page = client.get(f"/r/{bad}")
    assert page.status_code in (200, 404, 422), page.status_code
    assert page.status_code < 500
    assert SCRIPT not in page.text and "<script>alert" not in page.text


def test_saving_a_run_refuses_hostile_bodies(client: TestClient, settings: Settings, trained: str) -> None:
    url = "/api/runs"
    rejected(client, settings, trained, "POST", url, json={"session_id": trained, "title": "x" * 201})
    rejected(client, settings, trained, "POST", url, json={"session_id": "a" * 10_000, "title": "t"})
    rejected(client, settings, trained, "POST", url, json={"session_id": "../../etc/passwd", "title": "t"})
    rejected(client, settings, trained, "POST", url, json={"session_id": trained, "title": ["t"]})
    rejected(client, settings, trained, "POST", url, json={"session_id": trained, "slug": "mine"})


# ---- nothing a user typed becomes HTML ---------------------------------------------------------

HTML_PAYLOADS = [SCRIPT, '"><img src=x onerror=alert(1)>', "</script><script>alert(1)</script>"]


def test_user_text_is_never_rendered_as_html(client: TestClient, trained: str) -> None:
    saved = []
    for title in HTML_PAYLOADS:
        r = client.post("/api/runs", json={"session_id": trained, "title": title})
        assert r.status_code == 201, r.text
        saved.append((r.json()["slug"], title))
    token = client.post(f"/api/sessions/{trained}/watch").json()["token"]

    for slug, title in saved:
        doc = client.get(f"/api/runs/{slug}")
        assert doc.headers["content-type"] == "application/json"
        assert doc.json()["run"]["title"] == title  # kept as typed, and only ever sent as JSON

    pages = ["/", "/docs", "/redoc", "/lessons", f"/watch/{token}", *(f"/r/{slug}" for slug, _ in saved)]
    for payload in HTML_PAYLOADS:
        pages.append("/r/" + payload.replace("/", "%2F").replace(" ", "%20").replace("<", "%3C").replace(">", "%3E"))
    for path in pages:
        page = client.get(path)
        assert page.status_code in (200, 404, 422), (path, page.status_code)
        if page.status_code != 200:
            assert page.headers["content-type"] == "application/json", path
            continue
        assert page.headers["content-type"].startswith("text/html"), path
        for payload in HTML_PAYLOADS:
            assert payload not in page.text, (path, payload)
        # Escaped copies (&lt;img ...&gt; inside an attribute) are fine; live markup is not.
        assert "<img" not in page.text and "<script>alert" not in page.text, path


def test_api_answers_are_json_even_when_html_is_asked_for(client: TestClient, trained: str) -> None:
    accept = {"accept": "text/html"}
    for path in [
        "/api/health",
        "/api/options",
        f"/api/sessions/{trained}",
        f"/api/sessions/{trained}/export",
        "/api/sessions/no-such-session",
        f"/api/datasets/{SCRIPT}",
        f"/api/runs/{SCRIPT}",
        f"/api/lessons/{SCRIPT}",
        f"/api/{SCRIPT}",
    ]:
        r = client.get(path, headers=accept)
        assert r.headers["content-type"] == "application/json", (path, r.headers["content-type"])
        assert "<script>" not in r.headers["content-type"]
        json.loads(r.text)


def test_the_page_scripts_never_write_html() -> None:
    """The playground's JS puts text into the page with textContent: no innerHTML and friends,
    so a run title or lesson text can never become markup in the browser."""
    sinks = re.compile(
        r"\.innerHTML\s*[+]?=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|createContextualFragment"
    )
    offenders = []
    for path in sorted((REPO / "static" / "js").rglob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if sinks.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)

"""Property-based fuzzing of the whole REST API from its own OpenAPI document (schemathesis).

Every operation in /openapi.json gets generated requests, valid and invalid
(schemathesis' coverage phase, then Hypothesis in positive and negative
mode), sent in-process to one app running its lifespan (schemathesis starts
it with the first request of each operation's test and ends it after the
test), with its saved runs in a temporary SQLite file. Every response must:

- not be a 5xx;
- have a content type, headers and body that the OpenAPI document declares;
- be strict JSON (no NaN or Infinity, which Python's json would happily read);
- if it is a 4xx, have changed nothing: the session named in the path exports
  the same document as before, and the server holds as many sessions.

Status codes the document does not declare are collected on the side and
reported by their own test, so that one undocumented status does not stop
the search for server errors on that operation.

Most routes take a session id or a run slug in the path, and random strings
would only ever find 404s: so for three in four requests whose path value is
valid for the schema, it is replaced by a live session (from a small pool,
replenished when a fuzzed DELETE removes one), its watch token, a saved run's slug,
or a name the collection lists (datasets, lessons). The choice hashes the
request itself, so that Hypothesis
replays a failing example exactly.

Generation is deterministic (fixed seed, derandomized Hypothesis, no example
database), and the module counts the requests it sends: the last test
asserts the total and that every operation got its share.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.api.fuzzing import CHECKS, bounded_step, client_of, fuzzed_app, schema_of, strict_json

# Hypothesis examples per operation and generation mode; the coverage phase adds its own cases.
MAX_EXAMPLES = 30
MIN_REQUESTS = 1000
MIN_PER_OPERATION = 10  # operations without parameters have little to vary
MIN_SESSION_HITS = 300
POOL_SIZE = 4
SLUG_COUNT = 2
# Pool sessions go back to this small config after every fuzzed change, so that a
# generated "100,000 epochs" step stays cheap (and `bounded_step` caps the rest).
BASELINE: dict[str, Any] = {
    "dataset": {"name": "xor", "samples": 60, "noise": 0.1, "train_fraction": 0.5, "seed": 1},
    "features": ["x1", "x2"],
    "hidden_layers": [3],
    "activation": "tanh",
    "loss": "cross_entropy",
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
    "schedule": {"name": "constant"},
    "regularization": {"kind": "none", "rate": 0.0},
    "batch_size": 10,
    "init": "xavier",
    "seed": 0,
}
MAX_PATH_VALUE = 64  # the path parameters' declared maxLength


_DB_DIR, APP = fuzzed_app("fuzz")
SCHEMA = schema_of(APP, MAX_EXAMPLES)


class Pool:
    """Live sessions, their watch tokens, saved runs, and the names collections list."""

    def __init__(self) -> None:
        self.client: requests.Session | None = None
        self.sessions: list[str] = []
        self.tokens: list[str] = []
        self.slugs: list[str] = []
        self.names: dict[str, list[str]] = {}  # collection path -> the names GET on it lists

    @property
    def http(self) -> requests.Session:
        assert self.client is not None, "the fuzz_app fixture is not running"
        return self.client

    def new_session(self) -> str:
        r = self.http.post("/api/sessions", json=BASELINE)
        assert r.status_code == 201, r.text
        sid = str(r.json()["id"])
        # Some history, so that history, export and saved runs carry real numbers.
        assert self.http.post(f"/api/sessions/{sid}/step", json={"steps": 3, "unit": "epoch"}).status_code == 200
        return sid

    def fill(self) -> None:
        """Sessions for this lifespan; saved runs live in the database and outlast it."""
        self.sessions = [self.new_session() for _ in range(POOL_SIZE)]
        self.tokens = []
        for sid in self.sessions[:2]:
            r = self.http.post(f"/api/sessions/{sid}/watch")
            if r.status_code == 200 and isinstance(r.json().get("token"), str):
                self.tokens.append(r.json()["token"])
        while len(self.slugs) < SLUG_COUNT:
            r = self.http.post("/api/runs", json={"session_id": self.sessions[0], "title": "fuzz run"})
            assert r.status_code == 201, r.text
            self.slugs.append(r.json()["slug"])

    def listed_names(self, collection: str) -> list[str]:
        """The "name" of every item GET ``collection`` lists (datasets, lessons, ...)."""
        if collection not in self.names:
            r = self.http.get(collection)
            items = r.json() if r.status_code == 200 else []
            self.names[collection] = [
                item["name"] for item in items if isinstance(item, dict) and isinstance(item.get("name"), str)
            ]
        return self.names[collection]

    def value(self, path: str, name: str, index: int) -> str | None:
        """Something real for path parameter ``name`` of ``path``, or None to keep the generated value."""
        choices: list[str] = []
        if name == "session_id":
            choices = self.sessions
        elif name == "token":
            choices = self.tokens
        elif name == "slug":
            choices = self.slugs
        else:
            collection = path.split("{" + name + "}")[0].rstrip("/")
            if collection:
                choices = self.listed_names(collection)
        return choices[index % len(choices)] if choices else None


POOL = Pool()
REQUESTS: Counter[str] = Counter()
HITS: Counter[str] = Counter()  # 2xx answers about a live session
UNDOCUMENTED: dict[tuple[str, int], str] = {}


@pytest.fixture(scope="module", autouse=True)
def fuzz_app() -> Iterator[None]:
    """A client for the app, and its temporary database, for the whole module."""
    with client_of(APP, _DB_DIR) as client:
        POOL.client = client
        try:
            yield
        finally:
            POOL.client = None


@pytest.fixture
def pool(fuzz_app: None) -> None:
    """schemathesis' pytest plugin ends the app's lifespan after every test (one test per
    operation), and the next request starts a new one: so each test gets fresh sessions."""
    POOL.fill()


def _point_at_real_things(case: schemathesis.Case) -> None:
    """Three in four schema-valid path values become a live session, saved run or dataset."""
    if not case.path_parameters:
        return
    # Stable across runs: no object addresses (the body may be schemathesis' NotSet, or bytes).
    generated = [case.method, case.path_parameters, case.query, case.body]
    digest = zlib.crc32(json.dumps(generated, sort_keys=True, default=lambda o: type(o).__name__).encode())
    if digest % 4 == 0:
        return
    for name, value in list(case.path_parameters.items()):
        if isinstance(value, str) and len(value) <= MAX_PATH_VALUE:
            real = POOL.value(case.path, name, digest // 4)
            if real is not None:
                case.path_parameters[name] = real


def _pool_session(case: schemathesis.Case) -> str | None:
    sid = (case.path_parameters or {}).get("session_id")
    return sid if sid in POOL.sessions else None


def _snapshot(sid: str | None) -> tuple[int, Any]:
    """What a rejected request must leave alone: the session count, and the session's document."""
    count = POOL.http.get("/api/health").json()["sessions"]
    if sid is None:
        return count, None
    r = POOL.http.get(f"/api/sessions/{sid}/export")
    return count, (r.status_code, r.json() if r.status_code == 200 else None)


def _restore(case: schemathesis.Case, response: schemathesis.Response, sid: str | None) -> None:
    """Keep the pool usable: replace deleted sessions, undo config changes, drop new sessions."""
    method = case.method.upper()
    if sid is not None and sid in POOL.sessions:
        if method == "DELETE" and response.status_code == 204:
            POOL.sessions[POOL.sessions.index(sid)] = POOL.new_session()
        elif method in ("PATCH", "PUT") and response.status_code < 300:
            r = POOL.http.patch(f"/api/sessions/{sid}", json=BASELINE)
            assert r.status_code == 200, r.text
    if method == "POST" and response.status_code == 201:
        try:
            created = json.loads(response.content)
        except ValueError:
            return
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            POOL.http.delete(f"/api/sessions/{created['id']}")


def _note_undocumented_status(case: schemathesis.Case, response: schemathesis.Response) -> None:
    try:
        case.validate_response(response, checks=[status_code_conformance])
    except FailureGroup:
        key = (case.operation.label, response.status_code)
        UNDOCUMENTED.setdefault(key, f"{case.as_curl_command()}\n  -> {response.text[:200]}")


@SCHEMA.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)
def test_api_conforms_to_its_openapi_schema(case: schemathesis.Case, pool: None) -> None:
    _point_at_real_things(case)
    bounded_step(case)
    sid = _pool_session(case)
    before = _snapshot(sid)
    try:
        response = case.call(session=POOL.http)
    except Exception as exc:
        # An unhandled error inside the app: Starlette sends a 500 and re-raises it in-process.
        REQUESTS[case.operation.label] += 1
        raise AssertionError(f"500: the app raised {type(exc).__name__}: {exc}\nfor {case.as_curl_command()}") from exc
    REQUESTS[case.operation.label] += 1
    if sid is not None and response.status_code < 300:
        HITS[case.operation.label] += 1
    try:
        _note_undocumented_status(case, response)
        case.validate_response(response, checks=[*CHECKS, strict_json])
        if 400 <= response.status_code < 500:
            assert _snapshot(sid) == before, f"a rejected request ({response.status_code}) changed the server"
    finally:
        _restore(case, response, sid)


def test_every_status_code_is_documented() -> None:
    """Runs after the fuzz test (file order): the statuses it saw that /openapi.json does not declare."""
    if not REQUESTS:
        pytest.skip("the fuzz test did not run")
    report = "\n".join(
        f"{label} -> {status}:\n  {example}" for (label, status), example in sorted(UNDOCUMENTED.items())
    )
    assert not UNDOCUMENTED, f"undocumented status codes:\n{report}"


def test_enough_requests_were_sent() -> None:
    """Runs after the fuzz test (file order): >= MIN_REQUESTS requests, every operation its share."""
    operations = {result.ok().label for result in SCHEMA.get_all_operations() if isinstance(result, Ok)}
    if not REQUESTS:
        pytest.skip("the fuzz test did not run")
    if set(REQUESTS) != operations:
        pytest.skip(f"only {len(REQUESTS)} of {len(operations)} operations were fuzzed (a partial selection)")
    per_operation = {label: REQUESTS[label] for label in sorted(operations)}
    assert sum(per_operation.values()) >= MIN_REQUESTS, per_operation
    assert min(per_operation.values()) >= MIN_PER_OPERATION, per_operation
    # A fair share reached a live session and got past validation to the real work.
    assert sum(HITS.values()) >= MIN_SESSION_HITS, dict(HITS)

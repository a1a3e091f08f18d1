"""Stateful fuzzing: request sequences that follow the OpenAPI document's links (schemathesis).

Each scenario starts with a request that makes something (a session, from a
config or an imported document, or a saved run), and the links carry its id,
slug or token into the next requests: so generated requests reach the logic
of live sessions, which random ids never do. One in three created sessions
uses every input feature and a deep network. Every response must pass the
same checks as in the stateless run (no 5xx, conforming to the document,
strict JSON).

Generation is deterministic, and bounded: a fixed number of scenarios of a
few steps each, and no request may ask for more work than ``bounded_work``
allows (the stateless run checks the limits themselves).
"""

from __future__ import annotations

import copy
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

from app.nn.features import FEATURES
from tests.api.fuzzing import CHECKS, bounded_step, client_of, fuzzed_app, schema_of, strict_json

SCENARIOS = 60
STEPS = 12  # requests per scenario at most
MAX_FUZZ_SAMPLES = 300
MAX_FUZZ_UNITS = 16
# Every scenario follows links from one made thing: most steps must reach a live session.
MIN_SESSION_OPERATIONS = 15
MIN_RICH_SESSIONS = 3
RICH: dict[str, Any] = {
    "dataset": {"name": "spiral", "samples": 200, "classes": 3},
    "features": list(FEATURES),
    "hidden_layers": [8, 8, 8, 8, 8, 8, 8, 8],
    "activation": "swish",
}
SESSION_ROUTE = "/api/sessions/{session_id}"

_DB_DIR, APP = fuzzed_app("fuzz-stateful")
# The routes links connect; the stateless run covers the rest.
SCHEMA = schema_of(APP, SCENARIOS).include(path_regex="^/api/(sessions|runs|watch)")
REACHED: Counter[str] = Counter()  # 2xx answers about a session made in the scenario
RICH_SESSIONS: list[str] = []
# Failed checks are collected, not raised: a replay could not repeat the sequence (ids and slugs are random).
FAILURES: dict[tuple[str, int], str] = {}


def _digest(case: schemathesis.Case) -> int:
    generated = [case.method, case.path_parameters, case.query, case.body]
    return zlib.crc32(json.dumps(generated, sort_keys=True, default=lambda o: type(o).__name__).encode())


def bounded_work(case: schemathesis.Case) -> None:
    """Configs small enough that a scenario takes a second, not a minute; some of them rich."""
    bounded_step(case)
    if case.path == "/api/sessions" and case.method.upper() == "POST" and _digest(case) % 3 == 0:
        # The whole body: merged into a generated one, strict validation refuses most of them.
        case.body = copy.deepcopy(RICH)
        return
    body = case.body
    if not (isinstance(body, dict) and case.method.upper() in ("POST", "PATCH")):
        return
    if case.path not in ("/api/sessions", SESSION_ROUTE):
        return
    dataset = body.get("dataset")
    samples: Any = dataset.get("samples") if isinstance(dataset, dict) else None
    if isinstance(dataset, dict) and isinstance(samples, int):
        dataset["samples"] = min(samples, MAX_FUZZ_SAMPLES)
    layers = body.get("hidden_layers")
    if isinstance(layers, list):
        body["hidden_layers"] = [min(u, MAX_FUZZ_UNITS) if isinstance(u, int) else u for u in layers]
    if isinstance(body.get("early_stopping"), dict) and isinstance(dataset, dict):
        # Early stopping needs a validation share; without one nearly every generated body is refused.
        dataset.setdefault("validation_fraction", 0.2)


class Client:
    http: requests.Session | None = None


@pytest.fixture(scope="module", autouse=True)
def fuzz_app() -> Iterator[None]:
    with client_of(APP, _DB_DIR) as client:
        Client.http = client
        try:
            yield
        finally:
            Client.http = None


class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        self.sessions: list[str] = []

    def before_call(self, case: schemathesis.Case) -> None:
        bounded_work(case)

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"session": Client.http}

    def call(self, case: schemathesis.Case, **kwargs: Any) -> schemathesis.Response:
        try:
            return case.call(**kwargs)
        except Exception as exc:
            # An unhandled error inside the app: Starlette sends a 500 and re-raises it in-process.
            FAILURES.setdefault((case.operation.label, 500), f"{case.as_curl_command()}\n  -> {exc!r}"[:2000])
            raise

    def after_call(self, response: schemathesis.Response, case: schemathesis.Case) -> None:
        if response.status_code == 201 and case.method.upper() == "POST":
            created = json.loads(response.content)
            if isinstance(created, dict) and isinstance(created.get("id"), str):
                self.sessions.append(created["id"])
                if isinstance(case.body, dict) and case.body.get("features") == RICH["features"]:
                    RICH_SESSIONS.append(created["id"])
        sid = (case.path_parameters or {}).get("session_id")
        if sid in self.sessions and response.status_code < 300:
            REACHED[f"{case.method.upper()} {case.path}"] += 1

    def validate_response(self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: Any) -> None:
        try:
            case.validate_response(response, checks=[*CHECKS, strict_json])
        except FailureGroup as exc:
            key = (case.operation.label, response.status_code)
            FAILURES.setdefault(key, f"{case.as_curl_command()}\n  -> {exc}\n  {response.text[:300]}")

    def teardown(self) -> None:
        """Sessions made by a scenario go with it: the server's session cap never fills."""
        assert Client.http is not None
        for sid in self.sessions:
            Client.http.delete(f"/api/sessions/{sid}")


def test_request_sequences_that_follow_links_reach_live_sessions() -> None:
    try:
        Workflow.run(
            settings=settings(
                max_examples=SCENARIOS,
                stateful_step_count=STEPS,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.generate],
            )
        )
    except Exception:
        if not FAILURES:
            raise
    report = "\n".join(f"{label} -> {status}:\n  {example}" for (label, status), example in sorted(FAILURES.items()))
    assert not FAILURES, f"failed checks:\n{report}"
    reached = {label for label in REACHED if label.split(" ", 1)[1].startswith(SESSION_ROUTE)}
    assert len(reached) >= MIN_SESSION_OPERATIONS, dict(REACHED)
    assert len(RICH_SESSIONS) >= MIN_RICH_SESSIONS

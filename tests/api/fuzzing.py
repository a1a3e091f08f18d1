"""What both fuzz tests share: the app under test, its OpenAPI document as schemathesis reads it,
the checks every response must pass, and the cap on the work one generated request may ask for."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import requests
import schemathesis
from fastapi import FastAPI
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from app.server import create_app
from app.settings import Settings

SEED = 20240601
MAX_FUZZ_EPOCHS = 50
MAX_FUZZ_BATCHES = 2000

CHECKS = [
    not_a_server_error,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def plain_tuples(node: Any) -> Any:
    """The document with its pair schemas (``prefixItems`` of equal schemas, exactly that many
    items) written as the equivalent ``items`` + min/maxItems.

    schemathesis 4 turns ``prefixItems`` into a Draft 4 ``items`` list in *response* schemas
    and then rejects that under OpenAPI 3.1's Draft 2020-12 meta-schema ("Invalid Schema
    Object in response definition"): without this, no response holding points could be
    checked at all. The rewrite accepts exactly the same instances.
    """
    if isinstance(node, dict):
        prefix = node.get("prefixItems")
        if (
            isinstance(prefix, list)
            and prefix
            and all(item == prefix[0] for item in prefix)
            and node.get("minItems") == node.get("maxItems") == len(prefix)
            and "items" not in node
        ):
            node = {k: v for k, v in node.items() if k != "prefixItems"}
            node["items"] = prefix[0]
        return {k: plain_tuples(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_tuples(v) for v in node]
    return node


def fuzzed_app(name: str) -> tuple[Path, FastAPI]:
    """An app with its saved runs in a temporary folder: named now, made by the app's lifespan
    (the runs store creates it), removed by the test module's fixture."""
    db_dir = Path(tempfile.gettempdir()) / f"np-{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    # One client sends everything: per-client caps that depend on the clock would make the
    # answers (and so the scenarios built on them) differ from run to run.
    settings = Settings(
        db=db_dir / "runs.sqlite3",
        sweep_interval=3600,
        max_saves_per_minute=1_000_000,
        max_sessions_per_client=200,
        max_memory_per_client_mb=100_000,
    )
    return db_dir, create_app(settings)


@contextlib.contextmanager
def client_of(app: FastAPI, db_dir: Path) -> Iterator[requests.Session]:
    """A client for the app; afterwards its lifespan ends and its database goes."""
    with asgi.get_client(cast(Any, app)) as client:
        try:
            yield client
        finally:
            asgi.shutdown_lifespans()
            shutil.rmtree(db_dir, ignore_errors=True)


def schema_of(app: FastAPI, max_examples: int) -> Any:
    """The app's document (straight from the app object, no lifespan needed), deterministic generation."""
    config = schemathesis.Config()
    config.update(seed=SEED, max_failures=None)
    config.projects.default.generation.update(max_examples=max_examples, deterministic=True, database="none")
    schema = schemathesis.openapi.from_dict(plain_tuples(copy.deepcopy(app.openapi())), config=config)
    schema.app = app
    return schema


def bounded_step(case: schemathesis.Case) -> None:
    """A step of 100,000 epochs is legal but takes minutes: cap the work of one request."""
    body = case.body
    if not (case.path.endswith("/step") and isinstance(body, dict)):
        return
    steps = body.get("steps")
    limit = MAX_FUZZ_EPOCHS if body.get("unit") == "epoch" else MAX_FUZZ_BATCHES
    if isinstance(steps, int) and not isinstance(steps, bool) and steps > limit:
        case.body = {**body, "steps": limit}


def strict_json(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """JSON bodies never carry NaN or Infinity (the contract; browsers' JSON.parse rejects them)."""
    content_type = (response.headers.get("content-type") or [""])[0]
    if "json" not in content_type or not response.content:
        return None

    def reject(name: str) -> float:
        raise AssertionError(f"the JSON body holds {name}")

    try:
        json.loads(response.content, parse_constant=reject)
    except ValueError as exc:
        raise AssertionError(f"the body is not JSON: {exc}") from None
    return True

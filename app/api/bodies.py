"""Large JSON bodies are parsed and validated on a worker thread, not on the event loop.

FastAPI parses a route's JSON body and validates it against the route's body
model on the event loop. For 10,000 points (or the 20,000 errors about them)
that takes a tenth of a second or more, during which no other session is
served. Routes made by ``OffLoopBody`` do both in a thread, one body at a
time, for a body larger than OFF_LOOP_BYTES, validating as FastAPI does, so
the answer (and a 422's field paths) and the OpenAPI document are exactly
those FastAPI gives. A thread still shares the GIL, so the work is cut too:
of each error only what the 422 answer shows is made.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from anyio import to_thread
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from starlette.requests import Request
from starlette.responses import Response

from app.outputs.wire import MAX_REPORTED_ERRORS, TOO_MANY_ERRORS

# Smaller bodies parse in less time than handing them to a thread takes.
OFF_LOOP_BYTES = 16_384

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class Parsed(Request):
    """The request with its body already read, parsed and validated."""

    def __init__(self, request: Request, raw: bytes, value: Any) -> None:
        super().__init__(request.scope, request.receive)
        self.raw, self.value = raw, value

    async def body(self) -> bytes:
        return self.raw

    async def json(self) -> Any:
        return self.value


def is_json(content_type: str | None) -> bool:
    """What FastAPI parses as JSON: application/json and application/*+json."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def parse(raw: bytes, adapter: TypeAdapter[Any]) -> tuple[bool, Any]:
    """(True, the validated body), or (False, None) for a body that is not JSON at all: FastAPI
    then parses it again and answers as it always does. Invalid values raise the 422 FastAPI would."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return False, None
    try:
        return True, adapter.validate_python(data, from_attributes=True)
    except ValidationError as exc:
        errors = first_errors(exc, data, adapter)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors], body=data) from None


def first_errors(exc: ValidationError, data: Any, adapter: TypeAdapter[Any]) -> list[Any]:
    """What a 422 shows of ``exc``: its errors, or the first MAX_REPORTED_ERRORS and a count of the rest.

    Turning 20,000 errors into dicts holds the GIL for tens of milliseconds. Past the cap
    the first errors come from the same body with its long lists cut short: per-item
    errors come in index order, so when the cut body's first errors all lie before the
    cut, they are the whole body's first errors.
    """
    count = exc.error_count()
    if count > MAX_REPORTED_ERRORS and isinstance(data, dict):
        for cut in (64, 1024):
            head = _cut_errors(data, adapter, cut)
            if head is not None:
                more = {"loc": (), "msg": f"and {count - MAX_REPORTED_ERRORS} more errors", "type": TOO_MANY_ERRORS}
                return [*head[:MAX_REPORTED_ERRORS], more]
    # The answer shows paths, messages and types: the inputs and links of each error cost most of the time.
    return exc.errors(include_url=False, include_context=False, include_input=False)


def _cut_errors(data: dict[str, Any], adapter: TypeAdapter[Any], cut: int) -> list[Any] | None:
    """The first MAX_REPORTED_ERRORS + 1 errors of ``data`` with every top-level list cut to ``cut``
    items, when all of them lie before the cut (None otherwise)."""
    long = {k for k, v in data.items() if isinstance(v, list) and len(v) > cut}
    if not long:
        return None
    try:
        adapter.validate_python({k: v[:cut] if k in long else v for k, v in data.items()}, from_attributes=True)
    except ValidationError as exc:
        if exc.error_count() <= MAX_REPORTED_ERRORS:
            return None
        head = exc.errors(include_url=False, include_context=False, include_input=False)[: MAX_REPORTED_ERRORS + 1]
        if all(e["loc"][:1] and e["loc"][0] in long and len(e["loc"]) > 1 for e in head):
            return head
    return None


def adapter_for(info: FieldInfo) -> TypeAdapter[Any]:
    """Validates as FastAPI validates a route's body field."""
    shape: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(shape)


class OffLoopBody(APIRoute):
    """An APIRoute whose large JSON body is parsed and validated off the event loop."""

    def get_route_handler(self) -> Handler:
        handle = super().get_route_handler()
        field = self.body_field
        if field is None:
            return handle
        adapter = adapter_for(field.field_info)

        async def handler(request: Request) -> Response:
            if not is_json(request.headers.get("content-type")):
                return await handle(request)
            raw = await request.body()
            if len(raw) <= OFF_LOOP_BYTES:
                return await handle(request)
            # Parsing and validation hold the GIL in long stretches: several at once would starve the loop.
            turns = request.app.state.body_turns
            parsed, value = await to_thread.run_sync(parse, raw, adapter, limiter=turns)
            return await handle(Parsed(request, raw, value) if parsed else request)

        return handler

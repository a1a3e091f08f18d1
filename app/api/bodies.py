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
        # The answer shows paths, messages and types: the inputs and links of 20,000 errors cost most of the time.
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors], body=data) from None


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

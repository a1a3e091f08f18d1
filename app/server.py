"""create_app(settings): middleware, routers, error handlers, lifespan. Nothing else."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import __version__
from app.api import openapi, redact
from app.api.assets import resource_dir, shared_plotly
from app.api.guard import Guard, Policy
from app.api.headers import SecurityHeaders
from app.api.routes import backprop, datasets, inspect, landscapes, lessons, meta, pages, runs, sessions, stream, watch
from app.api.static_assets import StaticAssets
from app.outputs.wire import MAX_REPORTED_ERRORS, TOO_MANY_ERRORS, error_message
from app.serving import allocator
from app.serving.footprint import MB
from app.serving.host import SessionHost
from app.serving.postgres_runs import PostgresRunStore
from app.serving.protocol import Host
from app.serving.quota import RateLimit
from app.serving.runs_store import RunStore
from app.serving.session_store import CapacityError, SessionStore
from app.serving.shards import ShardedHost
from app.serving.sqlite_runs import SqliteRunStore
from app.settings import Settings, worker_count
from app.training.errors import FieldError, NotFound, PayloadTooLarge

log = logging.getLogger("neural_playground")
MAX_LOGGED_MESSAGE = 1000
INTERNAL_ERROR = {"detail": "internal error; the server log has the details"}

DESCRIPTION = """Train small NumPy multilayer perceptrons on 2-D toy data, one step at a time,
and watch them learn: REST for control and reads, a WebSocket for live frames.
A session id is a bearer capability: whoever holds it may drive the session."""


def _errors(errors: list[Any], prefix: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Field path, message and type only: inputs are never echoed (they may hold NaN). The first
    MAX_REPORTED_ERRORS only: 10,000 bad points would otherwise make an answer of megabytes."""
    shown = [
        {"loc": [*prefix, *err["loc"]], "msg": error_message(err), "type": err["type"]}
        for err in errors[:MAX_REPORTED_ERRORS]
    ]
    if errors and errors[-1]["type"] == TOO_MANY_ERRORS:  # counted already (app/api/bodies.py)
        shown.append({**errors[-1], "loc": [*prefix, *errors[-1]["loc"]]})
    elif len(errors) > MAX_REPORTED_ERRORS:
        more = len(errors) - MAX_REPORTED_ERRORS
        where = [*prefix, *errors[MAX_REPORTED_ERRORS]["loc"][:1]]
        shown.append({"loc": where, "msg": f"and {more} more errors", "type": TOO_MANY_ERRORS})
    return shown


def _brief(exc: BaseException) -> str:
    """The error's type and the start of its message: a message may hold every bad value of a request."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= MAX_LOGGED_MESSAGE else f"{text[:MAX_LOGGED_MESSAGE]}... ({len(text)} characters)"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _errors(list(exc.errors()))}, status_code=422)

    @app.exception_handler(ValidationError)
    async def body_invalid(request: Request, exc: ValidationError) -> JSONResponse:
        return JSONResponse({"detail": _errors(exc.errors(), ("body",))}, status_code=422)

    @app.exception_handler(FieldError)
    async def field_invalid(request: Request, exc: FieldError) -> JSONResponse:
        # "config" names the session's own config (the request was fine, the session cannot do it).
        places = ("body", "query", "path", "header", "config")
        loc = list(exc.loc) if exc.loc and exc.loc[0] in places else ["body", *exc.loc]
        return JSONResponse({"detail": [{"loc": loc, "msg": exc.message, "type": "value_error"}]}, status_code=422)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=404)

    @app.exception_handler(CapacityError)
    async def full(request: Request, exc: CapacityError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(PayloadTooLarge)
    async def too_large(request: Request, exc: PayloadTooLarge) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=413)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI answers 400 for bodies it cannot even parse (bad UTF-8, nesting too deep).
            detail = [{"loc": ["body"], "msg": "the body is not valid JSON", "type": "json_invalid"}]
            return JSONResponse({"detail": detail}, status_code=422)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log_unexpected(request.method, request.url.path, exc)
        return JSONResponse(INTERNAL_ERROR, status_code=500)


def log_unexpected(method: str, path: str, exc: BaseException) -> None:
    """One bounded record: where, what (the message cut short) and the stack without its values."""
    trace = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unhandled error on %s %s: %s\n%s", method, path, _brief(exc), trace)


class CatchAll:
    """Answers an unexpected error inside the app with a small 500, logged once.

    Starlette's last resort (the Exception handler above, for errors in the outer
    middleware) re-raises after answering, and the server then logs the whole error
    again, message and all."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            log_unexpected(scope["method"], scope["path"], exc)
            if not started:
                await JSONResponse(INTERNAL_ERROR, status_code=500)(scope, receive, send)


def open_runs(settings: Settings) -> RunStore:
    """PostgreSQL when a database URL is given (shared by every server), else this server's SQLite file."""
    if settings.database_url:
        return PostgresRunStore(settings.database_url)
    return SqliteRunStore(settings.db, settings.id_prefix)


async def _sweep_forever(store: SessionStore, interval: float) -> None:
    """Expire idle sessions, and give the heap's free memory back, every ``interval`` seconds."""
    while True:
        await asyncio.sleep(interval)
        gone = await store.sweep()
        if gone:
            log.info("expired %d idle sessions", len(gone))
        await asyncio.to_thread(allocator.release_free_memory)


def create_app(
    settings: Settings | None = None, clock: Callable[[], float] = time.monotonic, bind_host: str | None = None
) -> FastAPI:
    """``bind_host`` is the address the server listens on, where known: bound to a loopback
    address, only loopback names and the allowed hosts may be named by the Host header."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Before any worker starts: a database that cannot be used at all stops the start in one clear error.
        app.state.runs = await asyncio.to_thread(open_runs, settings)
        workers = worker_count(settings)
        host: Host
        if workers:
            host = await ShardedHost.start(workers, settings.chunk_seconds)
            log.info("sessions run in %d worker processes", workers)
        else:
            host = SessionHost(settings.compute_threads, settings.chunk_seconds)
        prefix = settings.id_prefix
        app.state.store = store = SessionStore(
            host,
            settings.max_sessions,
            settings.session_ttl,
            clock,
            prefix,
            budget=settings.max_memory_mb * MB,
            per_client=settings.max_sessions_per_client,
            client_budget=settings.max_memory_per_client_mb * MB,
        )
        if isinstance(host, ShardedHost):
            host.on_lost = store.forget
        app.state.saves = RateLimit(settings.max_saves_per_minute, 60.0, clock)
        app.state.landscape_turns = asyncio.Semaphore(1)
        app.state.body_turns = anyio.CapacityLimiter(1)  # app/api/bodies.py: large bodies parse one at a time
        # Read (and compress) plotly.js in the background: health answers at once.
        app.state.plotly = asyncio.create_task(asyncio.to_thread(shared_plotly))
        sweeper = asyncio.create_task(_sweep_forever(app.state.store, settings.sweep_interval))
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            with contextlib.suppress(asyncio.CancelledError):
                await app.state.plotly
            await host.close()
            await asyncio.to_thread(app.state.runs.close)

    # The API docs (/docs, /redoc) load their scripts from this server: classrooms are often offline.
    app = FastAPIOffline(
        title="Neural Playground",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.static = StaticAssets.load(resource_dir("static"))
    app.state.templates = Jinja2Templates(directory=resource_dir("templates"))
    install_error_handlers(app)
    app.add_middleware(CatchAll)
    app.add_middleware(GZipMiddleware, minimum_size=800, compresslevel=6)
    app.add_middleware(Guard, policy=Policy.build(settings.allowed_origins, settings.allowed_hosts, bind_host))
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    redact.install()
    for module in (meta, datasets, sessions, inspect, backprop, stream, watch, runs, landscapes, lessons, pages):
        app.include_router(module.router)
    app.include_router(runs.session_router)
    openapi.install(app)
    return app

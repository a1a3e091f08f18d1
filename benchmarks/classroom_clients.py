"""The classroom benchmark's clients: students with a session each, a presenter's watchers, a REST stepper.

Clients are kept cheap, since they share the machine with the server: frames are
read as bytes and never decoded; the epoch is cut out of ``"state":{..."epoch":N``
with ``bytes.find`` and a tiny regex (in a lean frame, its JSON header holds it).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets
from harness import Server
from websockets.asyncio.client import ClientConnection, connect

SESSION_CONFIG: dict[str, Any] = {
    "dataset": {"name": "spiral", "samples": 500},
    "hidden_layers": [8, 8],
    "activation": "tanh",
    "batch_size": 10,
}
STEP_BODY = {"steps": 1, "unit": "epoch"}
STEPS_PER_SECOND = 2.0
REQUEST_TIMEOUT = 30.0

STATE_KEY = b'"state":{'
EPOCH_KEY = b'"epoch":'
DIGITS = re.compile(rb"\d+")
FRAME_PREFIX = b'{"type":"frame"'
LEAN_HEADER_AT = 4  # a lean frame's JSON header follows its 4-byte length
ERROR_MARK = b'"type":"error"'


@dataclass(frozen=True)
class Settings:
    clients: int
    seconds: float
    fps: int
    speed: float
    ramp: float
    warmup: float
    deflate: bool
    quick: bool
    maps: bool = False  # full frames with maps drawn by the server, instead of lean ones
    watchers: bool = False  # the clients watch one presenter's session instead of each their own


@dataclass(frozen=True)
class ErrorEvent:
    at: float
    source: str  # "client 7", "stepper", ...
    kind: str  # "error message", "socket", "http 500", "http 429", "request"
    detail: str


class Errors:
    """Shared by the event loop and the stepper thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[ErrorEvent] = []

    def add(self, source: str, kind: str, detail: str) -> None:
        with self._lock:
            self.events.append(ErrorEvent(time.monotonic(), source, kind, detail[:300]))

    def http(self, source: str, response: httpx.Response) -> bool:
        """Record a non-2xx answer; True if the answer was 2xx."""
        if response.is_success:
            return True
        self.add(source, f"http {response.status_code}", response.text)
        return False


@dataclass
class ClientRecord:
    index: int
    session_id: str | None = None
    at: list[float] = field(default_factory=list)  # time.monotonic() on receipt of each frame
    epochs: list[int] = field(default_factory=list)  # state.epoch of each frame (-1: not found)
    sizes: list[int] = field(default_factory=list)  # bytes of each frame as received (inflated)


def epoch_of(message: bytes) -> int:
    """``state.epoch`` of a frame without decoding it; -1 if it is not there."""
    i = message.find(STATE_KEY)
    if i < 0:
        return -1
    j = message.find(EPOCH_KEY, i)
    if j < 0:
        return -1
    match = DIGITS.match(message, j + len(EPOCH_KEY))
    return int(match.group()) if match else -1


async def create_session(http: httpx.AsyncClient, errors: Errors, source: str) -> str | None:
    try:
        response = await http.post("/api/sessions", json=SESSION_CONFIG)
    except httpx.HTTPError as exc:
        errors.add(source, "request", f"POST /api/sessions: {exc!r}")
        return None
    if not errors.http(source, response):
        return None
    return str(response.json()["id"])


def is_frame(message: bytes) -> bool:
    """A JSON frame, or a lean frame: its header (after the 4-byte length) opens the same way."""
    return message.startswith(FRAME_PREFIX) or message.startswith(FRAME_PREFIX, LEAN_HEADER_AT)


async def receive(ws: ClientConnection, record: ClientRecord, errors: Errors, stop: asyncio.Event) -> None:
    """Count frames as they come: the epoch is cut out of the (header) bytes, nothing is decoded."""
    source = f"client {record.index}"
    try:
        while True:
            message = await ws.recv(decode=False)
            at = time.monotonic()
            if isinstance(message, str):  # not expected with decode=False; be safe
                message = message.encode()
            if is_frame(message):
                record.at.append(at)
                record.epochs.append(epoch_of(message))
                record.sizes.append(len(message))
            elif ERROR_MARK in message:
                errors.add(source, "error message", message.decode(errors="replace"))
            else:
                errors.add(source, "unexpected message", message[:200].decode(errors="replace"))
    except websockets.ConnectionClosed as exc:
        if not stop.is_set():
            errors.add(source, "socket", f"closed early: {exc}")


def subscription(settings: Settings) -> str:
    """What the page sends: lean frames unless the run measures the server drawing maps."""
    message: dict[str, Any] = {"type": "subscribe", "fps": settings.fps}
    if not settings.maps:
        message["maps"] = False
    return json.dumps(message)


async def watch(
    url: str, record: ClientRecord, settings: Settings, errors: Errors, stop: asyncio.Event, play: bool
) -> None:
    """Subscribe on the stream at ``url`` (and play, for a session's own link) and read frames until ``stop``."""
    options: dict[str, Any] = {"max_size": 16 * 2**20, "open_timeout": REQUEST_TIMEOUT}
    if not settings.deflate:
        options["compression"] = None
    try:
        async with connect(url, **options) as ws:
            receiver = asyncio.create_task(receive(ws, record, errors, stop))
            await ws.send(subscription(settings))
            if play:
                await ws.send(json.dumps({"type": "play", "speed": settings.speed}))
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({receiver, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
        await receiver
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        if not stop.is_set():
            errors.add(f"client {record.index}", "socket", repr(exc))


async def run_student(
    record: ClientRecord,
    join_at: float,
    server: Server,
    http: httpx.AsyncClient,
    settings: Settings,
    errors: Errors,
    stop: asyncio.Event,
) -> None:
    """Join at ``join_at``: create a session, watch it and play it until ``stop``."""
    await asyncio.sleep(max(0.0, join_at - time.monotonic()))
    record.session_id = await create_session(http, errors, f"client {record.index}")
    if record.session_id is not None:
        await watch(f"{server.ws_url}/api/sessions/{record.session_id}/stream", record, settings, errors, stop, True)


async def watch_link(http: httpx.AsyncClient, session_id: str, errors: Errors) -> str | None:
    """The presenter's watch token for ``session_id``."""
    try:
        response = await http.post(f"/api/sessions/{session_id}/watch")
    except httpx.HTTPError as exc:
        errors.add("presenter", "request", f"POST watch: {exc!r}")
        return None
    return str(response.json()["token"]) if errors.http("presenter", response) else None


async def run_watcher(
    record: ClientRecord,
    join_at: float,
    server: Server,
    token: str,
    settings: Settings,
    errors: Errors,
    stop: asyncio.Event,
) -> None:
    """Join at ``join_at`` on the presenter's watch link and read its frames until ``stop``."""
    await asyncio.sleep(max(0.0, join_at - time.monotonic()))
    await watch(f"{server.ws_url}/api/watch/{token}/stream", record, settings, errors, stop, False)


# ---- the REST stepper -------------------------------------------------------------------


def step_loop(base_url: str, session_id: str, start: float, end: float, errors: Errors) -> list[float]:
    """POST one-epoch steps STEPS_PER_SECOND times a second during [start, end); milliseconds each."""
    latencies: list[float] = []
    interval = 1.0 / STEPS_PER_SECOND
    path = f"/api/sessions/{session_id}/step"
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
        due = start
        while True:
            time.sleep(max(0.0, due - time.monotonic()))
            if time.monotonic() >= end:
                return latencies
            began = time.perf_counter()
            try:
                response = client.post(path, json=STEP_BODY)
            except httpx.HTTPError as exc:
                errors.add("stepper", "request", f"POST step: {exc!r}")
            else:
                if errors.http("stepper", response):
                    latencies.append((time.perf_counter() - began) * 1e3)
            due = max(due + interval, time.monotonic())

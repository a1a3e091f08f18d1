"""WebSocket /api/sessions/{id}/stream: drive a session and watch it learn.

Client -> server: play, pause, step, reset, configure, subscribe (JSON text).
Server -> client: frames, and {"type": "error", "detail"} for anything it
cannot take (the socket stays open).

Frames are pulled, not pushed: a watcher asks the host for the next frame
only when it has sent the last one and its frame interval has passed, so a
slow client gets fewer, newer frames and never a backlog.

A watcher that subscribes with ``"maps": false`` gets lean frames instead: one
binary message each, without maps (app/outputs/lean.py has the layout). The
socket's address may carry a first subscription (``?maps=false&fps=60``), so
that even the first frame has the form the watcher wants.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from starlette.websockets import WebSocketState

from app.api.audience import CLOSE_PRESENTER_LEFT, audience
from app.api.schemas import (
    ConfigureMessage,
    PauseMessage,
    PlayMessage,
    ResetMessage,
    StepMessage,
    SubscribeMessage,
)
from app.outputs.frames import MapSettings
from app.outputs.wire import error_message
from app.serving.protocol import FrameOut, SessionNotFound
from app.serving.session_store import SessionStore
from app.training.errors import FieldError, NotFound

router = APIRouter(tags=["stream"])

ClientMessage = PlayMessage | PauseMessage | StepMessage | ResetMessage | ConfigureMessage | SubscribeMessage
MESSAGES: dict[str, type[ClientMessage]] = {
    "play": PlayMessage,
    "pause": PauseMessage,
    "step": StepMessage,
    "reset": ResetMessage,
    "configure": ConfigureMessage,
    "subscribe": SubscribeMessage,
}
CLOSE_NOT_FOUND = 4404
CATCH_UP = 3  # frames a late watcher may make up
LEAD, MAX_LEAD = 0.5, 0.05  # ask for a frame this share of an interval (at most 50 ms) early


@dataclass
class Watcher:
    fps: int = 20
    maps: MapSettings = field(default_factory=MapSettings)


def describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {error_message(err)}" if where else err["msg"])
    return "; ".join(parts)


def address_subscription(params: Mapping[str, str]) -> SubscribeMessage:
    """The subscription a socket's query string asks for; ValueError names a field it cannot take."""
    data: dict[str, object] = {"type": "subscribe"}
    for key, value in params.items():
        data[key] = {"true": True, "false": False}.get(value, int(value) if value.isdecimal() else value)
    try:
        return SubscribeMessage.model_validate(data)
    except ValidationError as exc:
        raise ValueError(describe(exc)) from None


def parse(text: str) -> ClientMessage:
    """Validate one client message; ValueError says what is wrong with it."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ValueError('messages are JSON objects, like {"type": "play"}') from None
    name = data.get("type") if isinstance(data, dict) else None
    kind = MESSAGES.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValueError(f"type: must be one of {', '.join(MESSAGES)}")
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        raise ValueError(describe(exc)) from None


class Connection:
    """One socket watching (and, unless read-only, driving) one session."""

    def __init__(self, websocket: WebSocket, store: SessionStore, session_id: str, read_only: bool = False) -> None:
        self.ws = websocket
        self.store = store
        self.host = store.host
        self.session_id = session_id
        self.read_only = read_only
        self.watcher = Watcher()
        self.send_lock = asyncio.Lock()
        self.steps: set[asyncio.Task[None]] = set()
        self.sender: asyncio.Task[None] | None = None
        self.waiting = False  # the sender is waiting for the host's next frame
        self.refreshing = False  # the watcher changed format: the sender is to ask afresh

    async def send(self, message: str | bytes) -> None:
        async with self.send_lock:
            if isinstance(message, bytes):
                await self.ws.send_bytes(message)
            else:
                await self.ws.send_text(message)

    async def error(self, detail: str) -> None:
        await self.send(json.dumps({"type": "error", "detail": detail}))

    async def frames(self) -> None:
        """Send the newest frame whenever the client is ready for one, ``fps`` a second at most.

        Frames are due on a fixed schedule, so a frame that comes late does not push
        every later one back: up to ``CATCH_UP`` late frames are made up at once, and a
        client that fell further behind starts afresh. Each frame is asked for a little
        before it is due (``LEAD`` of the interval), so that a busy worker's turn does not
        make it late; it is then held until due.
        """
        version, epoch, config_version = -1, 0, -1
        due = time.monotonic()
        while True:
            interval = 1.0 / self.watcher.fps
            ask = due - min(LEAD * interval, MAX_LEAD)
            if (delay := ask - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            if self.refreshing:  # the current version, in the format the watcher has just chosen
                version, self.refreshing = -1, False
            frame = await self.next_frame(version, epoch, config_version)
            if frame is None:
                continue
            if (early := due - time.monotonic()) > 0:
                await asyncio.sleep(early)
            await self.send(frame.text)
            version, epoch, config_version = frame.version, frame.epoch, frame.config_version
            due = max(due + interval, time.monotonic() - CATCH_UP * interval)

    async def next_frame(self, version: int, epoch: int, config_version: int) -> FrameOut | None:
        """The host's next frame after ``version``; None if ``refresh`` stopped the wait."""
        self.waiting = True
        try:
            return await self.host.next_frame(self.session_id, version, epoch, self.watcher.maps, config_version)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            # Only refresh's own cancel is absorbed: one from anywhere else (the socket closing) goes on.
            if not self.refreshing or task is None or task.uncancel() > 0:
                raise
            return None
        finally:
            self.waiting = False

    def refresh(self) -> None:
        """The sender asks for the current version again, so that a new format shows without a change."""
        if self.waiting and not self.refreshing and self.sender is not None:
            self.sender.cancel()
        self.refreshing = True

    async def handle(self, message: ClientMessage) -> None:
        sid, host = self.session_id, self.host
        if self.read_only and not isinstance(message, SubscribeMessage):
            await self.error(f"type: this link can only watch; {message.type} needs the session's own link")
            return
        if isinstance(message, PlayMessage):
            await host.play(sid, message.epochs_per_second)
        elif isinstance(message, PauseMessage):
            await host.pause(sid)
        elif isinstance(message, StepMessage):
            task = asyncio.create_task(self.step(message))  # beside the reading, so that a pause can stop it
            self.steps.add(task)
            task.add_done_callback(self.steps.discard)
        elif isinstance(message, ResetMessage):
            await host.reset(sid)
        elif isinstance(message, ConfigureMessage):
            try:
                await host.patch(sid, message.config)
            except ValidationError as exc:
                await self.error(f"config.{describe(exc)}")
            except RecursionError:
                await self.error("config: nested too deeply")
        elif isinstance(message, SubscribeMessage):
            if self.subscribe(message):
                self.refresh()
            await host.set_watcher_fps(sid, self.watcher_id, message.fps)

    def subscribe(self, message: SubscribeMessage) -> bool:
        """Take the subscription's frame rate and form; True if the form (lean or not) changed."""
        self.watcher.fps = message.fps
        before, lean = self.watcher.maps, not message.maps
        self.watcher.maps = (
            MapSettings(lean=True) if lean else MapSettings(message.boundary_resolution, message.neuron_resolution)
        )
        return lean != before.lean

    async def subscribe_from_address(self) -> None:
        """The subscription in the socket's query string, if any, before the first frame."""
        if self.ws.query_params:
            try:
                self.subscribe(address_subscription(self.ws.query_params))
            except ValueError as exc:
                await self.error(str(exc))

    async def step(self, message: StepMessage) -> None:
        """A step, while the socket goes on reading; frames show where it got (a lost session closes the socket)."""
        with contextlib.suppress(SessionNotFound):
            try:
                await self.host.step(self.session_id, message.steps, message.unit)
            except FieldError as exc:
                await self.error(str(exc))

    async def run(self) -> None:
        try:
            self.watcher_id = await self.host.add_watcher(self.session_id, self.watcher.fps)
        except SessionNotFound:  # gone between the check and now: an expected 404, not an error
            await self.close_not_found()
            return
        self.store.watching(self.session_id, +1)
        others = audience(self.ws.app.state)
        left = others.join(self.session_id, self.read_only)
        self.sender = sender = asyncio.create_task(self.frames())
        receiver = asyncio.create_task(self.receive())
        leaving = asyncio.create_task(left.wait())
        try:
            done, _ = await asyncio.wait({sender, receiver, leaving}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        except NotFound:  # SessionNotFound here, or a worker's NotFound for a session it no longer has
            await self.close_not_found()
        except WebSocketDisconnect:
            pass
        finally:
            for task in (sender, receiver, leaving):
                task.cancel()
            for task in list(self.steps):
                task.cancel()  # no one is left to watch them
            others.leave(self.session_id, self.read_only, left)
            self.store.watching(self.session_id, -1)
            # Shielded: the last watcher's leaving must pause play even if this task is being cancelled.
            with contextlib.suppress(SessionNotFound, asyncio.CancelledError):
                await asyncio.shield(self.host.remove_watcher(self.session_id, self.watcher_id))
        if left.is_set():
            await self.close(CLOSE_PRESENTER_LEFT, "the presenter has left")

    async def receive(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            self.store.touch(self.session_id)
            text = message.get("text")
            if text is None:
                await self.error("binary messages are not understood: send JSON text")
                continue
            try:
                parsed = parse(text)
            except ValueError as exc:
                await self.error(str(exc))
                continue
            try:
                await self.handle(parsed)
            except FieldError as exc:
                await self.error(str(exc))

    async def close_not_found(self) -> None:
        await self.close(CLOSE_NOT_FOUND, "", "session not found: it never existed, was deleted, or expired")

    async def close(self, code: int, reason: str, detail: str = "") -> None:
        if self.ws.application_state == WebSocketState.CONNECTED:
            try:
                if detail:
                    await self.error(detail)
                await self.ws.close(code=code, reason=reason)
            except (RuntimeError, WebSocketDisconnect):
                pass


@router.websocket("/api/sessions/{session_id}/stream")
async def stream(websocket: WebSocket, session_id: str) -> None:
    store: SessionStore = websocket.app.state.store
    await websocket.accept()
    connection = Connection(websocket, store, session_id)
    if session_id not in store:
        await connection.close_not_found()
        return
    store.touch(session_id)
    await connection.subscribe_from_address()
    await connection.run()


@router.websocket("/api/watch/{token}/stream")
async def watch_stream(websocket: WebSocket, token: str) -> None:
    """Presenter mode: the session's frames, read-only (only subscribe is accepted)."""
    store: SessionStore = websocket.app.state.store
    await websocket.accept()
    try:
        session_id = store.watched_session(token)
    except NotFound:
        await Connection(websocket, store, "", read_only=True).close_not_found()
        return
    connection = Connection(websocket, store, session_id, read_only=True)
    await connection.subscribe_from_address()
    await connection.run()

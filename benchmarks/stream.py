"""Stream benchmark: frames per second, bytes per frame and REST latency of a live server.

What is measured
----------------
The script starts the real server (``python -m app.cli serve``) as a
subprocess on 127.0.0.1, on a free port, with a temporary ``--db`` file, and
waits for ``GET /api/health``. Then:

1. Play. A session is created over REST (spiral, 500 samples, 2-8-8-1 tanh,
   SGD lr 0.03, batch 10). A real WebSocket client (the ``websockets``
   asyncio client, permessage-deflate on, its default) connects to
   ``/api/sessions/{id}/stream``, sends ``{"type": "subscribe", "fps": 60}``
   and ``{"type": "play", "speed": "max"}``, and for ``--seconds`` (10; quick
   3) counts the frames it receives and the epochs trained (from
   ``frame["state"]["epoch"]``). Targets: >= 30 frames/s while >= 100 epochs/s.
   The window starts after a short warm-up, at the first frame that says
   "training"; the rates are also given per whole second (the slowest second).

2. Frame size. The client connects through a tiny TCP relay inside this
   script that counts the bytes flowing server -> client, so the size is what
   is on the wire: compressed, with WebSocket framing (TCP/IP headers not
   included). Bytes per frame = relayed bytes between the first and the last
   frame of the window / frames. The uncompressed JSON text per frame is
   shown too. Target: <= 16 KB per frame on the wire (KB = 1000 bytes). The
   table says whether permessage-deflate was negotiated (the response's
   ``Sec-WebSocket-Extensions`` header and the client's active extensions).

3. REST latency of ``POST /api/sessions/{id}/step {"steps": 1, "unit":
   "epoch"}`` on a second, paused session, ``--requests`` (50; quick 20)
   requests one after another over one keep-alive connection (httpx, in a
   thread so the WebSocket client never delays them): median and p95, first
   with the server idle, then while the first session plays at max with its
   watcher connected, which shows whether play starves REST. Frames and
   epochs per second during that second phase are shown too. There is no
   target for latency; the table reports it.

How to run
----------
From the repository root::

    pip install -e ".[bench]"
    python benchmarks/stream.py              # ~15 s, human-readable table
    python benchmarks/stream.py --quick      # ~7 s smoke run
    python benchmarks/stream.py --json       # table to stderr, one JSON object to stdout

``--seconds`` and ``--requests`` override the window and the request count;
``--fps`` subscribes at another rate (1..60) to see what frames cost the
training and the REST latency. Server settings can be varied through the
usual NEURAL_PLAYGROUND_* environment variables, which the server inherits
(e.g. NEURAL_PLAYGROUND_CHUNK_SECONDS=0.005).

Client and server share the machine, so the client's own work (inflating
and parsing frames, relaying bytes) competes with the server for CPU; on a
2-core machine that is a real, if small, share. The server's log goes to a
temporary file whose tail is printed if it fails to start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

import harness
import httpx
import websockets
from harness import HOST, Server, mark, percentile, running_server
from websockets.asyncio.client import ClientConnection, connect

SESSION_CONFIG: dict[str, Any] = {
    "dataset": {"name": "spiral", "samples": 500},
    "hidden_layers": [8, 8],
    "activation": "tanh",
    "optimizer": {"name": "sgd", "learning_rate": 0.03},
    "batch_size": 10,
}
STEP_BODY = {"steps": 1, "unit": "epoch"}
FPS = 60
TARGET_FPS = 30.0
TARGET_EPOCHS_PER_SECOND = 100.0
TARGET_WIRE_BYTES = 16_000  # 16 KB, KB = 1000 bytes
WARMUP_SECONDS = 0.5
REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class Settings:
    seconds: float
    requests: int
    fps: int
    quick: bool


# ---- the byte-counting relay ------------------------------------------------------------


class Relay:
    """A TCP relay on 127.0.0.1 that forwards to the server and counts the bytes each way."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.down = 0  # server -> client
        self.up = 0  # client -> server
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, HOST, 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(HOST, self.target_port)
        pipes = [
            asyncio.create_task(self._pipe(client_reader, server_writer, downstream=False)),
            asyncio.create_task(self._pipe(server_reader, client_writer, downstream=True)),
        ]
        self._tasks.update(pipes)
        await asyncio.gather(*pipes, return_exceptions=True)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, downstream: bool) -> None:
        try:
            while data := await reader.read(1 << 16):
                if downstream:
                    self.down += len(data)
                else:
                    self.up += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


# ---- the watcher ------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameSeen:
    at: float  # time.monotonic() on receipt
    epoch: int
    status: str
    wire_total: int  # relay's server -> client byte count on receipt (this frame included)
    text_bytes: int  # the frame's JSON text, UTF-8, uncompressed


@dataclass
class Watch:
    frames: list[FrameSeen] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def consume(ws: ClientConnection, relay: Relay, watch: Watch) -> None:
    """Record every frame until the socket closes."""
    with contextlib.suppress(websockets.ConnectionClosed):
        async for message in ws:
            at = time.monotonic()
            text = message if isinstance(message, str) else message.decode()
            data = json.loads(text)
            if data.get("type") != "frame":
                watch.errors.append(str(data.get("detail", data)))
                continue
            state = data["state"]
            watch.frames.append(FrameSeen(at, state["epoch"], state["status"], relay.down, len(text.encode())))


def deflate_negotiated(ws: ClientConnection) -> dict[str, Any]:
    header = ws.response.headers.get("Sec-WebSocket-Extensions") if ws.response is not None else None
    active = [ext.name for ext in ws.protocol.extensions]
    return {"header": header, "extensions": active, "negotiated": "permessage-deflate" in active}


async def wait_for_training(watch: Watch, timeout: float = 10.0) -> float:
    """The time of the first frame that says "training"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for f in watch.frames:
            if f.status == "training":
                return f.at
        await asyncio.sleep(0.01)
    raise RuntimeError(f"no training frame within {timeout:g} s (errors: {watch.errors})")


# ---- figures ----------------------------------------------------------------------------


def window(frames: list[FrameSeen], start: float, end: float) -> list[FrameSeen]:
    """The frames received in [start, end)."""
    return [f for f in frames if start <= f.at < end]


def per_second(frames: list[FrameSeen], start: float, seconds: float) -> list[tuple[int, int]]:
    """(frames, epochs) in each whole second of the window."""
    buckets: list[tuple[int, int]] = []
    before = [f for f in frames if f.at < start]
    last_epoch = before[-1].epoch if before else (frames[0].epoch if frames else 0)
    for i in range(int(seconds)):
        inside = window(frames, start + i, start + i + 1)
        epoch = inside[-1].epoch if inside else last_epoch
        buckets.append((len(inside), epoch - last_epoch))
        last_epoch = epoch
    return buckets


def stream_figures(frames: list[FrameSeen], start: float, end: float) -> dict[str, Any]:
    """Rates and sizes over [start, end); bytes per frame from the first to the last frame inside."""
    inside = window(frames, start, end)
    seconds = end - start
    result: dict[str, Any] = {"seconds": seconds, "frames": len(inside)}
    if len(inside) < 2:
        return result | {"fps": len(inside) / seconds, "epochs_per_second": 0.0}
    first, last = inside[0], inside[-1]
    span = last.at - first.at
    buckets = per_second(frames, start, seconds)
    result |= {
        "fps": len(inside) / seconds,
        "epochs": last.epoch - first.epoch,
        "epochs_per_second": (last.epoch - first.epoch) / span if span > 0 else 0.0,
        "epochs_per_frame": (last.epoch - first.epoch) / (len(inside) - 1),
        "wire_bytes_per_frame": (last.wire_total - first.wire_total) / (len(inside) - 1),
        "text_bytes_per_frame": statistics.mean(f.text_bytes for f in inside[1:]),
        "max_gap_ms": max((b.at - a.at) * 1e3 for a, b in itertools.pairwise(inside)),
        "per_second": [{"frames": n, "epochs": e} for n, e in buckets],
        "slowest_second_fps": min((n for n, _ in buckets), default=None),
        "slowest_second_epochs": min((e for _, e in buckets), default=None),
    }
    return result


def latency_figures(ms: list[float]) -> dict[str, Any]:
    return {
        "requests": len(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": percentile(ms, 95),
        "min_ms": min(ms),
        "max_ms": max(ms),
    }


# ---- REST -------------------------------------------------------------------------------


def create_session(client: httpx.Client) -> str:
    response = client.post("/api/sessions", json=SESSION_CONFIG)
    response.raise_for_status()
    return str(response.json()["id"])


def step_latencies(base_url: str, session_id: str, count: int) -> list[float]:
    """Milliseconds for each of ``count`` one-epoch steps, one after another (after one warm-up)."""
    times: list[float] = []
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
        client.post(f"/api/sessions/{session_id}/step", json=STEP_BODY).raise_for_status()
        for _ in range(count):
            start = time.perf_counter()
            response = client.post(f"/api/sessions/{session_id}/step", json=STEP_BODY)
            times.append((time.perf_counter() - start) * 1e3)
            response.raise_for_status()
    return times


# ---- the run ----------------------------------------------------------------------------


async def measure(server: Server, settings: Settings) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=REQUEST_TIMEOUT) as client:
        player, stepper = create_session(client), create_session(client)

    idle = await asyncio.to_thread(step_latencies, server.url, stepper, settings.requests)

    relay = Relay(server.port)
    relay_port = await relay.start()
    watch = Watch()
    url = f"ws://{HOST}:{relay_port}/api/sessions/{player}/stream"
    try:
        async with connect(url, max_size=16 * 2**20) as ws:
            deflate = deflate_negotiated(ws)
            consumer = asyncio.create_task(consume(ws, relay, watch))
            await ws.send(json.dumps({"type": "subscribe", "fps": settings.fps}))
            await ws.send(json.dumps({"type": "play", "speed": "max"}))
            start = await wait_for_training(watch) + WARMUP_SECONDS
            await asyncio.sleep(max(0.0, start + settings.seconds - time.monotonic()))
            play = stream_figures(watch.frames, start, start + settings.seconds)

            busy_start = time.monotonic()
            busy = await asyncio.to_thread(step_latencies, server.url, stepper, settings.requests)
            busy_end = time.monotonic()
            during_rest = stream_figures(watch.frames, busy_start, busy_end)

            await ws.send(json.dumps({"type": "pause"}))
            await ws.close()
            await consumer
    finally:
        await relay.close()

    return {
        "deflate": deflate,
        "play": play,
        "rest_idle": latency_figures(idle),
        "rest_while_playing": latency_figures(busy),
        "stream_during_rest": during_rest,
        "stream_errors": watch.errors,
        "relay_bytes": {"down": relay.down, "up": relay.up},
    }


def verdicts(result: dict[str, Any]) -> list[dict[str, Any]]:
    play = result["play"]
    wire = play.get("wire_bytes_per_frame")
    rows = [
        ("frames/s", play["fps"], ">=", TARGET_FPS),
        ("epochs/s", play["epochs_per_second"], ">=", TARGET_EPOCHS_PER_SECOND),
        ("wire bytes/frame", wire, "<=", TARGET_WIRE_BYTES),
    ]
    out = []
    for name, value, op, bound in rows:
        passed = None if value is None else (value >= bound if op == ">=" else value <= bound)
        out.append({"name": name, "value": value, "op": op, "target": bound, "pass": passed})
    return out


# ---- reporting --------------------------------------------------------------------------


def kb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1000:.2f} KB"


def print_report(result: dict[str, Any], settings: Settings, out: TextIO) -> None:
    play, deflate = result["play"], result["deflate"]
    checks = {c["name"]: c for c in result["verdicts"]}
    print(
        f"\nPlay at max, subscribed at {settings.fps} fps, {play['seconds']:.1f} s window "
        f"(after {WARMUP_SECONDS:g} s warm-up)",
        file=out,
    )
    fps, eps, wire = checks["frames/s"], checks["epochs/s"], checks["wire bytes/frame"]
    print(f"  frames/s          {play['fps']:10.1f}   target >= {TARGET_FPS:g}    {mark(fps['pass'])}", file=out)
    print(
        f"  epochs/s          {play['epochs_per_second']:10.1f}   target >= {TARGET_EPOCHS_PER_SECOND:g}   "
        f"{mark(eps['pass'])}",
        file=out,
    )
    if "per_second" in play:
        print(
            f"  slowest second    {play['slowest_second_fps']!s:>6} frames, {play['slowest_second_epochs']} epochs;"
            f"  {play['epochs_per_frame']:.1f} epochs/frame;  longest gap {play['max_gap_ms']:.0f} ms",
            file=out,
        )
        print(f"  frames in window  {play['frames']:10d}   epochs {play['epochs']}", file=out)
    print("\nFrame size (KB = 1000 bytes)", file=out)
    print(
        f"  on the wire       {kb(play.get('wire_bytes_per_frame')):>10}   target <= {TARGET_WIRE_BYTES / 1000:g} KB  "
        f"{mark(wire['pass'])}",
        file=out,
    )
    text = play.get("text_bytes_per_frame")
    print(f"  JSON text         {kb(text):>10}", file=out)
    if text and play.get("wire_bytes_per_frame"):
        print(f"  compression       {text / play['wire_bytes_per_frame']:9.1f}x", file=out)
    negotiated = "yes" if deflate["negotiated"] else "NO"
    print(f"  permessage-deflate negotiated: {negotiated} (Sec-WebSocket-Extensions: {deflate['header']})", file=out)
    print(f"\nREST POST /step {{steps: 1, unit: epoch}} on a paused session, {settings.requests} requests", file=out)
    print(f"  {'':<30}{'median':>10}{'p95':>10}{'max':>10}", file=out)
    for label, key in (("server idle", "rest_idle"), ("other session playing at max", "rest_while_playing")):
        r = result[key]
        print(f"  {label:<30}{r['median_ms']:>8.1f}ms{r['p95_ms']:>8.1f}ms{r['max_ms']:>8.1f}ms", file=out)
    during = result["stream_during_rest"]
    print(
        f"  (meanwhile the stream gave {during['fps']:.1f} frames/s, {during['epochs_per_second']:.1f} epochs/s)",
        file=out,
    )
    if result["stream_errors"]:
        print(f"\nStream errors: {result['stream_errors']}", file=out)


def environment() -> dict[str, Any]:
    return harness.environment(websockets=websockets.__version__, httpx=httpx.__version__)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 3 s window and 20 requests: a smoke run")
    parser.add_argument("--json", action="store_true", help="table to stderr, one JSON object to stdout")
    parser.add_argument("--seconds", type=float, help="length of the play window (default 10; quick 3)")
    parser.add_argument("--requests", type=int, help="step requests per latency phase (default 50; quick 20)")
    parser.add_argument("--fps", type=int, default=FPS, help=f"frames per second to subscribe at (default {FPS})")
    args = parser.parse_args(argv)
    if not 1 <= args.fps <= 60:
        parser.error("--fps must be in 1..60")
    if args.seconds is not None and args.seconds <= 0:
        parser.error("--seconds must be positive")
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    return args


def settings_from(args: argparse.Namespace) -> Settings:
    seconds = args.seconds if args.seconds is not None else (3.0 if args.quick else 10.0)
    requests = args.requests if args.requests is not None else (20 if args.quick else 50)
    return Settings(seconds=seconds, requests=requests, fps=args.fps, quick=args.quick)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    out = sys.stderr if args.json else sys.stdout
    env = environment()
    print(
        f"Stream benchmark: python {env['python']}, websockets {env['websockets']}, {env['cpus']} CPUs"
        f"{' (quick)' if settings.quick else ''}",
        file=out,
    )
    started = time.perf_counter()
    with running_server("np-stream-bench-") as server:
        print(f"server pid {server.process.pid} on {server.url}", file=out, flush=True)
        result = asyncio.run(measure(server, settings))
    result["verdicts"] = verdicts(result)
    print_report(result, settings, out)
    if settings.quick:
        print("\n(quick run: a smoke check; too short for the targets to mean much)", file=out)
    elapsed = time.perf_counter() - started
    print(f"\nTotal benchmark time {elapsed:.1f} s", file=out)
    if args.json:
        doc = {"environment": env, "settings": asdict(settings), **result, "seconds": elapsed}
        print(json.dumps(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())

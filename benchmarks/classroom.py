"""Classroom load benchmark: many students, each watching their own session learn, on one server.

What is measured
----------------
The script starts the real server (``python -m app.cli serve``) as a
subprocess on 127.0.0.1, on a free port, with a temporary ``--db`` file,
waits for ``GET /api/health``, and always stops it at the end. Then, from
one asyncio process:

1. A classroom. ``--clients`` students (50; quick 10) join over ``RAMP``
   seconds. Each creates its own session over REST (spiral, 500 samples,
   2-8-8-1 tanh, batch 10), opens a real WebSocket (the ``websockets``
   asyncio client, permessage-deflate on, its default) to
   ``/api/sessions/{id}/stream``, sends ``{"type": "subscribe", "fps": 10}``
   and ``{"type": "play", "speed": 10}`` and keeps reading frames. After a
   warm-up, a window of ``--seconds`` (60; quick 10) is measured:

   * frames per second per client (min, median): the rate between its first
     and last frame in the window, (frames - 1) / time between them (a plain
     count over the window would be off by a frame depending on its phase);
   * epochs per second per session (min, median, and the max/min spread as
     a fairness figure): ``state.epoch`` of the last minus the first frame
     in the window, over the time between them;
   * the gap between consecutive frames of a client, pooled over all clients
     (p50, p95, max).

   The client is kept cheap: frames are read as bytes (no UTF-8 decode) and
   never JSON-decoded; the epoch is cut out of ``"state":{..."epoch":N`` with
   ``bytes.find`` and a tiny regex; bytes and arrival times are counted.

2. REST latency. Meanwhile a thread (sync httpx, one keep-alive connection)
   sends ``POST /api/sessions/{id}/step {"steps": 1, "unit": "epoch"}`` on
   an extra, paused session twice a second through the window: p50, p95, max.

3. Errors: any ``{"type": "error"}`` message, a socket that fails or closes
   early, a non-2xx answer (429 counted apart). Resources: the server's RSS
   (psutil, the server process and any children) at start (idle, before the
   first client), at the end of the window and its peak (sampled each
   second); the server's CPU over the window, in cores, split by thread (the
   main thread runs the event loop: sockets, HTTP, websocket compression; the
   ``compute`` pool threads train and build frames; Python before 3.14 names
   every OS thread "python", ``py-spy dump --pid PID`` shows which is which);
   the client process's own CPU, since it shares the machine with the
   server; and the CPU the machine's other processes used meanwhile.

Targets (a classroom on the 2-core machine): every client >= 10 frames/s and
>= 5 epochs/s, p95 frame gap <= 200 ms, 0 errors, server RSS <= 1 GB
(GB = 10^9 bytes). Each is printed with PASS or MISS. A client subscribed at
10 fps is sent exactly 10 frames a second, which arrival timestamps measure
as 9.99x: the frame-rate check allows 0.5% for that.

How to run
----------
From the repository root::

    pip install -e ".[bench]"
    python benchmarks/classroom.py                 # 50 clients, 60 s window (~75 s in all)
    python benchmarks/classroom.py --quick         # 10 clients, 10 s window: a smoke run
    python benchmarks/classroom.py --json          # tables to stderr, one JSON object to stdout
    python benchmarks/classroom.py --clients 20 --seconds 30 --fps 10 --speed 10

``--no-deflate`` connects without permessage-deflate, to see what
compression costs. Server settings can be varied through the usual
NEURAL_PLAYGROUND_* environment variables, which the server inherits (e.g.
NEURAL_PLAYGROUND_COMPUTE_THREADS=4); the ones set are printed. The server's
log goes to a temporary file whose tail is printed if it fails to start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

import harness
import httpx
import psutil
import websockets
from harness import Server, ServerProbe, Snapshot, mark, percentile, running_server, server_settings
from websockets.asyncio.client import ClientConnection, connect

SESSION_CONFIG: dict[str, Any] = {
    "dataset": {"name": "spiral", "samples": 500},
    "hidden_layers": [8, 8],
    "activation": "tanh",
    "batch_size": 10,
}
STEP_BODY = {"steps": 1, "unit": "epoch"}
STEPS_PER_SECOND = 2.0
CLIENTS, SECONDS, QUICK_CLIENTS, QUICK_SECONDS = 50, 60.0, 10, 10.0
FPS, SPEED = 10, 10.0
RAMP_SECONDS, QUICK_RAMP_SECONDS = 5.0, 2.0
WARMUP_SECONDS = 3.0
TARGET_FPS = 10.0
# A client subscribed at 10 fps is sent exactly 10 frames a second and no more; timestamps
# taken as frames arrive measure that as 9.99x, so the frame-rate check allows 0.5%.
FPS_TOLERANCE = 0.005
TARGET_EPOCHS_PER_SECOND = 5.0
TARGET_P95_GAP_MS = 200.0
TARGET_RSS_BYTES = 1_000_000_000  # 1 GB, GB = 10^9 bytes
REQUEST_TIMEOUT = 30.0
SAMPLE_SECONDS = 1.0
LAG_TICK_SECONDS = 0.05

STATE_KEY = b'"state":{'
EPOCH_KEY = b'"epoch":'
DIGITS = re.compile(rb"\d+")
FRAME_PREFIX = b'{"type":"frame"'
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


# ---- watching the server's resources ----------------------------------------------------


def cpu_figures(probe: ServerProbe, before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """Cores used over the window, in all and per thread (threads using >= 1% of a core)."""
    seconds = after.at - before.at
    used_by = {tid: (used - before.threads.get(tid, 0.0)) / seconds for tid, used in after.threads.items()}
    busiest = sorted((tid for tid, cores in used_by.items() if cores >= 0.01), key=lambda tid: -used_by[tid])
    rows = [{"thread": probe.thread_label(tid), "cores": used_by[tid]} for tid in busiest]
    return {
        "cores": (after.cpu_seconds - before.cpu_seconds) / seconds,
        "threads": rows,
        "thread_count": len(after.threads),
    }


async def sample_rss(probe: ServerProbe, stop: asyncio.Event, samples: list[tuple[float, int]]) -> None:
    while not stop.is_set():
        samples.append((time.monotonic(), probe.rss()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)


async def measure_lag(stop: asyncio.Event, lags: list[tuple[float, float]]) -> None:
    """How late the client's own event loop wakes up: its lag inflates the frame gaps it sees."""
    while not stop.is_set():
        planned = time.monotonic() + LAG_TICK_SECONDS
        await asyncio.sleep(LAG_TICK_SECONDS)
        now = time.monotonic()
        lags.append((now, now - planned))


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent not idle, all cores together."""
    t = psutil.cpu_times()
    return float(t.user + t.system + sum(getattr(t, name, 0.0) for name in ("nice", "irq", "softirq")))


# ---- errors -----------------------------------------------------------------------------


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


# ---- one student ------------------------------------------------------------------------


@dataclass
class ClientRecord:
    index: int
    session_id: str | None = None
    at: list[float] = field(default_factory=list)  # time.monotonic() on receipt of each frame
    epochs: list[int] = field(default_factory=list)  # state.epoch of each frame (-1: not found)
    sizes: list[int] = field(default_factory=list)  # bytes of each frame's JSON text (inflated)


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


async def receive(ws: ClientConnection, record: ClientRecord, errors: Errors, stop: asyncio.Event) -> None:
    source = f"client {record.index}"
    try:
        while True:
            message = await ws.recv(decode=False)
            at = time.monotonic()
            if isinstance(message, str):  # not expected with decode=False; be safe
                message = message.encode()
            if message.startswith(FRAME_PREFIX):
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


async def run_client(
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
    source = f"client {record.index}"
    record.session_id = await create_session(http, errors, source)
    if record.session_id is None:
        return
    url = f"{server.ws_url}/api/sessions/{record.session_id}/stream"
    options: dict[str, Any] = {"max_size": 16 * 2**20, "open_timeout": REQUEST_TIMEOUT}
    if not settings.deflate:
        options["compression"] = None
    try:
        async with connect(url, **options) as ws:
            receiver = asyncio.create_task(receive(ws, record, errors, stop))
            await ws.send(json.dumps({"type": "subscribe", "fps": settings.fps}))
            await ws.send(json.dumps({"type": "play", "speed": settings.speed}))
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({receiver, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
        await receiver
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        if not stop.is_set():
            errors.add(source, "socket", repr(exc))


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


# ---- figures ----------------------------------------------------------------------------


def client_figures(record: ClientRecord, start: float, end: float) -> dict[str, Any]:
    """One client's frames/s, epochs/s, frame gaps (ms) and bytes over [start, end)."""
    inside = [i for i, at in enumerate(record.at) if start <= at < end]
    seconds = end - start
    # The rate between the first and last frame in the window: counting frames in a fixed
    # window is off by one frame (1/60 of a frame/s) depending only on where the window falls.
    span = record.at[inside[-1]] - record.at[inside[0]] if len(inside) >= 2 else 0.0
    fps = (len(inside) - 1) / span if span > 0 else len(inside) / seconds
    result: dict[str, Any] = {"index": record.index, "frames": len(inside), "fps": fps}
    # Gaps end at a frame inside the window; the first one may start just before it.
    gaps = [(record.at[i] - record.at[i - 1]) * 1e3 for i in inside if i > 0]
    epochs = [(record.at[i], record.epochs[i]) for i in inside if record.epochs[i] >= 0]
    eps = 0.0
    if len(epochs) >= 2 and epochs[-1][0] > epochs[0][0]:
        eps = (epochs[-1][1] - epochs[0][1]) / (epochs[-1][0] - epochs[0][0])
    result |= {
        "epochs_per_second": eps,
        "bytes": sum(record.sizes[i] for i in inside),
        "gaps_ms": gaps,
        "silent_tail_ms": (end - record.at[inside[-1]]) * 1e3 if inside else seconds * 1e3,
    }
    return result


def summary(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"min": None, "median": None, "max": None}
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def stream_figures(records: list[ClientRecord], start: float, end: float) -> dict[str, Any]:
    per_client = [client_figures(r, start, end) for r in records]
    fps = [c["fps"] for c in per_client]
    eps = [c["epochs_per_second"] for c in per_client]
    gaps = list(itertools.chain.from_iterable(c["gaps_ms"] for c in per_client))
    frames = sum(c["frames"] for c in per_client)
    total_bytes = sum(c["bytes"] for c in per_client)
    low = min(eps, default=0.0)
    return {
        "clients": len(records),
        "frames": frames,
        "fps": summary(fps),
        "epochs_per_second": summary(eps),
        "total_epochs_per_second": sum(eps),
        "fairness_spread": (max(eps) / low) if eps and low > 0 else None,
        "gap_ms": {
            "p50": percentile(gaps, 50),
            "p95": percentile(gaps, 95),
            "p99": percentile(gaps, 99),
            "max": max(gaps, default=None),
        },
        "longest_silent_tail_ms": max((c["silent_tail_ms"] for c in per_client), default=None),
        "frame_bytes_mean": total_bytes / frames if frames else None,
        "megabytes_per_second": total_bytes / (end - start) / 1e6,
        "per_client": [
            {k: round(v, 3) if isinstance(v, float) else v for k, v in c.items() if k != "gaps_ms"} for c in per_client
        ],
    }


def latency_figures(ms: list[float]) -> dict[str, Any]:
    return {
        "requests": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "max_ms": max(ms, default=None),
    }


def error_figures(errors: Errors) -> dict[str, Any]:
    events = list(errors.events)
    kinds: dict[str, int] = {}
    for e in events:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    return {
        "count": len(events),
        "http_429": kinds.get("http 429", 0),
        "by_kind": kinds,
        "first": [{"source": e.source, "kind": e.kind, "detail": e.detail} for e in events[:10]],
    }


# ---- the run ----------------------------------------------------------------------------


async def sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


async def progress(records: list[ClientRecord], start: float, end: float, out: TextIO) -> None:
    """A line every 10 s of the window: frames and epochs so far."""
    t = start + 10.0
    while t < end - 1.0:
        await sleep_until(t)
        fig = stream_figures(records, start, t)
        print(
            f"  +{t - start:4.0f} s  frames/s per client min {fig['fps']['min']:.1f} median {fig['fps']['median']:.1f};"
            f"  epochs/s min {fig['epochs_per_second']['min']:.1f} median {fig['epochs_per_second']['median']:.1f}",
            file=out,
            flush=True,
        )
        t += 10.0


async def session_statuses(http: httpx.AsyncClient, ids: list[str]) -> dict[str, int]:
    """How many sessions end in each status (a diverged run stops playing)."""
    counts: dict[str, int] = {}
    for sid in ids:
        with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
            response = await http.get(f"/api/sessions/{sid}")
            status = str(response.json()["state"]["status"]) if response.is_success else f"http {response.status_code}"
            counts[status] = counts.get(status, 0) + 1
    return counts


async def measure(server: Server, settings: Settings, out: TextIO) -> dict[str, Any]:
    probe = ServerProbe(server.process.pid)
    me = psutil.Process()
    errors = Errors()
    stop = asyncio.Event()
    rss_samples: list[tuple[float, int]] = [(time.monotonic(), probe.rss())]
    lags: list[tuple[float, float]] = []
    records = [ClientRecord(i) for i in range(settings.clients)]
    limits = httpx.Limits(max_connections=settings.clients + 10)
    async with httpx.AsyncClient(base_url=server.url, timeout=REQUEST_TIMEOUT, limits=limits) as http:
        stepper_id = await create_session(http, errors, "stepper")
        t0 = time.monotonic()
        start = t0 + settings.ramp + settings.warmup
        end = start + settings.seconds
        background = [
            asyncio.create_task(sample_rss(probe, stop, rss_samples)),
            asyncio.create_task(measure_lag(stop, lags)),
        ]
        join = settings.ramp / settings.clients
        clients = [
            asyncio.create_task(run_client(r, t0 + i * join, server, http, settings, errors, stop))
            for i, r in enumerate(records)
        ]
        print(
            f"ramping up {settings.clients} clients over {settings.ramp:g} s, warm-up {settings.warmup:g} s, "
            f"then a {settings.seconds:g} s window",
            file=out,
            flush=True,
        )
        stepper: asyncio.Future[list[float]] | None = None
        if stepper_id is not None:
            stepper = asyncio.ensure_future(asyncio.to_thread(step_loop, server.url, stepper_id, start, end, errors))
        await sleep_until(start)
        before, mine_before, machine_before = probe.snapshot(), me.cpu_times(), busy_seconds()
        await progress(records, start, end, out)
        await sleep_until(end)
        after, mine_after, machine_after = probe.snapshot(), me.cpu_times(), busy_seconds()
        latencies = await stepper if stepper is not None else []
        stop.set()
        await asyncio.gather(*clients, *background)
        statuses = await session_statuses(http, [r.session_id for r in records if r.session_id])

    window_seconds = after.at - before.at
    mine = (mine_after.user + mine_after.system - mine_before.user - mine_before.system) / window_seconds
    server_cores = (after.cpu_seconds - before.cpu_seconds) / window_seconds
    machine = (machine_after - machine_before) / window_seconds
    window_lags = [lag * 1e3 for at, lag in lags if start <= at < end]
    return {
        "window": {"seconds": end - start, "ramp_seconds": settings.ramp, "warmup_seconds": settings.warmup},
        "stream": stream_figures(records, start, end),
        "rest_step": latency_figures(latencies),
        "errors": error_figures(errors),
        "connected": sum(1 for r in records if r.at),
        "session_status": statuses,
        "server": {
            "pid": server.process.pid,
            "rss_start": rss_samples[0][1],
            "rss_end": after.rss,
            "rss_peak": max([after.rss, *(rss for _, rss in rss_samples)]),
            "cpu": cpu_figures(probe, before, after),
        },
        "machine": {"busy_cores": machine, "other_processes_cores": max(0.0, machine - server_cores - mine)},
        "client": {
            "cpu_cores": mine,
            "loop_lag_ms": {"p95": percentile(window_lags, 95), "max": max(window_lags, default=None)},
        },
    }


# ---- verdicts and report ----------------------------------------------------------------


def verdicts(result: dict[str, Any]) -> list[dict[str, Any]]:
    stream, server = result["stream"], result["server"]
    rows = [
        ("min frames/s per client", stream["fps"]["min"], ">=", TARGET_FPS * (1 - FPS_TOLERANCE)),
        ("min epochs/s per session", stream["epochs_per_second"]["min"], ">=", TARGET_EPOCHS_PER_SECOND),
        ("p95 frame gap (ms)", stream["gap_ms"]["p95"], "<=", TARGET_P95_GAP_MS),
        ("errors", result["errors"]["count"], "<=", 0),
        ("server RSS peak (bytes)", server["rss_peak"], "<=", TARGET_RSS_BYTES),
    ]
    out = []
    for name, value, op, bound in rows:
        passed = None if value is None else (value >= bound if op == ">=" else value <= bound)
        out.append({"name": name, "value": value, "op": op, "target": bound, "pass": passed})
    return out


def num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def mb(value: float) -> str:
    return f"{value / 1e6:.0f} MB"


def print_report(result: dict[str, Any], settings: Settings, out: TextIO) -> None:
    stream, rest, errors, server, client = (
        result["stream"],
        result["rest_step"],
        result["errors"],
        result["server"],
        result["client"],
    )
    checks = {c["name"]: c for c in result["verdicts"]}
    fps, eps, gap = stream["fps"], stream["epochs_per_second"], stream["gap_ms"]
    print(
        f"\n{settings.clients} clients subscribed at {settings.fps} fps, playing at {settings.speed:g} epochs/s; "
        f"{result['window']['seconds']:.0f} s window ({result['connected']} clients got frames)",
        file=out,
    )
    print(f"  {'':<28}{'min':>8}{'median':>8}{'max':>8}   target", file=out)
    rows = (
        ("frames/s per client", fps, f">= {TARGET_FPS:g}", "min frames/s per client"),
        ("epochs/s per session", eps, f">= {TARGET_EPOCHS_PER_SECOND:g}", "min epochs/s per session"),
    )
    for label, s, target, check in rows:
        print(
            f"  {label:<28}{num(s['min']):>8}{num(s['median']):>8}{num(s['max']):>8}   {target:<8}"
            f"{mark(checks[check]['pass'])}",
            file=out,
        )
    print(
        f"  frame gap ms (all clients)  p50 {num(gap['p50'], 0)}  p95 {num(gap['p95'], 0)}  "
        f"p99 {num(gap['p99'], 0)}  max {num(gap['max'], 0)}   target p95 <= {TARGET_P95_GAP_MS:g}  "
        f"{mark(checks['p95 frame gap (ms)']['pass'])}",
        file=out,
    )
    spread = stream["fairness_spread"]
    print(
        f"  fairness: epochs/s spread max/min {num(spread, 2)}x;  all sessions together "
        f"{stream['total_epochs_per_second']:.0f} epochs/s",
        file=out,
    )
    size = stream["frame_bytes_mean"]
    print(
        f"  frames: {stream['frames']} in the window, {num(size / 1000 if size else None)} KB of JSON each, "
        f"{stream['megabytes_per_second']:.2f} MB/s in all (inflated)",
        file=out,
    )
    print(f"  session status at the end: {result['session_status']}", file=out)
    print(
        f"\nREST POST /step {{steps: 1, unit: epoch}} on an extra paused session, {STEPS_PER_SECOND:g}/s: "
        f"{rest['requests']} requests  p50 {num(rest['p50_ms'])} ms  p95 {num(rest['p95_ms'])} ms  "
        f"max {num(rest['max_ms'])} ms",
        file=out,
    )
    print(
        f"\nErrors: {errors['count']} (429: {errors['http_429']}) {errors['by_kind'] or ''}  target 0  "
        f"{mark(checks['errors']['pass'])}",
        file=out,
    )
    for e in errors["first"]:
        print(f"  {e['source']}: {e['kind']}: {e['detail']}", file=out)
    rss = checks["server RSS peak (bytes)"]
    print(
        f"\nServer pid {server['pid']}: RSS start {mb(server['rss_start'])}, end {mb(server['rss_end'])}, "
        f"peak {mb(server['rss_peak'])}  target <= {mb(TARGET_RSS_BYTES)}  {mark(rss['pass'])}",
        file=out,
    )
    cpu = server["cpu"]
    print(f"  server CPU over the window: {cpu['cores']:.2f} cores ({cpu['thread_count']} threads)", file=out)
    for row in cpu["threads"]:
        print(f"    {row['thread']:<36}{row['cores']:6.2f} cores", file=out)
    lag = client["loop_lag_ms"]
    print(
        f"Client process: {client['cpu_cores']:.2f} cores; its event loop wakes late by p95 {num(lag['p95'], 0)} ms, "
        f"max {num(lag['max'], 0)} ms",
        file=out,
    )
    machine = result["machine"]
    print(
        f"Machine: {machine['busy_cores']:.2f} of {os.cpu_count()} cores busy over the window; "
        f"other processes {machine['other_processes_cores']:.2f} cores",
        file=out,
    )
    print("\nVerdict", file=out)
    for c in result["verdicts"]:
        value = c["value"]
        shown = mb(value) if "RSS" in c["name"] else num(value, 1) if isinstance(value, float) else str(value)
        target = mb(c["target"]) if "RSS" in c["name"] else f"{c['target']:g}"
        print(f"  {c['name']:<28}{shown:>10}  {c['op']} {target:<8}  {mark(c['pass'])}", file=out)


def environment() -> dict[str, Any]:
    return {
        **harness.environment(websockets=websockets.__version__, httpx=httpx.__version__),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "server_env": server_settings(),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_CLIENTS} clients, {QUICK_SECONDS:g} s: a smoke run"
    )
    parser.add_argument("--json", action="store_true", help="tables to stderr, one JSON object to stdout")
    parser.add_argument("--clients", type=int, help=f"sessions, one WebSocket client each (default {CLIENTS})")
    parser.add_argument("--seconds", type=float, help=f"length of the measured window (default {SECONDS:g})")
    parser.add_argument("--fps", type=int, default=FPS, help=f"frames per second to subscribe at (default {FPS})")
    parser.add_argument("--speed", type=float, default=SPEED, help=f"epochs per second to play at (default {SPEED:g})")
    parser.add_argument("--no-deflate", action="store_true", help="connect without permessage-deflate")
    args = parser.parse_args(argv)
    if not 1 <= args.fps <= 60:
        parser.error("--fps must be in 1..60")
    if not 0 < args.speed <= 100_000:
        parser.error("--speed must be in (0, 100000]")
    if args.clients is not None and args.clients < 1:
        parser.error("--clients must be at least 1")
    if args.seconds is not None and args.seconds <= 0:
        parser.error("--seconds must be positive")
    return args


def settings_from(args: argparse.Namespace) -> Settings:
    clients = args.clients if args.clients is not None else (QUICK_CLIENTS if args.quick else CLIENTS)
    seconds = args.seconds if args.seconds is not None else (QUICK_SECONDS if args.quick else SECONDS)
    return Settings(
        clients=clients,
        seconds=seconds,
        fps=args.fps,
        speed=args.speed,
        ramp=QUICK_RAMP_SECONDS if args.quick else RAMP_SECONDS,
        warmup=WARMUP_SECONDS,
        deflate=not args.no_deflate,
        quick=args.quick,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    out = sys.stderr if args.json else sys.stdout
    env = environment()
    print(
        f"Classroom benchmark: python {env['python']}, websockets {env['websockets']}, {env['cpus']} CPUs, "
        f"load average {' '.join(str(x) for x in env['load_average'])}{' (quick)' if settings.quick else ''}",
        file=out,
    )
    print(f"server settings from the environment: {env['server_env'] or 'none (defaults)'}", file=out)
    if not settings.deflate:
        print("permessage-deflate: off (--no-deflate)", file=out)
    started = time.perf_counter()
    with running_server("np-classroom-bench-") as server:
        print(f"server pid {server.process.pid} on {server.url}", file=out, flush=True)
        result = asyncio.run(measure(server, settings, out))
    result["verdicts"] = verdicts(result)
    print_report(result, settings, out)
    if settings.quick:
        print("\n(quick run: a smoke check with fewer clients; the targets are for the full classroom)", file=out)
    elapsed = time.perf_counter() - started
    env["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"\nTotal benchmark time {elapsed:.1f} s; load average after {env['load_average_after']}", file=out)
    if args.json:
        doc = {"environment": env, "settings": asdict(settings), **result, "seconds": elapsed}
        print(json.dumps(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())

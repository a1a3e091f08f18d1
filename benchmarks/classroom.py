"""Classroom load benchmark: many students watching sessions learn, on one server.

What is measured
----------------
The script starts the real server (``python -m app.cli serve``) as a
subprocess on 127.0.0.1, on a free port, with a temporary ``--db`` file,
waits for ``GET /api/health``, and always stops it at the end. Then, from
one asyncio process:

1. A classroom. ``--students`` (alias ``--clients``; 50, quick 10) join over
   ``RAMP`` seconds. Each creates its own session over REST (spiral, 500
   samples, 2-8-8-1 tanh, batch 10), opens a real WebSocket (the ``websockets``
   asyncio client, permessage-deflate on, its default) to
   ``/api/sessions/{id}/stream``, sends ``{"type": "subscribe", "fps": 10,
   "maps": false}`` and ``{"type": "play", "speed": 10}`` and keeps reading
   frames: lean binary frames, as the page does, which draws the maps itself.
   ``--maps`` subscribes without ``"maps": false`` instead: the server draws
   every map, and each frame is about 18 KB of JSON text (9 KB deflated)
   against about 1 KB (0.6 KB deflated) for a lean one.
   ``--watchers N`` is presenter mode instead: one presenter creates a session,
   plays it and hands out its watch link; N students subscribe on the link
   (``/api/watch/{token}/stream``, lean unless ``--maps``) and only watch.
   After a warm-up, a window of ``--seconds`` (60; quick 10) is measured:

   * frames per second per client (min, median): the rate between its first
     and last frame in the window, (frames - 1) / time between them (a plain
     count over the window would be off by a frame depending on its phase);
   * epochs per second per session (min, median, and the max/min spread as
     a fairness figure): ``state.epoch`` of the last minus the first frame
     in the window, over the time between them;
   * the gap between consecutive frames of a client, pooled over all clients
     (p50, p95, max).

   The client is kept cheap: frames are read as bytes (no UTF-8 decode) and
   never JSON-decoded; the epoch is cut out of ``"state":{..."epoch":N`` (a
   lean frame's header) with ``bytes.find`` and a tiny regex; bytes (as
   inflated) and arrival times are counted.

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

Targets (a classroom on the 2-core machine, ``--students 200`` at 10 fps and
speed 10, and ``--students 100 --fps 20 --speed 20``; ``--watchers 300``):
every client >= 10 frames/s and >= 10 epochs/s, p95 frame gap <= 200 ms,
0 errors, server RSS <= 1 GB (GB = 10^9 bytes). Each is printed with PASS or
MISS. A client subscribed at 10 fps is sent exactly 10 frames a second, which
arrival timestamps measure as 9.99x: the rate checks allow 0.5% for that.

How to run
----------
From the repository root::

    pip install -e ".[bench]"
    python benchmarks/classroom.py                 # 50 clients, 60 s window (~75 s in all)
    python benchmarks/classroom.py --quick         # 10 clients, 10 s window: a smoke run
    python benchmarks/classroom.py --json          # tables to stderr, one JSON object to stdout
    python benchmarks/classroom.py --students 200 --seconds 30
    python benchmarks/classroom.py --students 100 --fps 20 --speed 20
    python benchmarks/classroom.py --students 50 --maps     # the server draws the maps
    python benchmarks/classroom.py --watchers 300           # one presenter, 300 watchers

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
import json
import os
import sys
import time
from dataclasses import asdict
from typing import Any, TextIO

import harness
import httpx
import psutil
import websockets
from classroom_clients import (
    REQUEST_TIMEOUT,
    ClientRecord,
    Errors,
    Settings,
    create_session,
    run_student,
    run_watcher,
    step_loop,
    watch,
    watch_link,
)
from classroom_report import (
    cpu_figures,
    error_figures,
    latency_figures,
    print_report,
    stream_figures,
    verdicts,
)
from harness import Server, ServerProbe, percentile, running_server, server_settings

CLIENTS, SECONDS, QUICK_CLIENTS, QUICK_SECONDS = 50, 60.0, 10, 10.0
FPS, SPEED = 10, 10.0
RAMP_SECONDS, QUICK_RAMP_SECONDS = 5.0, 2.0
WARMUP_SECONDS = 3.0
SAMPLE_SECONDS = 1.0
LAG_TICK_SECONDS = 0.05


# ---- watching the server's resources ----------------------------------------------------


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


async def join(
    records: list[ClientRecord],
    t0: float,
    server: Server,
    http: httpx.AsyncClient,
    settings: Settings,
    errors: Errors,
    stop: asyncio.Event,
) -> list[asyncio.Task[None]]:
    """The clients, joining one by one over the ramp; with watchers, the presenter first."""
    gap = settings.ramp / settings.clients
    if not settings.watchers:
        return [
            asyncio.create_task(run_student(r, t0 + i * gap, server, http, settings, errors, stop))
            for i, r in enumerate(records)
        ]
    presenter = ClientRecord(-1, await create_session(http, errors, "presenter"))
    token = await watch_link(http, presenter.session_id, errors) if presenter.session_id else None
    if presenter.session_id is None or token is None:
        return []
    for r in records:
        r.session_id = presenter.session_id
    url = f"{server.ws_url}/api/sessions/{presenter.session_id}/stream"
    return [
        asyncio.create_task(watch(url, presenter, settings, errors, stop, True)),
        *(
            asyncio.create_task(run_watcher(r, t0 + i * gap, server, token, settings, errors, stop))
            for i, r in enumerate(records)
        ),
    ]


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
        clients = await join(records, t0, server, http, settings, errors, stop)
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
        statuses = await session_statuses(http, sorted({r.session_id for r in records if r.session_id}))

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
    parser.add_argument(
        "--students", "--clients", dest="clients", type=int, help=f"students, a session each (default {CLIENTS})"
    )
    parser.add_argument("--watchers", type=int, help="instead: one presenter's session and this many watchers")
    parser.add_argument("--maps", action="store_true", help="full frames with maps drawn by the server, not lean ones")
    parser.add_argument("--seconds", type=float, help=f"length of the measured window (default {SECONDS:g})")
    parser.add_argument("--fps", type=int, default=FPS, help=f"frames per second to subscribe at (default {FPS})")
    parser.add_argument("--speed", type=float, default=SPEED, help=f"epochs per second to play at (default {SPEED:g})")
    parser.add_argument("--no-deflate", action="store_true", help="connect without permessage-deflate")
    args = parser.parse_args(argv)
    if not 1 <= args.fps <= 60:
        parser.error("--fps must be in 1..60")
    if not 0 < args.speed <= 100_000:
        parser.error("--speed must be in (0, 100000]")
    if args.clients is not None and args.watchers is not None:
        parser.error("--students and --watchers are two different classrooms: give one")
    if any(n is not None and n < 1 for n in (args.clients, args.watchers)):
        parser.error("--students and --watchers must be at least 1")
    if args.seconds is not None and args.seconds <= 0:
        parser.error("--seconds must be positive")
    return args


def settings_from(args: argparse.Namespace) -> Settings:
    given = args.watchers if args.watchers is not None else args.clients
    clients = given if given is not None else (QUICK_CLIENTS if args.quick else CLIENTS)
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
        maps=args.maps,
        watchers=args.watchers is not None,
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

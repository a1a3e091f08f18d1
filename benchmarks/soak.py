"""Soak: sessions created, trained, saved and dropped in a loop, watching the server for leaks.

What runs
---------
The script starts the real server (``python -m app.cli serve``, its default
worker processes) on 127.0.0.1 with a temporary ``--db`` file (or
``--database-url``, a PostgreSQL database), and for
``--minutes`` (10; quick 1) keeps ``--students`` (8) asyncio students busy.
Each student repeats one cycle, its config taken in turn from ``CONFIGS``
(spiral, xor, circle, four blobs with softmax, moons with adam):

1. ``POST /api/sessions``; open its WebSocket, subscribe at 10 fps, play at
   20 epochs/s and read frames for ``PLAY_SECONDS``; pause.
2. ``POST .../step`` (20 epochs), ``PATCH`` the learning rate, ``GET .../frame``.
3. Every third cycle: a watch token, its stream, one frame.
4. ``POST /api/runs`` (save), ``GET /api/runs/{slug}``; every fourth cycle
   also ``POST /api/runs/{slug}/open`` and delete the session that made.
5. Close the WebSocket, cleanly on even cycles and by dropping the TCP
   connection without a close handshake on odd ones; ``DELETE`` the session.

Every ``SAMPLE_SECONDS`` the server's process tree is sampled (psutil and
/proc): RSS, threads, file descriptors, socket descriptors, TCP connections,
and the live session count from ``GET /api/health``. When the time is up the
students finish their cycle, the script closes its HTTP connections, waits
``SETTLE_SECONDS`` and samples once more, idle.

Checks (each printed with PASS or MISS; the exit status is 1 if any misses)
---------------------------------------------------------------------------
* no errors: every request answered 2xx, every stream sent frames and no
  ``{"type": "error"}``;
* RSS levelled off: the median of the last 10% of samples is within 10% of
  the plateau, the median of the samples between 20% and 40% of the run;
* no leaked sessions: ``/api/health`` reports 0 sessions at the end;
* no leaked threads or descriptors: idle at the end, the tree has no more
  threads and file descriptors than it had at most in the first half of the
  run (thread pools grow on demand up to their bound, so a count that keeps
  climbing is a leak, one that stops is not);
* no leaked sockets: idle at the end, the tree holds exactly the sockets it
  held idle at the start, and no TCP connection but the listening one.

The idle start is measured after one warm-up cycle and ``SETTLE_SECONDS``, so
that the worker processes have their event loops and the pools their first
threads.

How to run
----------
From the repository root::

    pip install -e ".[bench]"
    python benchmarks/soak.py                  # 10 minutes
    python benchmarks/soak.py --quick          # 1 minute, 4 students: a smoke run
    python benchmarks/soak.py --minutes 30 --students 16 --json
    python benchmarks/soak.py --database-url postgresql://user@127.0.0.1/runs

Server settings can be varied through the NEURAL_PLAYGROUND_* environment
variables, which the server inherits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO
from urllib.parse import urlsplit

import harness
import httpx
import websockets
from harness import Resources, Server, ServerProbe, mark, running_server, server_settings
from tqdm import tqdm
from websockets.asyncio.client import ClientConnection, connect

from app.serving.postgres_runs import MAX_CONNECTIONS

CONFIGS: list[dict[str, Any]] = [
    {"dataset": {"name": "spiral", "samples": 500}, "hidden_layers": [8, 8], "activation": "tanh"},
    {"dataset": {"name": "xor", "samples": 200}, "hidden_layers": [4], "activation": "tanh"},
    {"dataset": {"name": "circle", "samples": 300}, "hidden_layers": [6], "activation": "relu"},
    {"dataset": {"name": "blobs", "samples": 400, "classes": 4}, "hidden_layers": [8, 8], "activation": "relu"},
    {
        "dataset": {"name": "moons", "samples": 300},
        "hidden_layers": [8],
        "optimizer": {"name": "adam", "learning_rate": 0.01},
    },
]
MINUTES, STUDENTS, QUICK_MINUTES, QUICK_STUDENTS = 10.0, 8, 1.0, 4
PLAY_SECONDS = 1.5
FPS, SPEED = 10, 20
SAMPLE_SECONDS = 5.0
SETTLE_SECONDS = 5.0
REQUEST_TIMEOUT = 30.0
PLATEAU = (0.2, 0.4)  # the share of the run whose samples define where RSS levelled off
FIRST_HALF = (0.0, 0.5)  # threads and descriptors at the end are compared with their most here
TAIL = 0.1  # the last share of the run, compared with the plateau
RSS_GROWTH_LIMIT = 0.10


@dataclass(frozen=True)
class Settings:
    minutes: float
    students: int
    quick: bool
    store: str  # where runs are saved: sqlite or postgresql
    database_port: int | None = None  # PostgreSQL's, to tell its pool's connections apart


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since the load started
    sessions: int
    resources: Resources


@dataclass
class Tally:
    cycles: int = 0
    sessions: int = 0
    runs_saved: int = 0
    runs_opened: int = 0
    frames: int = 0
    watch_streams: int = 0
    abrupt_closes: int = 0
    errors: list[str] = field(default_factory=list)

    def error(self, where: str, detail: object) -> None:
        self.errors.append(f"{where}: {detail}"[:300])


class Failed(Exception):
    """One cycle went wrong; the student records it and starts the next cycle."""


# ---- one student ------------------------------------------------------------------------


def expect(response: httpx.Response, *codes: int) -> httpx.Response:
    if response.status_code not in codes:
        request = response.request
        raise Failed(f"{request.method} {request.url.path} -> {response.status_code} {response.text[:200]}")
    return response


async def read_frames(ws: ClientConnection, seconds: float | None = None, count: int | None = None) -> int:
    """Frames read for ``seconds`` (or until ``count`` arrived); an error message fails the cycle."""
    frames = 0
    deadline = time.monotonic() + (seconds if seconds is not None else REQUEST_TIMEOUT)
    while (remaining := deadline - time.monotonic()) > 0 and (count is None or frames < count):
        try:
            message = await asyncio.wait_for(ws.recv(), remaining)
        except TimeoutError:
            break
        head = message[:40] if isinstance(message, str) else message[:40].decode(errors="replace")
        if '"type":"error"' in head.replace(" ", ""):
            raise Failed(f"stream error message: {message[:200]!r}")
        frames += 1
    if frames == 0:
        raise Failed("a stream sent no frame")
    return frames


async def watch_once(server: Server, http: httpx.AsyncClient, session_id: str, tally: Tally) -> None:
    token = expect(await http.post(f"/api/sessions/{session_id}/watch"), 200, 201).json()["token"]
    async with connect(f"{server.ws_url}/api/watch/{token}/stream", max_size=None) as ws:
        await ws.send(json.dumps({"type": "subscribe", "fps": FPS}))
        tally.frames += await read_frames(ws, count=1)
    tally.watch_streams += 1


async def cycle(server: Server, http: httpx.AsyncClient, n: int, tally: Tally) -> None:
    config = CONFIGS[n % len(CONFIGS)]
    session_id = expect(await http.post("/api/sessions", json=config), 201).json()["id"]
    tally.sessions += 1
    try:
        ws = await connect(f"{server.ws_url}/api/sessions/{session_id}/stream", max_size=None)
        try:
            await ws.send(json.dumps({"type": "subscribe", "fps": FPS}))
            await ws.send(json.dumps({"type": "play", "speed": SPEED}))
            tally.frames += await read_frames(ws, PLAY_SECONDS)
            await ws.send(json.dumps({"type": "pause"}))

            expect(await http.post(f"/api/sessions/{session_id}/step", json={"steps": 20, "unit": "epoch"}), 200)
            expect(await http.patch(f"/api/sessions/{session_id}", json={"optimizer": {"learning_rate": 0.1}}), 200)
            expect(await http.get(f"/api/sessions/{session_id}/frame"), 200)
            if n % 3 == 0:
                await watch_once(server, http, session_id, tally)

            saved = expect(await http.post("/api/runs", json={"session_id": session_id, "title": f"soak {n}"}), 201)
            slug = saved.json()["slug"]
            tally.runs_saved += 1
            expect(await http.get(f"/api/runs/{slug}"), 200)
            if n % 4 == 0:
                opened = expect(await http.post(f"/api/runs/{slug}/open"), 201).json()["id"]
                tally.runs_opened += 1
                expect(await http.delete(f"/api/sessions/{opened}"), 204)
        finally:
            if n % 2:
                ws.transport.abort()
                tally.abrupt_closes += 1
            else:
                await ws.close()
    finally:
        expect(await http.delete(f"/api/sessions/{session_id}"), 204)


async def student(
    server: Server, index: int, students: int, stop: float, tally: Tally, cycles: int | None = None
) -> None:
    """Cycles until ``stop`` (or ``cycles`` of them, whichever allows more), on one HTTP connection."""
    async with httpx.AsyncClient(base_url=server.url, timeout=REQUEST_TIMEOUT) as http:
        for done, n in enumerate(range(index, 1 << 62, students)):
            if time.monotonic() >= stop and (cycles is None or done >= cycles):
                return
            try:
                await cycle(server, http, n, tally)
            except (Failed, httpx.HTTPError, websockets.WebSocketException, OSError, TimeoutError) as e:
                tally.error(f"student {index} cycle {n}", e)
            tally.cycles += 1


# ---- sampling ---------------------------------------------------------------------------


async def sessions_alive(server: Server) -> int:
    async with httpx.AsyncClient(base_url=server.url, timeout=REQUEST_TIMEOUT) as http:
        return int((await http.get("/api/health")).json()["sessions"])


async def sample(server: Server, probe: ServerProbe, start: float) -> Sample:
    sessions = await sessions_alive(server)
    resources = await asyncio.to_thread(probe.resources)
    return Sample(time.monotonic() - start, sessions, resources)


async def sampler(
    server: Server, probe: ServerProbe, start: float, stop: float, samples: list[Sample], out: TextIO
) -> None:
    total = round(stop - start)
    with tqdm(total=total, unit="s", desc="soak", file=out, disable=not out.isatty()) as bar:
        while (now := time.monotonic()) < stop:
            samples.append(await sample(server, probe, start))
            bar.update(min(total, round(now - start + SAMPLE_SECONDS)) - bar.n)
            bar.set_postfix(rss=f"{samples[-1].resources.rss / 1e6:.0f}MB", sessions=samples[-1].sessions)
            await asyncio.sleep(min(SAMPLE_SECONDS, max(0.0, stop - time.monotonic())))
        bar.update(total - bar.n)


# ---- figures ----------------------------------------------------------------------------


def between(samples: list[Sample], seconds: float, lo: float, hi: float) -> list[Sample]:
    inside = [s for s in samples if lo * seconds <= s.at <= hi * seconds]
    return inside or samples[-1:]


def rss_slope(samples: list[Sample]) -> float:
    """Least-squares RSS growth over the second half of the run, in MB per minute."""
    half = samples[len(samples) // 2 :]
    if len(half) < 2:
        return 0.0
    slope = statistics.linear_regression([s.at for s in half], [float(s.resources.rss) for s in half]).slope
    return slope * 60 / 1e6


def figures(samples: list[Sample], idle_start: Resources, idle_end: Sample, seconds: float) -> dict[str, Any]:
    plateau = between(samples, seconds, *PLATEAU)
    first_half = between(samples, seconds, *FIRST_HALF)
    tail = between(samples, seconds, 1 - TAIL, 1.0)
    plateau_rss = statistics.median(s.resources.rss for s in plateau)
    tail_rss = statistics.median(s.resources.rss for s in tail)
    processes = min(len(s.resources.rss_by_process) for s in samples)
    by_process = [
        {
            "process": "server" if i == 0 else f"worker {i}",
            "plateau": statistics.median(s.resources.rss_by_process[i] for s in plateau),
            "end": statistics.median(s.resources.rss_by_process[i] for s in tail),
        }
        for i in range(processes)
    ]
    return {
        "samples": len(samples),
        "rss": {
            "idle_start": idle_start.rss,
            "plateau": plateau_rss,
            "end": tail_rss,
            "peak": max(s.resources.rss for s in samples),
            "idle_end": idle_end.resources.rss,
            "growth": tail_rss / plateau_rss - 1,
            "slope_mb_per_minute": rss_slope(samples),
            "by_process": by_process,
        },
        "first_half_max": {
            "threads": max(s.resources.threads for s in first_half),
            "fds": max(s.resources.fds for s in first_half),
        },
        "idle_start": asdict(idle_start),
        "idle_end": asdict(idle_end.resources) | {"sessions": idle_end.sessions},
        "timeline": [{"at": round(s.at, 1), "sessions": s.sessions} | asdict(s.resources) for s in samples],
    }


def verdicts(result: dict[str, Any]) -> list[dict[str, Any]]:
    fig, tally = result["figures"], result["tally"]
    end, start, most = fig["idle_end"], fig["idle_start"], fig["first_half_max"]
    rows = [
        ("no errors", f"{len(tally['errors'])} errors in {tally['cycles']} cycles", not tally["errors"]),
        (
            f"RSS levelled off (end within {RSS_GROWTH_LIMIT:.0%} of plateau)",
            f"{fig['rss']['plateau'] / 1e6:.0f} MB -> {fig['rss']['end'] / 1e6:.0f} MB ({fig['rss']['growth']:+.1%})",
            fig["rss"]["growth"] <= RSS_GROWTH_LIMIT,
        ),
        ("no leaked sessions", f"{end['sessions']} alive at the end", end["sessions"] == 0),
        (
            "no leaked threads",
            f"{end['threads']} idle at the end, at most {most['threads']} in the first half",
            end["threads"] <= most["threads"],
        ),
        (
            "no leaked file descriptors",
            f"{end['fds']} idle at the end, at most {most['fds']} in the first half",
            end["fds"] <= most["fds"],
        ),
        (
            "no leaked sockets",
            f"{end['sockets']} socket fds idle at the end, {start['sockets']} at the start; "
            f"{end['connections']} TCP connections open",
            end["sockets"] == start["sockets"] and end["connections"] == 0,
        ),
    ]
    if result["settings"]["store"] == "postgresql":
        rows.append(
            (
                f"database connections within the pool (at most {MAX_CONNECTIONS})",
                f"{end['database']} idle at the end, {start['database']} at the start",
                end["database"] <= MAX_CONNECTIONS,
            )
        )
    return [{"check": c, "measured": m, "passed": p} for c, m, p in rows]


# ---- the run ----------------------------------------------------------------------------


async def measure(server: Server, settings: Settings, out: TextIO) -> dict[str, Any]:
    probe = ServerProbe(server.process.pid, settings.database_port)
    warm_up = Tally()
    await student(server, 0, 1, time.monotonic(), warm_up, cycles=1)
    if warm_up.errors:
        raise RuntimeError(f"the warm-up cycle failed: {warm_up.errors[0]}")
    await asyncio.sleep(SETTLE_SECONDS)
    idle_start = await asyncio.to_thread(probe.resources)
    seconds = settings.minutes * 60
    start = time.monotonic()
    stop = start + seconds
    tally, samples = Tally(), []  # type: ignore[var-annotated]
    await asyncio.gather(
        sampler(server, probe, start, stop, samples, out),
        *(student(server, i, settings.students, stop, tally) for i in range(settings.students)),
    )
    elapsed = time.monotonic() - start
    await asyncio.sleep(SETTLE_SECONDS)
    idle_end = await sample(server, probe, start)
    # The health request's own connection is closed by now but may linger a moment.
    for _ in range(10):
        if idle_end.resources.connections == 0:
            break
        await asyncio.sleep(0.5)
        idle_end = Sample(idle_end.at, idle_end.sessions, await asyncio.to_thread(probe.resources))
    return {
        "settings": asdict(settings),
        "seconds": elapsed,
        "tally": asdict(tally),
        "figures": figures(samples, idle_start, idle_end, seconds),
        "environment": harness.environment(websockets=websockets.__version__, httpx=httpx.__version__)
        | {"server_env": server_settings()},
    }


def print_report(result: dict[str, Any], out: TextIO) -> None:
    tally, fig = result["tally"], result["figures"]
    print(
        f"\n{result['seconds'] / 60:.1f} min, {result['settings']['students']} students: "
        f"{tally['cycles']} cycles, {tally['sessions']} sessions, {tally['runs_saved']} runs saved "
        f"({tally['runs_opened']} reopened), {tally['watch_streams']} watch streams, {tally['frames']} frames, "
        f"{tally['abrupt_closes']} sockets dropped without a close",
        file=out,
    )
    rss = fig["rss"]
    print(
        f"RSS: idle {rss['idle_start'] / 1e6:.0f} MB, plateau {rss['plateau'] / 1e6:.0f} MB, "
        f"end {rss['end'] / 1e6:.0f} MB, peak {rss['peak'] / 1e6:.0f} MB, idle after {rss['idle_end'] / 1e6:.0f} MB; "
        f"second-half slope {rss['slope_mb_per_minute']:+.2f} MB/min",
        file=out,
    )
    print(
        "RSS plateau -> end: "
        + ", ".join(f"{p['process']} {p['plateau'] / 1e6:.0f} -> {p['end'] / 1e6:.0f} MB" for p in rss["by_process"]),
        file=out,
    )
    cols = ("processes", "threads", "fds", "sockets", "connections")
    print(f"\n{'':12}" + "".join(f"{c:>13}" for c in cols), file=out)
    for label, row in (("idle start", fig["idle_start"]), ("idle end", fig["idle_end"])):
        print(f"{label:12}" + "".join(f"{row[c]:>13}" for c in cols), file=out)
    print(file=out)
    for v in result["verdicts"]:
        print(f"  {mark(v['passed']):4}  {v['check']}: {v['measured']}", file=out)
    for e in tally["errors"][:10]:
        print(f"  error: {e}", file=out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_MINUTES:g} min, {QUICK_STUDENTS} students")
    parser.add_argument("--minutes", type=float, help=f"how long to keep the load up (default {MINUTES:g})")
    parser.add_argument("--students", type=int, help=f"concurrent students (default {STUDENTS})")
    parser.add_argument("--json", action="store_true", help="report to stderr, one JSON object to stdout")
    parser.add_argument("--database-url", help="save runs in this PostgreSQL database (default: a SQLite file)")
    args = parser.parse_args(argv)
    if args.minutes is not None and args.minutes <= 0:
        parser.error("--minutes must be positive")
    if args.students is not None and args.students < 1:
        parser.error("--students must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings(
        minutes=args.minutes or (QUICK_MINUTES if args.quick else MINUTES),
        students=args.students or (QUICK_STUDENTS if args.quick else STUDENTS),
        quick=args.quick,
        store="postgresql" if args.database_url else "sqlite",
        database_port=(urlsplit(args.database_url).port or 5432) if args.database_url else None,
    )
    out = sys.stderr if args.json else sys.stdout
    with running_server("np-soak-", args.database_url) as server:
        print(f"server pid {server.process.pid} on {server.url}, runs in {settings.store}", file=out, flush=True)
        print(
            f"{settings.students} students for {settings.minutes:g} min; sampling every {SAMPLE_SECONDS:g} s",
            file=out,
            flush=True,
        )
        try:
            result = asyncio.run(measure(server, settings, out))
        except KeyboardInterrupt:
            print(f"interrupted\n{server.log_tail()}", file=sys.stderr)
            return 130
    result["verdicts"] = verdicts(result)
    print_report(result, out)
    if args.json:
        with contextlib.suppress(BrokenPipeError):
            json.dump(result, sys.stdout)
            sys.stdout.write("\n")
    return 0 if all(v["passed"] for v in result["verdicts"]) else 1


if __name__ == "__main__":
    sys.exit(main())

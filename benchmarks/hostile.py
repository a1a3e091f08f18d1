"""Hostile-client benchmark: what one request (or one client) can do to everybody else's session.

What is measured
----------------
The script starts the real server (``python -m app.cli serve``, two worker
processes) on 127.0.0.1 with a temporary SQLite file, and always stops it at
the end. A victim session (circle, 2-8-8-1) is stepped over REST
(``POST /step {"steps": 1, "unit": "epoch"}``, one keep-alive connection) in
a loop the whole time, while the attacks of the "one request cannot hurt the
class" list run one after the other: oversized landscapes, gradient checks and
loss slices on the largest network, a step of 100,000 epochs that its client
abandons, max-size sessions, a flood of saved runs, non-finite points and
weights, negative zero noise, huge integers, an export/import round trip
without test points, cross-origin and foreign-Host requests, the per-client
cap, security headers, session ids in the log, loose coercion, the runs
store's health, and (last) a killed worker.

For each attack it prints the answer (HTTP statuses, or what happened),
whether that is the answer the issue asks for, the peak RSS of the server and
its workers during the attack (psutil, sampled every 50 ms) and its rise over
the RSS just before, and the victim's step latency p95 during the attack.
Every request has a timeout; after an attack the script waits (bounded) until
the victim's steps are fast again, so one attack's leftover work shows in its
own row as far as possible. Targets: no 5xx, RSS rise <= 100 MB,
victim p95 <= 200 ms; each row says PASS or MISS.

How to run
----------
From the repository root::

    python benchmarks/hostile.py            # every attack, 60 s request timeout
    python benchmarks/hostile.py --quick    # cheaper attacks, 5 s timeout: a smoke run
    python benchmarks/hostile.py --json     # the table to stderr, one JSON object to stdout

Exit status: 0 when every row passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import psutil
from harness import ServerProbe, percentile, running_server
from hostile_attacks import Attack, Attacker, attacks, killed_worker

MB = 1_000_000
RSS_TARGET = 100 * MB
P95_TARGET = 0.200
WORKERS = "2"
VICTIM = {"dataset": {"name": "circle", "samples": 200}, "hidden_layers": [8, 8]}


@dataclass
class Row:
    attack: str
    answer: str
    wanted: bool  # the answer the issue asks for
    five_xx: bool
    peak_rss_mb: float
    rss_rise_mb: float
    victim_p95_ms: float | None
    passed: bool


class Watch(threading.Thread):
    """The victim's step latencies and the server tree's RSS, with the time of each."""

    def __init__(self, url: str, sid: str, probe: ServerProbe) -> None:
        super().__init__(daemon=True)
        self.url, self.sid, self.probe = url, sid, probe
        self.steps: list[tuple[float, float]] = []
        self.rss: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        threading.Thread(target=self._sample_rss, daemon=True).start()
        with httpx.Client(base_url=self.url, timeout=120) as http:
            while not self.stopped.is_set():
                start = time.monotonic()
                with contextlib.suppress(httpx.HTTPError):
                    http.post(f"/api/sessions/{self.sid}/step", json={"steps": 1, "unit": "epoch"})
                self.steps.append((start, time.monotonic() - start))
                time.sleep(0.02)

    def _sample_rss(self) -> None:
        while not self.stopped.is_set():
            self.rss.append((time.monotonic(), self.probe.rss()))
            time.sleep(0.05)

    def p95(self, start: float, end: float) -> float | None:
        return percentile([lat for at, lat in self.steps if start <= at <= end or start <= at + lat <= end], 95)

    def peak(self, start: float, end: float) -> int:
        return max((rss for at, rss in self.rss if start <= at <= end), default=self.probe.rss())

    def settle(self, limit: float) -> None:
        """Until two steps in a row are fast, or ``limit`` seconds."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            recent = [lat for _, lat in self.steps[-2:]]
            if len(recent) == 2 and max(recent) < P95_TARGET and self.steps[-1][0] > deadline - limit:
                return
            time.sleep(0.1)


def run(name: str, attack: Callable[[], tuple[str, bool]], watch: Watch, settle: float) -> Row:
    base = watch.probe.rss()
    start = time.monotonic()
    try:
        answer, wanted = attack()
    except Exception as exc:
        answer, wanted = f"failed: {type(exc).__name__}: {exc}"[:120], False
    end = time.monotonic()
    peak = watch.peak(start, end)
    p95 = watch.p95(start, end)
    five_xx = any(part.split("x")[0].startswith("5") for part in answer.replace(",", " ").split())
    passed = not five_xx and peak - base <= RSS_TARGET and (p95 is None or p95 <= P95_TARGET)
    watch.settle(settle)
    return Row(
        name, answer, wanted, five_xx, peak / MB, (peak - base) / MB, None if p95 is None else p95 * 1000, passed
    )


def print_row(row: Row, out: Any) -> None:
    p95 = "-" if row.victim_p95_ms is None else f"{row.victim_p95_ms:.0f}"
    verdict = "PASS" if row.passed else "MISS"
    wanted = "yes" if row.wanted else "NO"
    print(
        f"{row.attack:38} {row.peak_rss_mb:8.0f} {row.rss_rise_mb:+7.0f} {p95:>7} {verdict:5} {wanted:6} {row.answer}",
        file=out,
        flush=True,
    )


def measure(url: str, probe: ServerProbe, quick: bool, timeout: float, out: Any) -> tuple[str, list[Row]]:
    """The victim session's id, and a row per attack (a worker killed last: it may take the victim along)."""
    attacker = Attacker(url, timeout, quick)
    victim = attacker.session(VICTIM)
    watch = Watch(url, victim, probe)
    watch.start()
    settle = 5.0 if quick else 30.0
    time.sleep(1.0)
    print(f"{'attack':38} {'peak MB':>8} {'rise MB':>7} {'p95 ms':>7} {'ok':5} {'wanted':6} answer", file=out)
    rows = []
    plan: list[tuple[str, Attack]] = [
        *attacks(quick),
        ("12 a worker killed", functools.partial(killed_worker, probe=probe)),
    ]
    for name, attack in plan:
        rows.append(run(name, functools.partial(attack, attacker), watch, settle))
        print_row(rows[-1], out)
    watch.stopped.set()
    attacker.http.close()
    return victim, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="cheaper attacks and a 5 s timeout: a smoke run")
    parser.add_argument("--timeout", type=float, help="seconds per request (default 60; quick 5)")
    parser.add_argument("--json", action="store_true", help="the table to stderr, one JSON object to stdout")
    args = parser.parse_args(argv)
    timeout = args.timeout or (5.0 if args.quick else 60.0)
    out = sys.stderr if args.json else sys.stdout
    os.environ["NEURAL_PLAYGROUND_WORKERS"] = WORKERS
    with running_server("np-hostile-", per_client_caps=True) as server:
        probe = ServerProbe(server.process.pid)
        workers = probe.tree()[1:]
        print(f"server pid {server.process.pid} on {server.url}, {len(workers)} workers", file=out, flush=True)
        try:
            victim, rows = measure(server.url, probe, args.quick, timeout, out)
            logged = victim in server.log.read_text(errors="replace")
        finally:
            for worker in workers:  # a worker still busy with an attack would outlive its server
                with contextlib.suppress(psutil.Error):
                    worker.kill()
    answer = "the full id is in the log" if logged else "only a hash of it is logged"
    rows.append(Row("14 session id in the server log", answer, not logged, False, 0.0, 0.0, None, True))
    print_row(rows[-1], out)
    if args.json:
        json.dump({"rows": [asdict(row) for row in rows]}, sys.stdout)
        sys.stdout.write("\n")
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

"""The classroom benchmark's figures, verdicts and printed report."""

from __future__ import annotations

import itertools
import os
import statistics
from typing import Any, TextIO

from classroom_clients import STEPS_PER_SECOND, ClientRecord, Errors, Settings
from harness import ServerProbe, Snapshot, mark, percentile

TARGET_FPS = 10.0
TARGET_EPOCHS_PER_SECOND = 10.0
# A client subscribed at 10 fps is sent exactly 10 frames a second and no more (and a session
# plays exactly its speed); timestamps taken as frames arrive measure that as 9.99x: 0.5% slack.
RATE_TOLERANCE = 0.005
TARGET_P95_GAP_MS = 200.0
TARGET_RSS_BYTES = 1_000_000_000  # 1 GB, GB = 10^9 bytes


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


def verdicts(result: dict[str, Any]) -> list[dict[str, Any]]:
    stream, server = result["stream"], result["server"]
    slack = 1 - RATE_TOLERANCE
    rows = [
        ("min frames/s per client", stream["fps"]["min"], ">=", TARGET_FPS * slack),
        ("min epochs/s per session", stream["epochs_per_second"]["min"], ">=", TARGET_EPOCHS_PER_SECOND * slack),
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
    who = "watchers of one presenter's session" if settings.watchers else "students, a session each"
    kind = "full frames with maps" if settings.maps else "lean frames"
    print(
        f"\n{settings.clients} {who}, subscribed to {kind} at {settings.fps} fps, playing at {settings.speed:g} "
        f"epochs/s; {result['window']['seconds']:.0f} s window ({result['connected']} clients got frames)",
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
    together = "" if settings.watchers else f";  all sessions together {stream['total_epochs_per_second']:.0f} epochs/s"
    print(f"  fairness: epochs/s spread max/min {num(spread, 2)}x{together}", file=out)
    size = stream["frame_bytes_mean"]
    print(
        f"  frames: {stream['frames']} in the window, {num(size / 1000 if size else None, 2)} KB each, "
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

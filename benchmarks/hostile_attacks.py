"""The attacks of ``hostile.py``: each sends what a hostile (or curious) student could, and
returns the answer it got and whether that is the answer the server should give."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from harness import ServerProbe
from websockets.sync.client import connect
from websockets.typing import Origin

EVIL = "http://evil.example"
FEATURES = ["x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2"]
# The largest network the config allows.
LARGEST = {
    "dataset": {"name": "spiral", "samples": 5000, "classes": 6},
    "features": FEATURES,
    "hidden_layers": [64] * 8,
}
Attack = Callable[["Attacker"], tuple[str, bool]]


class Attacker:
    def __init__(self, url: str, timeout: float, quick: bool) -> None:
        self.url, self.timeout, self.quick = url, timeout, quick
        self.http = httpx.Client(base_url=url, timeout=timeout)

    def status(self, method: str, path: str, timeout: float | None = None, **kwargs: Any) -> str:
        try:
            response = self.http.request(method, path, timeout=timeout or self.timeout, **kwargs)
        except httpx.TimeoutException:
            return "timeout"
        except httpx.HTTPError as exc:
            return type(exc).__name__
        return str(response.status_code)

    def session(self, config: dict[str, Any]) -> str:
        response = self.http.post("/api/sessions", json=config)
        response.raise_for_status()
        return str(response.json()["id"])

    def many(self, count: int, call: Callable[[int], str]) -> str:
        with ThreadPoolExecutor(count) as pool:
            return counted(pool.map(call, range(count)))


def counted(statuses: Iterable[str]) -> str:
    return " ".join(f"{s}x{n}" if n > 1 else s for s, n in sorted(Counter(statuses).items()))


def refused(answer: str) -> bool:
    return all(part.split("x")[0].startswith("4") for part in answer.split())


def landscape(a: Attacker) -> tuple[str, bool]:
    body = {"samples": 2000, "resolution": 201, "steps": 0}
    answer = a.many(3, lambda _: a.status("POST", "/api/landscapes/logistic", json=body))
    return answer, "timeout" not in answer


def largest_network_query(query: str) -> Attack:
    def attack(a: Attacker) -> tuple[str, bool]:
        sid = a.session(LARGEST)
        answer = a.status("GET", f"/api/sessions/{sid}/{query}")
        a.status("DELETE", f"/api/sessions/{sid}")
        return answer, answer.startswith("2")

    return attack


def abandoned_step(a: Attacker) -> tuple[str, bool]:
    sid = a.session(LARGEST)
    step = a.status("POST", f"/api/sessions/{sid}/step", timeout=1.0, json={"steps": 100_000, "unit": "epoch"})
    start = time.monotonic()
    reset = a.status("POST", f"/api/sessions/{sid}/reset")
    took = time.monotonic() - start
    delete = a.status("DELETE", f"/api/sessions/{sid}")
    return f"step {step}, reset {reset} in {took:.1f} s, delete {delete}", reset == "200" and took < 1.0


def max_sessions(a: Attacker) -> tuple[str, bool]:
    made: list[str] = []
    statuses = []
    for _ in range(4 if a.quick else 30):
        response = a.http.post("/api/sessions", json=LARGEST)
        statuses.append(str(response.status_code))
        if response.status_code == 201:
            made.append(response.json()["id"])
        else:
            break
    for sid in made:
        a.status("DELETE", f"/api/sessions/{sid}")
    return counted(statuses), "429" in statuses or len(made) < 30


def saved_runs(a: Attacker) -> tuple[str, bool]:
    sid = a.session(LARGEST)
    until = time.monotonic() + (1.0 if a.quick else 3.0)

    def flood(_: int) -> str:
        seen = []
        while time.monotonic() < until:
            seen.append(a.status("POST", f"/api/sessions/{sid}/runs", json={"title": "flood"}))
        return counted(seen)

    answer = a.many(4, flood)
    a.status("DELETE", f"/api/sessions/{sid}")
    return answer, "429" in answer


def predict(config: dict[str, Any], value: float) -> Attack:
    def attack(a: Attacker) -> tuple[str, bool]:
        sid = a.session(config)
        answer = a.many(
            4, lambda _: a.status("POST", f"/api/sessions/{sid}/predict", json={"points": [[value] * 2] * 10_000})
        )
        a.status("DELETE", f"/api/sessions/{sid}")
        return answer, refused(answer)

    return attack


def huge_weights(a: Attacker) -> tuple[str, bool]:
    sid = a.session({"hidden_layers": [8, 8]})
    document = a.http.get(f"/api/sessions/{sid}/export").json()
    for layer in document["layers"]:
        layer["weights"] = [[1e6] * len(row) for row in layer["weights"]]
        layer["biases"] = [1e6] * len(layer["biases"])
    imported = a.http.post("/api/sessions/import", json=document)
    if imported.status_code != 201:
        return f"import {imported.status_code}", imported.status_code < 500
    big = imported.json()["id"]
    answers = [
        a.status("GET", f"/api/sessions/{big}/{path}")
        for path in ("boundary?format=json&resolution=200", "frame", "checkpoints/0")
    ]
    try:
        with connect(f"ws{a.url[4:]}/api/sessions/{big}/stream", open_timeout=a.timeout) as ws:
            ws.send(json.dumps({"type": "subscribe", "fps": 10}))
            first = json.loads(ws.recv(timeout=a.timeout))
            socket = f"ws {first.get('type')}"
    except Exception as exc:
        socket = f"ws {type(exc).__name__}"
    for done in (sid, big):
        a.status("DELETE", f"/api/sessions/{done}")
    return f"{' '.join(answers)}, {socket}", all(s == "200" for s in answers) and "frame" in socket


def negative_zero_noise(a: Attacker) -> tuple[str, bool]:
    noise = {"name": "circle", "noise": -0.0}
    sid = a.session({"hidden_layers": [3]})
    answers = [
        a.status("POST", "/api/sessions", json={"dataset": noise}),
        a.status("GET", "/api/datasets/circle", params={"noise": "-0.0"}),
        a.status("PATCH", f"/api/sessions/{sid}", json={"dataset": noise, "hidden_layers": [7, 7]}),
        a.status("POST", f"/api/sessions/{sid}/step", json={"steps": 1, "unit": "epoch"}),
    ]
    a.status("DELETE", f"/api/sessions/{sid}")
    return " ".join(answers), not any(s.startswith("5") for s in answers) and answers[-1] == "200"


def huge_integers(a: Attacker) -> tuple[str, bool]:
    sid = a.session({"hidden_layers": [3]})
    document = a.http.get(f"/api/sessions/{sid}/export").json()
    a.status("DELETE", f"/api/sessions/{sid}")
    answers = []
    for epoch in (10**400, 2**63, 10**30):
        text = json.dumps({**document, "state": {**document["state"], "epoch": epoch}})
        answers.append(
            a.status("POST", "/api/sessions/import", content=text, headers={"content-type": "application/json"})
        )
    return " ".join(answers), refused(" ".join(answers))


def round_trip(a: Attacker) -> tuple[str, bool]:
    sid = a.session({"dataset": {"name": "plane", "samples": 100}, "loss": "mse", "hidden_layers": [3]})
    a.status("POST", f"/api/sessions/{sid}/step", json={"steps": 1, "unit": "epoch"})
    imported = a.http.post("/api/sessions/import", json=a.http.get(f"/api/sessions/{sid}/export").json())
    a.status("DELETE", f"/api/sessions/{sid}")
    if imported.status_code == 201:
        a.status("DELETE", f"/api/sessions/{imported.json()['id']}")
    return str(imported.status_code), imported.status_code == 201


def cross_origin(a: Attacker) -> tuple[str, bool]:
    bodyless = a.status("POST", "/api/sessions", headers={"origin": EVIL, "content-type": "text/plain"})
    foreign_host = a.status("GET", "/api/health", headers={"host": "evil.example"})
    sid = a.session({"hidden_layers": [3]})
    try:
        with connect(f"ws{a.url[4:]}/api/sessions/{sid}/stream", origin=Origin(EVIL), open_timeout=a.timeout):
            socket = "ws accepted"
    except Exception as exc:
        socket = f"ws refused ({type(exc).__name__})"
    a.status("DELETE", f"/api/sessions/{sid}")
    answer = f"bodyless POST {bodyless}, Host {foreign_host}, {socket}"
    return answer, refused(f"{bodyless} {foreign_host}") and "refused" in socket


def per_client_cap(a: Attacker) -> tuple[str, bool]:
    made: list[str] = []
    last = None
    for _ in range(60):
        last = a.http.post("/api/sessions", json={"hidden_layers": [2]})
        if last.status_code != 201:
            break
        made.append(last.json()["id"])
    for sid in made:
        a.status("DELETE", f"/api/sessions/{sid}")
    if last is None or last.status_code == 201:
        return f"201x{len(made)}, no cap", False
    return f"201x{len(made)} then {last.status_code} Retry-After {last.headers.get('retry-after')}", len(made) < 60


def security_headers(a: Attacker) -> tuple[str, bool]:
    response = a.http.get("/")
    wanted = ("content-security-policy", "x-content-type-options", "referrer-policy")
    missing = [h for h in wanted if h not in response.headers]
    return f"{response.status_code}, missing: {', '.join(missing) or 'none'}", not missing


def loose_coercion(a: Attacker) -> tuple[str, bool]:
    sid = a.session({"hidden_layers": [3]})
    network = f"/api/sessions/{sid}/network"
    answers = [
        a.status("PATCH", network, json={"layer": True, "unit": 0, "source": 0, "value": 1.0}),
        a.status("PATCH", network, json={"layer": 0, "unit": 0, "source": 0, "value": "1"}),
        a.status(
            "PUT", f"/api/sessions/{sid}/data", json={"points": [[0.0, 0.0], [1.0, 1.0]], "labels": [True, False]}
        ),
    ]
    a.status("DELETE", f"/api/sessions/{sid}")
    return " ".join(answers), refused(" ".join(answers))


def runs_store(a: Attacker) -> tuple[str, bool]:
    store = a.http.get("/api/health").json().get("store", {})
    missing = a.status("GET", "/api/runs/nosuchrun1")
    return f"health store {json.dumps(store)}, missing run {missing}", missing == "404" and "writable" in store


def killed_worker(a: Attacker, probe: ServerProbe) -> tuple[str, bool]:
    for _ in range(4):  # sessions on both workers, so the one killed holds some
        a.http.post("/api/sessions", json={"hidden_layers": [4]})
    before = a.http.get("/api/health").json()["sessions"]
    workers = sorted(probe.tree()[1:], key=lambda p: p.pid)
    if not workers:
        return "no worker processes", False
    workers[-1].kill()  # a worker of the server this script started
    time.sleep(1.0)
    after = a.http.get("/api/health").json()["sessions"]
    return f"sessions {before} -> {after} after the kill", after < before


def attacks(quick: bool) -> list[tuple[str, Attack]]:
    """(name, attack) in the order they run; ``quick`` leaves out the slowest."""
    listed: list[tuple[str, Attack, bool]] = [
        ("1 landscape 2000 x 201^2, 3 at once", landscape, True),
        ("2 gradcheck, largest network", largest_network_query("gradcheck"), True),
        ("2 gradcheck per_layer=500", largest_network_query("gradcheck?per_layer=500"), False),
        ("2 loss slice, largest network", largest_network_query("landscape"), True),
        ("2 loss slice resolution 61", largest_network_query("landscape?resolution=61"), False),
        ("3 100,000 epochs, client gone", abandoned_step, True),
        ("4 max-size sessions", max_sessions, True),
        ("5 saved runs flood, 4 clients", saved_runs, True),
        ("6 predict 1.7e308 (linear)", predict({"activation": "linear", "hidden_layers": [4]}, 1.7e308), True),
        ("6 predict 1e155, all features", predict({"features": FEATURES, "hidden_layers": [4]}, 1e155), True),
        ("6 weights 1e6: boundary, frame, ws", huge_weights, True),
        ("7 noise -0.0", negative_zero_noise, True),
        ("8 import epoch 1e400, 2^63, 1e30", huge_integers, True),
        ("9 export/import, regression", round_trip, True),
        ("10 cross-origin and foreign Host", cross_origin, True),
        ("11 per-client session cap", per_client_cap, True),
        ("13 security headers", security_headers, True),
        ("15 loose coercion", loose_coercion, True),
        ("16 runs store", runs_store, True),
    ]
    return [(name, attack) for name, attack, in_quick in listed if in_quick or not quick]

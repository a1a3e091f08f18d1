"""Many threads saving runs until told to stop: what the tests that kill a server mid-save share."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

# A network whose document is about 450 KB, so that a save takes long enough to be cut.
BIG_NETWORK: dict[str, Any] = {
    "dataset": {"name": "spiral", "samples": 400, "classes": 3},
    "hidden_layers": [64, 64, 64, 64, 64, 64],
    "activation": "tanh",
    "batch_size": 50,
}


@dataclass
class Saves:
    """What the saving threads saw: the runs acknowledged with 201, and everything else."""

    kill_after: int  # 201s before ``enough`` is set
    acked: dict[str, str] = field(default_factory=dict)  # slug -> title
    other: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def answered(self, title: str, status: int, body: Any) -> None:
        with self.lock:
            if status == 201:
                self.acked[body["slug"]] = title
                if len(self.acked) >= self.kill_after:
                    self.enough.set()
            else:
                self.other.append(f"{title}: {status} {body}")

    def failed(self, title: str, exc: Exception) -> None:
        """The request got no answer: the server is gone."""
        with self.lock:
            self.other.append(f"{title}: {type(exc).__name__}")

"""Per-epoch logs with a bounded size: the history, checkpoints, gradient health.

A ``Thinned`` log keeps up to ``capacity`` items, each tagged with its epoch.
When full, every other item is dropped and from then on only every
``stride``-th epoch is kept, so a run of a million epochs still fits in a few
hundred kilobytes and still spans the whole run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Protocol, TypeVar

from pydantic import Field

from app.training.metrics import Progress


class HasEpoch(Protocol):
    @property
    def epoch(self) -> int: ...


T = TypeVar("T", bound=HasEpoch)


class Thinned(Generic[T]):
    def __init__(self, capacity: int = 4000) -> None:
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = capacity
        self.stride = 1
        self.records: list[T] = []

    def wants(self, epoch: int) -> bool:
        """Whether an item for ``epoch`` would be kept (so callers can skip making it)."""
        return epoch % self.stride == 0

    def add(self, item: T) -> None:
        if not self.wants(item.epoch):
            return
        self.records.append(item)
        while len(self.records) > self.capacity:
            self.stride *= 2
            self.records = [r for r in self.records if r.epoch % self.stride == 0]

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.add(item)

    def since(self, epoch: int) -> list[T]:
        """Items with an epoch after ``epoch`` (oldest first)."""
        recs = self.records
        lo, hi = 0, len(recs)
        while lo < hi:
            mid = (lo + hi) // 2
            if recs[mid].epoch <= epoch:
                lo = mid + 1
            else:
                hi = mid
        return recs[lo:]

    def at(self, epoch: int) -> T | None:
        for item in reversed(self.records):
            if item.epoch == epoch:
                return item
        return None

    def truncate_after(self, epoch: int) -> None:
        """Forget items after ``epoch`` (used when a run goes back)."""
        self.records = [r for r in self.records if r.epoch <= epoch]

    def __len__(self) -> int:
        return len(self.records)


@dataclass(frozen=True)
class Record(Progress):
    """One epoch's end: its metrics and the learning rate it ended with."""

    learning_rate: Annotated[float, Field(description="The scheduled learning rate at the epoch's end.")]


class History(Thinned[Record]):
    """Per-epoch numbers: losses, accuracies, learning rate, penalty."""

    def to_list(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.records]

    @classmethod
    def from_list(cls, rows: list[dict[str, Any]], capacity: int = 4000) -> History:
        history = cls(capacity)
        history.records = [Record(**row) for row in rows]
        while len(history.records) > history.capacity:
            history.stride *= 2
            history.records = [r for r in history.records if r.epoch % history.stride == 0]
        return history

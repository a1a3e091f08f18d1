"""Per-epoch history with a bounded size.

Up to ``capacity`` records are kept. When full, every other record is
dropped and from then on only every ``stride``-th epoch is recorded, so a run
of a million epochs still fits in a few hundred kilobytes and still spans
the whole run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Record:
    epoch: int
    step: int
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    learning_rate: float
    penalty: float

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


class History:
    def __init__(self, capacity: int = 4000) -> None:
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = capacity
        self.stride = 1
        self.records: list[Record] = []

    def add(self, record: Record) -> None:
        if record.epoch % self.stride:
            return
        self.records.append(record)
        if len(self.records) > self.capacity:
            self.stride *= 2
            self.records = [r for r in self.records if r.epoch % self.stride == 0]

    def since(self, epoch: int) -> list[Record]:
        """Records with an epoch after ``epoch`` (oldest first)."""
        recs = self.records
        lo, hi = 0, len(recs)
        while lo < hi:
            mid = (lo + hi) // 2
            if recs[mid].epoch <= epoch:
                lo = mid + 1
            else:
                hi = mid
        return recs[lo:]

    def truncate_after(self, epoch: int) -> None:
        """Forget records after ``epoch`` (used when a run is rolled back)."""
        self.records = [r for r in self.records if r.epoch <= epoch]

    def __len__(self) -> int:
        return len(self.records)

    def to_list(self) -> list[dict[str, float | int | None]]:
        return [r.to_dict() for r in self.records]

    @classmethod
    def from_list(cls, rows: list[dict[str, float | int | None]], capacity: int = 4000) -> History:
        history = cls(capacity)
        for row in rows:
            history.records.append(Record(**row))  # type: ignore[arg-type]
        while len(history.records) > history.capacity:
            history.stride *= 2
            history.records = [r for r in history.records if r.epoch % history.stride == 0]
        return history

from __future__ import annotations

from itertools import pairwise

from app.training.history import History, Record


def rec(epoch: int) -> Record:
    return Record(
        epoch=epoch,
        step=epoch * 10,
        train_loss=1.0 / epoch,
        test_loss=None,
        train_accuracy=None,
        test_accuracy=None,
        penalty=0.0,
        learning_rate=0.1,
    )


def test_thinning_keeps_size_bounded_and_spans_the_run() -> None:
    h = History(capacity=100)
    for e in range(1, 1001):
        h.add(rec(e))
    assert len(h) <= 100
    epochs = [r.epoch for r in h.records]
    assert epochs == sorted(epochs) and epochs[-1] >= 990 and epochs[0] <= 20
    assert len({b - a for a, b in pairwise(epochs)}) == 1


def test_since_and_round_trip() -> None:
    h = History()
    for e in range(1, 11):
        h.add(rec(e))
    assert [r.epoch for r in h.since(7)] == [8, 9, 10]
    assert h.since(10) == [] and len(h.since(0)) == 10
    assert History.from_list(h.to_list()).records == h.records
    h.truncate_after(4)
    assert [r.epoch for r in h.records] == [1, 2, 3, 4]

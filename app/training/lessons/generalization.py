"""Lesson 16: early stopping on a held-out validation set."""

from __future__ import annotations

from app.training.lessons.model import Lesson, lesson

LESSONS: tuple[Lesson, ...] = (
    lesson(
        16,
        "early-stopping",
        "Early stopping on a validation set",
        "Part of the training points is held out as a validation set: the network never trains on it, so its "
        "loss shows when the network starts fitting noise. Early stopping ends training once the validation "
        "loss has not improved for a number of epochs (the patience) and goes back to the best epoch. The test "
        "set plays no part in that choice, so at the end its numbers are still an honest estimate.",
        [
            "Press Play: training stops by itself, and the status names the epoch it went back to.",
            "Turn early stopping off (in Data settings) and press Play again: the validation loss climbs while "
            "the training loss keeps falling.",
            "Then press Restore best: the run goes back to the epoch with the lowest validation loss, and says so.",
        ],
        config={
            "dataset": {"name": "circle", "noise": 0.6, "samples": 200, "validation_fraction": 0.3},
            "hidden_layers": [16, 16],
            "optimizer": {"name": "adam", "learning_rate": 0.01},
            "early_stopping": {"patience": 20},
        },
        flags={"speed": "max"},
    ),
)

"""How much memory a session takes, estimated from its config before it is made.

Between steps a session keeps its feature matrices, the parameters with their
gradients, initial and snapshot copies and optimizer buffers, the bounded
checkpoints, and a fixed part for the history, frame bodies and Python
objects. What a forward pass keeps for backward lives only while a step or an
evaluation runs (a few at a time, one per compute thread), so the largest
config (5000 points, 7 features, 8 x 64 units, 6 classes, adam) holds about
5 MB after a few epochs; tests/serving/test_footprint.py keeps the estimate
within reach of measured sizes.
"""

from __future__ import annotations

import itertools

from app.training.checkpoints import CHECKPOINT_BYTES
from app.training.config import Config
from app.training.datasets import MAX_SAMPLES

FLOAT = 8
FIXED_BYTES = 1_500_000  # history (thinned to a few thousand records), frame bodies, objects
OPTIMIZER_BUFFERS = {"sgd": 0, "momentum": 1, "nesterov": 1, "rmsprop": 1, "adam": 2}
MB = 1_000_000


def session_bytes(config: Config) -> int:
    """The estimated bytes a session with this config holds at its largest."""
    # A custom dataset's points can be replaced by an upload of up to the largest size.
    points = MAX_SAMPLES if config.dataset.name == "custom" else config.dataset.samples
    outputs = config.classes if config.task == "classification" and config.classes > 2 else 1
    sizes = [len(config.features), *config.hidden_layers, outputs]
    params = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    data = 3 * points * len(config.features) + 2 * points * outputs + 4 * points
    copies = (4 + OPTIMIZER_BUFFERS.get(config.optimizer.name, 2)) * params
    # As app/training/checkpoints.py keeps them: 4 to 200 of three parameter-sized arrays.
    checkpoints = 3 * params * FLOAT * max(4, min(200, CHECKPOINT_BYTES // (3 * params * FLOAT)))
    return FLOAT * (data + copies) + checkpoints + FIXED_BYTES

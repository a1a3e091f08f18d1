"""Lesson 15: backpropagation, one point at a time."""

from __future__ import annotations

from app.training.lessons.model import Lesson, lesson

LESSONS: tuple[Lesson, ...] = (
    lesson(
        15,
        "backpropagation",
        "Backpropagation, step by step",
        "For one training point the forward pass computes every unit's z = Σ a·w + b and a = f(z), up to the "
        "output and its loss. The backward pass is the chain rule, one layer at a time: dL/dz = dL/da × f′(z), "
        "dL/dw = a × dL/dz, and a unit's dL/da sums w × dL/dz over the layer above. The update then moves each "
        "weight by −lr × dL/dw.",
        [
            "Pick a training point from the list (or click one on the plot) and press Forward: the first hidden "
            "layer's units show z = Σ a·w + b and a = tanh(z).",
            "Press Forward again for the output p and the loss, and once more: the output's dL/dz = p − y.",
            "Keep pressing Forward: each hidden unit shows dL/dz = dL/da × f′(z) as the two numbers it multiplies, "
            "and every connection its dL/dw = a × dL/dz.",
            "Press Forward once more for the update w ← w − lr × dL/dw: every weight moves against its gradient.",
            "Switch the activation to sigmoid and walk back again: f′(z) is at most 0.25, so every hidden dL/dz is "
            "at most a quarter of its dL/da.",
        ],
        view="backprop",
        config={
            "dataset": {"name": "xor", "samples": 100},
            "hidden_layers": [4],
            "activation": "tanh",
            "optimizer": {"learning_rate": 0.1},
        },
    ),
)

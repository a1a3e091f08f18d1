"""Lessons 1 to 3: what one layer can draw, and what nonlinearity adds."""

from __future__ import annotations

from app.training.lessons.model import Lesson, lesson

LESSONS: tuple[Lesson, ...] = (
    lesson(
        1,
        "linear-model",
        "A linear model draws a straight line",
        "With no hidden layer the network is logistic regression, z = xW + b with a sigmoid: its decision "
        "boundary is a straight line. That solves AND and OR, but no line separates the corners of XOR "
        "(Minsky and Papert's point), so it stays near 50% there.",
        [
            "Press Play: the line settles but about half the XOR points stay wrong.",
            "Switch to the AND and OR datasets: one line now separates the classes.",
            "Add a hidden layer and watch XOR become solvable.",
        ],
        config={"dataset": {"name": "xor"}, "hidden_layers": [], "optimizer": {"learning_rate": 0.1}},
    ),
    lesson(
        2,
        "linear-collapse",
        "Stacked linear layers collapse to one",
        "Without a nonlinearity, W3(W2(W1 x + b1) + b2) + b3 is again one affine map x W + b. However many "
        "linear layers you stack, the boundary stays a line: the panel shows the single W and b the network "
        "amounts to.",
        [
            "Train: the boundary is a line, like the linear model's.",
            "Add layers and units: the collapsed W and b still reproduce the network exactly.",
            "Switch the activation to tanh: the collapse no longer holds and the line can bend.",
        ],
        view="collapse",
        config={
            "dataset": {"name": "xor"},
            "hidden_layers": [4, 4, 4],
            "activation": "linear",
            "optimizer": {"learning_rate": 0.03},
        },
    ),
    lesson(
        3,
        "nonlinearity",
        "One nonlinearity fixes XOR",
        "Put a nonlinear activation (tanh, sigmoid, ReLU, leaky ReLU) between layers and the network can bend "
        "its boundary. Four tanh units are enough to separate XOR's corners.",
        [
            "Press Play and watch the hidden units each draw a line; the output combines them.",
            "Try ReLU, sigmoid and leaky ReLU: all solve it, with differently shaped regions.",
            "Remove units one at a time: how few still solve XOR?",
        ],
        config={
            "dataset": {"name": "xor"},
            "hidden_layers": [4],
            "activation": "tanh",
            "optimizer": {"learning_rate": 0.1},
        },
    ),
)

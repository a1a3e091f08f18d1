"""Lessons 13 and 14: what the inputs are made into, and what the activation must let through."""

from __future__ import annotations

from app.training.lessons.model import Lesson, lesson

LESSONS: tuple[Lesson, ...] = (
    lesson(
        13,
        "features",
        "Hand-made features make the circle linear",
        "With no hidden layer the network draws one line in the space of its inputs, and no line in (x₁, x₂) "
        "separates a circle. Feed it φ(x) = (x₁², x₂²) instead and the circle becomes a line there: "
        "w₁x₁² + w₂x₂² + b = 0 with w₁ ≈ w₂ is the circle x₁² + x₂² = −b/w.",
        [
            "Press Play: with x₁ and x₂ alone the test accuracy stays near 60%.",
            "In the Features panel switch x₁² and x₂² on and x₁ and x₂ off, then press Play: "
            "the test accuracy reaches 100%.",
            "Hover the connections from x₁² and x₂² and click the output unit for its bias: the two weights are "
            "about equal and negative, the bias positive, so the boundary is a circle of radius √(−b/w), about 3.",
        ],
        config={
            "dataset": {"name": "circle"},
            "features": ["x1", "x2"],
            "hidden_layers": [],
            "optimizer": {"learning_rate": 0.1},
        },
    ),
    lesson(
        14,
        "perceptron",
        "The perceptron's step cannot learn by gradient descent",
        "The perceptron's step activation outputs 0 or 1, so its derivative is 0 everywhere but at the jump: "
        "backpropagation hands the hidden layer a gradient of exactly zero and its weights never move. "
        "Swap in the smooth sigmoid and the same network learns.",
        [
            "Press Play: the health view says the first layer's gradient is exactly 0, and the test accuracy "
            "stays near 50%.",
            "Switch the activation to sigmoid and press Play: the first layer's gradient is no longer 0 and "
            "the test accuracy passes 90%.",
        ],
        view="health",
        config={
            "dataset": {"name": "circle"},
            "hidden_layers": [4],
            "activation": "step",
            "optimizer": {"name": "adam", "learning_rate": 0.03},
        },
    ),
)

"""Lessons 9 to 12: checking gradients, their health, regularization and many classes."""

from __future__ import annotations

from app.training.lessons.model import Lesson, lesson

LESSONS: tuple[Lesson, ...] = (
    lesson(
        9,
        "gradient-check",
        "Checking gradients by finite differences",
        "Backpropagation's gradient can be checked: nudge one parameter by ε both ways and "
        "(J(θ + ε) − J(θ − ε)) / 2ε approximates its derivative. The table compares both, layer by layer, with "
        "the relative error; below 1e-6 means they agree. Where the two nudges land on both sides of a kink "
        "(ReLU's bend at 0, |w| at 0) there is no derivative to agree with: those parameters are listed apart.",
        [
            "Press Check gradients before and after some training: every layer's relative error stays below 1e-6.",
            "Switch to ReLU and press Check gradients: parameters whose nudge crosses ReLU's kink at 0 are listed "
            "apart with the reason, and every layer's error stays below 1e-6.",
            "Switch to L1, then train and check now and then: a weight L1 has pushed to within ε of 0 is listed "
            "apart too, crossing |w|'s kink at 0.",
            "Add a layer and check again: every layer is checked.",
        ],
        view="gradcheck",
        config={
            "dataset": {"name": "spiral", "classes": 3},
            "hidden_layers": [5, 4],
            "regularization": {"kind": "l2", "rate": 0.01},
        },
    ),
    lesson(
        10,
        "vanishing-gradients",
        "Vanishing gradients",
        "A sigmoid's slope is at most 1/4 and nearly zero when it saturates, so gradients shrink layer by "
        "layer on their way back: a deep sigmoid net barely changes its first layers. ReLU passes gradient 1 "
        "for positive inputs, but a unit that is never positive is dead.",
        [
            "Look at the per-layer gradient norms: the first layers get far less than the last.",
            "Switch the activation to ReLU and compare the norms.",
            "With ReLU, raise the learning rate to 1, press Reset and then Play: the share of dead units grows.",
        ],
        view="health",
        config={
            "dataset": {"name": "circle"},
            "hidden_layers": [8, 8, 8, 8, 8, 8],
            "activation": "sigmoid",
            "init": "xavier",
            "optimizer": {"learning_rate": 0.1},
        },
    ),
    lesson(
        11,
        "regularization",
        "Regularization and early stopping",
        "L2 adds rate/2·Σw² to the loss and pulls every weight toward zero (weight decay); L1 adds rate·Σ|w| and "
        "drives many weights to exactly zero. Early stopping keeps the weights from the epoch with the lowest "
        "validation loss, measured on a share of the training points held out for it; the test set stays "
        "untouched.",
        [
            "Compare no penalty (this run) with L2 (the comparison run, in the Compare panel) on a noisy circle: "
            "thinner lines, smoother boundary.",
            "In the Compare panel, pick regularization kind l1 and press Set: the comparison run keeps its rate; "
            "count the connections that vanish (its diagram counts the weights that are exactly 0).",
            "When the validation loss turns up, press Restore best to go back to its lowest point.",
        ],
        view="compare",
        config={
            "dataset": {"name": "circle", "noise": 0.6, "samples": 200, "validation_fraction": 0.3},
            "hidden_layers": [16, 16],
            "optimizer": {"name": "adam", "learning_rate": 0.01},
        },
        compare={"regularization": {"kind": "l2", "rate": 0.01}},
    ),
    lesson(
        12,
        "multi-class",
        "Many classes: one softmax output each",
        "With K classes the output layer has K units and a softmax turns their scores into K probabilities; "
        "the view colours each region by its most likely class, paler where the network is unsure. Spirals "
        "with three to six arms need a few layers.",
        [
            "Train the three-arm spiral, then set classes to 5.",
            "Hover the output units: each shows its class's probability.",
            "Try the blobs dataset with six classes.",
        ],
        config={
            "dataset": {"name": "spiral", "classes": 3},
            "hidden_layers": [16, 16],
            "optimizer": {"name": "adam", "learning_rate": 0.01},
        },
        flags={"speed": "50"},
    ),
)

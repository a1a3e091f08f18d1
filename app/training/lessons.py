"""Lessons: presets for the ideas an introductory course teaches.

Each lesson is data: a config (a partial one: the rest are defaults), two or
three sentences, what to try, and the view that shows the idea. "compare"
lessons name a second run: the same config with a few fields changed, on the
same data and seed. Opening /lessons/NAME sets the lesson up in the page.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.training.config import Config, merge

View = Literal["network", "landscape", "gradcheck", "health", "collapse", "compare", "rewind", "code"]


class Lesson(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    number: int
    title: str
    text: str = Field(description="Two or three sentences: the idea.")
    try_: list[str] = Field(alias="try", description="What to try, one line each.")
    view: View = "network"
    config: dict[str, Any] = Field(default_factory=dict, description="A partial config; the rest are defaults.")
    compare: dict[str, Any] | None = Field(None, description="The second run: changes to the first run's config.")
    flags: dict[str, Any] = Field(default_factory=dict, description="Page flags such as speed.")

    def resolved(self) -> Config:
        return Config.model_validate(self.config)

    def compared(self) -> Config | None:
        return None if self.compare is None else merge(self.resolved(), self.compare)


def _lesson(number: int, name: str, title: str, text: str, tries: list[str], **rest: Any) -> Lesson:
    return Lesson.model_validate({"number": number, "name": name, "title": title, "text": text, "try": tries, **rest})


LESSONS: dict[str, Lesson] = {
    lesson.name: lesson
    for lesson in (
        _lesson(
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
        _lesson(
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
        _lesson(
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
        _lesson(
            4,
            "losses",
            "Softmax, cross-entropy and other losses",
            "Softmax turns the K output scores (logits) into a probability distribution; cross-entropy is the "
            "negative log probability of the true class. Squared error on the same probabilities learns more "
            "slowly where the outputs saturate, and hinge loss only cares about the margin.",
            [
                "Compare cross-entropy (this run) with squared error (the comparison run, in the Compare panel) on the "
                "same three blobs.",
                "Change the second run's loss in the comparison to hinge on two-class data.",
                "Watch the test loss: cross-entropy punishes confident mistakes hardest.",
            ],
            view="compare",
            config={
                "dataset": {"name": "blobs", "classes": 3, "noise": 0.3},
                "hidden_layers": [6],
                "optimizer": {"learning_rate": 0.03},
            },
            compare={"loss": "mse"},
        ),
        _lesson(
            5,
            "gradient-descent",
            "Gradient descent walks downhill",
            "Gradient descent repeats θ := θ − α∇L. For a 1-D logistic regression o = sigmoid(b + wx) the loss is a "
            "surface over (b, w), and the path below is what descent actually does on it. For linear regression "
            "with squared error the surface is a bowl whose bottom has a closed form: the path walks to it.",
            [
                "Click the surface to start descent somewhere else.",
                "Raise the learning rate until the path zig-zags, then until it flies off.",
                "Switch to linear regression and watch the path reach the marked minimum.",
            ],
            view="landscape",
            config={"dataset": {"name": "gaussian"}, "hidden_layers": [], "optimizer": {"learning_rate": 0.1}},
        ),
        _lesson(
            6,
            "learning-rate",
            "Too small crawls, too large diverges",
            "The learning rate sets the step size. Too small and training crawls; too large and the loss "
            "oscillates or blows up. The playground stops a run whose loss explodes and says so instead of "
            "drawing nonsense.",
            [
                "Compare a careful rate (this run) with 3.0 (the comparison run, in the Compare panel) on the spiral.",
                "In the Compare panel, pick learning rate 10, press Set, then Play: the comparison run reports that it "
                "diverged.",
                "Find the largest rate that still trains smoothly.",
            ],
            view="compare",
            config={"dataset": {"name": "spiral"}, "hidden_layers": [8, 8], "optimizer": {"learning_rate": 0.03}},
            compare={"optimizer": {"learning_rate": 3.0}},
        ),
        _lesson(
            7,
            "minibatches",
            "Batch, mini-batch and stochastic descent",
            "The gradient of a mean loss is the mean of the per-example gradients. A mini-batch averages only a "
            "few of them, so it estimates the full gradient cheaply but noisily: batch size 1 (stochastic) takes "
            "many jittery steps, the full batch few smooth ones.",
            [
                "Compare batch size 1 (this run) with the full batch (the comparison run, in the Compare panel), epoch "
                "for epoch.",
                "Watch the curves: the small batch is noisier but gets further per epoch.",
                "Try batch sizes in between.",
            ],
            view="compare",
            config={
                "dataset": {"name": "circle"},
                "hidden_layers": [4, 2],
                "batch_size": 1,
                "optimizer": {"learning_rate": 0.03},
            },
            compare={"batch_size": 500},
        ),
        _lesson(
            8,
            "schedules",
            "Learning-rate schedules",
            "A schedule changes the rate as training goes: step decay halves it every so many epochs, cosine with "
            "warm restarts sweeps it down and then jumps back up. Big steps early explore; small steps late settle.",
            [
                "Watch the rate curve (orange) under the accuracy chart.",
                "Switch between step decay, exponential and cosine restarts.",
                "Shorten the cosine period and see each restart shake the boundary.",
            ],
            config={
                "dataset": {"name": "spiral"},
                "hidden_layers": [8, 8],
                "optimizer": {"name": "momentum", "learning_rate": 0.1},
                "schedule": {"name": "cosine", "period": 50, "min_learning_rate": 0.001},
            },
        ),
        _lesson(
            9,
            "gradient-check",
            "Checking gradients by finite differences",
            "Backpropagation's gradient can be checked: nudge one parameter by ε both ways and "
            "(J(θ + ε) − J(θ − ε)) / 2ε approximates its derivative. The table compares both, layer by layer, with "
            "the relative error; below 1e-6 means they agree.",
            [
                "Press Check gradients before and after some training.",
                "Try ReLU, L1 and L2, softmax outputs: the errors stay tiny.",
                "Add layers: every layer is checked.",
            ],
            view="gradcheck",
            config={
                "dataset": {"name": "spiral", "classes": 3},
                "hidden_layers": [5, 4],
                "regularization": {"kind": "l2", "rate": 0.01},
            },
        ),
        _lesson(
            10,
            "vanishing-gradients",
            "Vanishing gradients",
            "A sigmoid's slope is at most 1/4 and nearly zero when it saturates, so gradients shrink layer by "
            "layer on their way back: a deep sigmoid net barely changes its first layers. ReLU passes gradient 1 "
            "for positive inputs, but a unit that is never positive is dead.",
            [
                "Look at the per-layer gradient norms: the first layers get far less than the last.",
                "Switch the activation to ReLU and compare the norms.",
                "With ReLU, raise the learning rate and watch the share of dead units.",
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
        _lesson(
            11,
            "regularization",
            "Regularization and early stopping",
            "L2 adds rate/2·Σw² to the loss and pulls every weight toward zero (weight decay); L1 adds rate·Σ|w| and "
            "drives many weights to exactly zero. Early stopping keeps the weights from the epoch with the lowest "
            "test loss.",
            [
                "Compare no penalty (this run) with L2 (the comparison run, in the Compare panel) on a noisy circle: "
                "thinner lines, smoother boundary.",
                "In the Compare panel, pick regularization kind l1 and press Set: the comparison run keeps its rate; "
                "count the connections that vanish.",
                "When the test loss turns up, press Restore best to go back to its lowest point.",
            ],
            view="compare",
            config={
                "dataset": {"name": "circle", "noise": 0.6, "samples": 200},
                "hidden_layers": [16, 16],
                "optimizer": {"name": "adam", "learning_rate": 0.01},
            },
            compare={"regularization": {"kind": "l2", "rate": 0.01}},
        ),
        _lesson(
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
}

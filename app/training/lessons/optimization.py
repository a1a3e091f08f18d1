"""Lessons 4 to 8: losses, gradient descent, learning rates, minibatches and schedules."""

from __future__ import annotations

from app.training.lessons.model import Lesson, lesson

LESSONS: tuple[Lesson, ...] = (
    lesson(
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
            "Raise the noise (More data settings) until the blobs overlap and train: at about the same accuracy, "
            "cross-entropy's test loss reads about twice squared error's. Not a worse fit but a harsher measure: "
            "−log p punishes a confident mistake without limit, squared error never charges more than 2 a point.",
        ],
        view="compare",
        config={
            "dataset": {"name": "blobs", "classes": 3, "noise": 0.3},
            "hidden_layers": [6],
            "optimizer": {"learning_rate": 0.03},
        },
        compare={"loss": "mse"},
    ),
    lesson(
        5,
        "gradient-descent",
        "Gradient descent walks downhill",
        "Gradient descent repeats θ := θ − α∇L, with α the learning rate in the top bar. For a 1-D logistic "
        "regression o = sigmoid(b + wx) the loss is a surface over (b, w), and the path below is what descent "
        "actually does on it. For linear regression with squared error the surface is a bowl whose bottom has a "
        "closed form, and its steepest curvature λmax sets the largest rate that still works: 2/λmax.",
        [
            "Click the surface to start descent somewhere else.",
            "Switch to linear regression and watch the path reach the marked minimum.",
            "Raise the learning rate until the path zig-zags, then until it flies off: the view says it diverged "
            "and names the largest rate that works.",
        ],
        view="landscape",
        config={"dataset": {"name": "gaussian"}, "hidden_layers": [], "optimizer": {"learning_rate": 0.1}},
    ),
    lesson(
        6,
        "learning-rate",
        "Too small crawls, too large diverges",
        "The learning rate sets the step size. Too small and training crawls; too large and the loss "
        "oscillates or blows up. The playground stops a run whose loss explodes and says so instead of "
        "drawing nonsense.",
        [
            "Compare a careful rate (this run) with 3.0 (the comparison run, in the Compare panel) on the spiral: "
            "the comparison run's loss jumps up and down above this run's.",
            "In the Compare panel, pick learning rate 10, press Set, then Play: the comparison run reports that it "
            "diverged.",
            "Find the largest rate that still trains: at 1 the loss still falls, at 3 it jumps above where it started.",
        ],
        view="compare",
        config={"dataset": {"name": "spiral"}, "hidden_layers": [8, 8], "optimizer": {"learning_rate": 0.03}},
        compare={"optimizer": {"learning_rate": 3.0}},
    ),
    lesson(
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
            "Try batch sizes in between: in the Compare panel, batch size 10 gets further per epoch than the full "
            "batch, but not as far as 1.",
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
    lesson(
        8,
        "schedules",
        "Learning-rate schedules",
        "A schedule changes the rate as training goes: step decay halves it every so many epochs, cosine with "
        "warm restarts sweeps it down and then jumps back up, and reduce on plateau halves it when the loss "
        "stops improving. Big steps early explore; small steps late settle.",
        [
            "Watch the learning-rate curve (orange) in its own chart, apart from the loss and accuracy.",
            "Switch between step decay, exponential, cosine restarts and reduce on plateau: the rate curve takes "
            "each one's shape, and a marker shows each drop.",
            "Shorten the cosine period and see each restart shake the boundary: the loss jumps after a restart.",
        ],
        config={
            "dataset": {"name": "spiral"},
            "hidden_layers": [8, 8],
            "optimizer": {"name": "momentum", "learning_rate": 0.1},
            "schedule": {"name": "cosine", "period": 50, "min_learning_rate": 0.001, "every": 20, "patience": 5},
        },
    ),
)

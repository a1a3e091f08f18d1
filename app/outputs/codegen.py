"""A trained model as a short runnable script: NumPy, or a PyTorch snippet.

The weights are written with Python's shortest exact float repr, and every
function is the code its row in the engine's tables carries, written to match
the engine's arithmetic, so the NumPy script predicts what the session
predicts (to rounding, far below 1e-9).
"""

from __future__ import annotations

from app.nn.features import FEATURES
from app.nn.losses import HEADS
from app.nn.regularizers import REGULARIZERS
from app.nn.schedules import SCHEDULES
from app.training.session import Session


def _matrix(rows: list[list[float]]) -> str:
    return "[" + ", ".join("[" + ", ".join(repr(v) for v in row) + "]" for row in rows) + "]"


def _vector(values: list[float]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def _describe(session: Session) -> str:
    c = session.config
    shape = "-".join(str(n) for n in session.model.sizes)
    return f"{c.dataset.name} data, a {shape} network ({c.activation}), trained {session.epoch} epochs"


def _training(session: Session) -> str:
    """How the weights were trained: optimizer, schedule and penalty, each with the knobs its row reads."""
    c = session.config
    schedule = SCHEDULES[c.schedule.name]
    knobs = ", ".join(f"{k} {getattr(c.schedule, k)}" for k in schedule.knobs)
    reg = REGULARIZERS[c.regularization.kind]
    penalty = f"{reg.label} at rate {c.regularization.rate}" if reg.knobs else "no penalty"
    if reg.knobs and reg.proximal is not None:
        penalty += " (a proximal step: exact zeros)"
    return (
        f"Trained with {c.optimizer.name} at learning rate {c.optimizer.learning_rate},\n"
        f"{schedule.label.lower()} schedule{f' ({knobs})' if knobs else ''}, {penalty}."
    )


def _numpy_features(session: Session) -> str:
    return ", ".join(FEATURES[f].numpy for f in session.features)


def _torch_features(session: Session) -> str:
    return ", ".join(FEATURES[f].torch for f in session.features)


def numpy_script(session: Session) -> str:
    layers = session.model.layers
    weights = ",\n    ".join(f"np.array({_matrix(layer.W.tolist())})" for layer in layers)
    biases = ",\n    ".join(f"np.array({_vector(layer.b.tolist())})" for layer in layers)
    return f'''"""Neural Playground model: {_describe(session)}.
{_training(session)}

Run it with NumPy: python {session.config.dataset.name}_model.py
predict(points) takes [[x1, x2], ...] in the view [-6, 6]^2 and returns
{"values" if session.config.task == "regression" else "class probabilities"}.
"""

import numpy as np

WEIGHTS = [
    {weights},
]
BIASES = [
    {biases},
]


def features(points):
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([{_numpy_features(session)}], axis=1)


def activation(z):
    return {session.model.activation.numpy}


def head(z):
    {HEADS[session.loss.head].numpy}


def predict(points):
    a = features(np.asarray(points, dtype=np.float64).reshape(-1, 2))
    for w, b in zip(WEIGHTS[:-1], BIASES[:-1]):
        a = activation(a @ w + b)
    z = a @ WEIGHTS[-1] + BIASES[-1]
    return head(z)


if __name__ == "__main__":
    print(predict([[0.0, 0.0], [3.0, 3.0], [-3.0, 3.0]]))
'''


def pytorch_script(session: Session) -> str:
    layers = session.model.layers
    activation = session.model.activation
    modules = []
    for k, layer in enumerate(layers):
        modules.append(f"nn.Linear({layer.fan_in}, {layer.fan_out})")
        if k < len(layers) - 1:
            modules.append(activation.torch)
    loads = "\n".join(
        f"    model[{2 * k}].weight.copy_(torch.tensor({_matrix(layer.W.T.tolist())}, dtype=torch.float64))\n"
        f"    model[{2 * k}].bias.copy_(torch.tensor({_vector(layer.b.tolist())}, dtype=torch.float64))"
        for k, layer in enumerate(layers)
    )
    custom = f"\n\n{activation.torch_class}" if activation.torch_class else ""
    return f'''"""Neural Playground model in PyTorch: {_describe(session)}.
{_training(session)}

Run it: python {session.config.dataset.name}_model_torch.py (needs torch)
"""

import torch
from torch import nn{custom}

model = nn.Sequential(
    {", ".join(modules)},
).double()
with torch.no_grad():
{loads}


def features(points):
    p = torch.as_tensor(points, dtype=torch.float64).reshape(-1, 2)
    x1, x2 = p[:, 0], p[:, 1]
    return torch.stack([{_torch_features(session)}], dim=1)


def predict(points):
    with torch.no_grad():
        z = model(features(points))
        return {HEADS[session.loss.head].torch}


if __name__ == "__main__":
    print(predict([[0.0, 0.0], [3.0, 3.0], [-3.0, 3.0]]))
'''

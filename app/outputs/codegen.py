"""A trained model as a short runnable script: NumPy, or a PyTorch snippet.

The weights are written with Python's shortest exact float repr, and every
function matches the engine's arithmetic, so the NumPy script predicts what
the session predicts (to rounding, far below 1e-9).
"""

from __future__ import annotations

from app.training.session import Session

NUMPY_ACTIVATIONS = {
    "linear": "z",
    "relu": "np.maximum(z, 0.0)",
    "leaky_relu": "np.where(z > 0.0, z, 0.01 * z)",
    "tanh": "np.tanh(z)",
    "sigmoid": "0.5 * np.tanh(0.5 * z) + 0.5",
    "elu": "np.where(z > 0.0, z, np.expm1(np.minimum(z, 0.0)))",
    "softplus": "np.logaddexp(0.0, z)",
    "gelu": "z / (1.0 + np.exp(np.minimum(-2.0 * np.sqrt(2.0 / np.pi) * (z + 0.044715 * z**3), 700.0)))",
    "swish": "z * (0.5 * np.tanh(0.5 * z) + 0.5)",
    "sine": "np.sin(z)",
}
NUMPY_HEADS = {
    "sigmoid": "return 0.5 * np.tanh(0.5 * z) + 0.5",
    "softmax": "e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)",
    "linear": "return z",
}
FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1_squared": "x1 * x1",
    "x2_squared": "x2 * x2",
    "x1_times_x2": "x1 * x2",
    "sin_x1": "{m}.sin(x1)",
    "sin_x2": "{m}.sin(x2)",
}
TORCH_ACTIVATIONS = {
    "linear": "nn.Identity()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(0.01)",
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
    "elu": "nn.ELU()",
    "softplus": "nn.Softplus()",
    "gelu": 'nn.GELU(approximate="tanh")',
    "swish": "nn.SiLU()",
    "sine": "Sine()",
}
TORCH_HEADS = {"sigmoid": "torch.sigmoid(z)", "softmax": "torch.softmax(z, dim=1)", "linear": "z"}


def _matrix(rows: list[list[float]]) -> str:
    return "[" + ", ".join("[" + ", ".join(repr(v) for v in row) + "]" for row in rows) + "]"


def _vector(values: list[float]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def _describe(session: Session) -> str:
    c = session.config
    shape = "-".join(str(n) for n in session.model.sizes)
    return f"{c.dataset.name} data, a {shape} network ({c.activation}), trained {session.epoch} epochs"


def _features(session: Session, module: str) -> str:
    return ", ".join(FEATURE_CODE[f].format(m=module) for f in session.features)


def numpy_script(session: Session) -> str:
    layers = session.model.layers
    head = session.loss.head
    weights = ",\n    ".join(f"np.array({_matrix(layer.W.tolist())})" for layer in layers)
    biases = ",\n    ".join(f"np.array({_vector(layer.b.tolist())})" for layer in layers)
    return f'''"""Neural Playground model: {_describe(session)}.

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
    return np.stack([{_features(session, "np")}], axis=1)


def activation(z):
    return {NUMPY_ACTIVATIONS[session.config.activation]}


def head(z):
    {NUMPY_HEADS[head]}


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
    modules = []
    for k, layer in enumerate(layers):
        modules.append(f"nn.Linear({layer.fan_in}, {layer.fan_out})")
        if k < len(layers) - 1:
            modules.append(TORCH_ACTIVATIONS[session.config.activation])
    loads = "\n".join(
        f"    model[{2 * k}].weight.copy_(torch.tensor({_matrix(layer.W.T.tolist())}, dtype=torch.float64))\n"
        f"    model[{2 * k}].bias.copy_(torch.tensor({_vector(layer.b.tolist())}, dtype=torch.float64))"
        for k, layer in enumerate(layers)
    )
    sine = (
        "\n\nclass Sine(nn.Module):\n    def forward(self, z):\n        return torch.sin(z)\n"
        if session.config.activation == "sine"
        else ""
    )
    return f'''"""Neural Playground model in PyTorch: {_describe(session)}.

Run it: python {session.config.dataset.name}_model_torch.py (needs torch)
"""

import torch
from torch import nn{sine}

model = nn.Sequential(
    {", ".join(modules)},
).double()
with torch.no_grad():
{loads}


def features(points):
    p = torch.as_tensor(points, dtype=torch.float64).reshape(-1, 2)
    x1, x2 = p[:, 0], p[:, 1]
    return torch.stack([{_features(session, "torch")}], dim=1)


def predict(points):
    with torch.no_grad():
        z = model(features(points))
        return {TORCH_HEADS[session.loss.head]}


if __name__ == "__main__":
    print(predict([[0.0, 0.0], [3.0, 3.0], [-3.0, 3.0]]))
'''

"""One point's backpropagation: the engine's own numbers, the chain rule, finite differences, autograd."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.nn import ACTIVATIONS
from app.nn.features import feature_matrix
from app.nn.gradcheck import norm_relative_error, numerical_gradient
from app.outputs.backprop import backprop
from app.training.config import Config
from app.training.errors import FieldError
from app.training.session import Session

POINT = (0.7, -1.3)
# (loss, dataset, classes, label): every loss, two to six classes, and regression.
TASKS = [
    ("cross_entropy", "xor", None, 1),
    ("cross_entropy", "spiral", 3, 2),
    ("cross_entropy", "blobs", 6, 4),
    ("mse", "moons", None, 0),
    ("mse", "spiral", 4, 3),
    ("hinge", "circle", None, 1),
    ("hinge", "circle", None, 0),
    ("mse", "bumps", None, 0.37),
]


def session(**config: Any) -> Session:
    base: dict[str, Any] = {"dataset": {"name": "xor", "samples": 40}, "hidden_layers": [4, 3], "seed": 3}
    return Session(Config.model_validate({**base, **config}))


def task_session(loss: str, dataset: str, classes: int | None, activation: str = "tanh") -> Session:
    spec: dict[str, Any] = {"name": dataset, "samples": 40}
    if classes is not None:
        spec["classes"] = classes
    return session(dataset=spec, loss=loss, activation=activation)


def point_loss(s: Session, label: float) -> float:
    x = feature_matrix(s.features, np.array([POINT]))
    t = s.loss.targets(np.array([label if s.config.task == "regression" else int(label)]))
    return s.loss.value(s.model(x), t)


def flat_gradient(result: dict[str, Any]) -> np.ndarray:
    """dL_dW and dL_db of every layer in the model's layout: all weights, then all biases."""
    weights = [np.ravel(layer["dL_dW"]) for layer in result["layers"]]
    biases = [np.ravel(layer["dL_db"]) for layer in result["layers"]]
    return np.concatenate(weights + biases)


def test_matches_the_engines_gradient_of_a_one_point_batch_and_changes_nothing() -> None:
    s = session(regularization={"kind": "l2", "rate": 0.1})
    s.step(5)
    s.full_gradient()
    params, grads = s.model.params.copy(), s.model.grads.copy()
    result = backprop(s, *POINT, 1)
    assert np.array_equal(s.model.params, params) and np.array_equal(s.model.grads, grads)
    x = feature_matrix(s.features, np.array([POINT]))
    t = s.loss.targets(np.array([1]))
    scores = s.model(x)
    s.model.backward(s.loss.gradient(scores, t))
    assert np.allclose(flat_gradient(result), s.model.grads, rtol=0, atol=1e-15)
    assert result["loss"] == pytest.approx(s.loss.value(scores, t), abs=1e-15)
    assert result["layers"][-1]["a"] == pytest.approx(s.loss.output(scores)[0].tolist())


def test_each_number_is_the_product_the_chain_rule_names() -> None:
    s = session(activation="sigmoid", hidden_layers=[5, 4, 3])
    result = backprop(s, *POINT, 0)
    layers = result["layers"]
    inputs = [np.array(result["inputs"]), *(np.array(layer["a"]) for layer in layers[:-1])]
    for k, layer in enumerate(layers):
        assert np.allclose(layer["dL_dW"], np.outer(inputs[k], layer["dL_dz"]), atol=1e-15)
        assert layer["dL_db"] == layer["dL_dz"]
        if k < len(layers) - 1:
            assert np.allclose(layer["dL_dz"], np.multiply(layer["dL_da"], layer["df_dz"]), atol=1e-15)
            above = s.model.layers[k + 1].W
            assert np.allclose(layer["dL_da"], above @ np.array(layers[k + 1]["dL_dz"]), atol=1e-15)
            assert np.allclose(layer["a"], 1 / (1 + np.exp(-np.array(layer["z"]))))
    assert layers[-1]["dL_da"] is None and layers[-1]["df_dz"] is None
    p = layers[-1]["a"][0]
    assert layers[-1]["dL_dz"][0] == pytest.approx(p - 0.0)  # sigmoid and cross-entropy: p - y


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize(("loss", "dataset", "classes", "label"), TASKS)
def test_agrees_with_central_differences(
    activation: str, loss: str, dataset: str, classes: int | None, label: float
) -> None:
    s = task_session(loss, dataset, classes, activation)
    analytic = flat_gradient(backprop(s, *POINT, label))
    numeric = numerical_gradient(lambda: point_loss(s, label), s.model.params)
    assert norm_relative_error(analytic, numeric) < 1e-6


def test_step_passes_no_gradient_below_its_layer() -> None:
    s = session(activation="step", hidden_layers=[4])
    result = backprop(s, *POINT, 1)
    assert not np.any(result["layers"][0]["dL_dW"]) and np.any(result["layers"][1]["dL_dW"])


def test_features_are_the_first_layers_inputs() -> None:
    s = session(features=["x1_squared", "x2_squared", "sin_x1"])
    result = backprop(s, *POINT, 1)
    assert result["inputs"] == pytest.approx([POINT[0] ** 2, POINT[1] ** 2, np.sin(POINT[0])])
    assert np.shape(result["layers"][0]["dL_dW"]) == (3, 4)


def test_the_penalty_stays_apart_and_the_update_is_one_plain_step() -> None:
    plain, penalised = session(), session(regularization={"kind": "l2", "rate": 0.5})
    a, b = backprop(plain, *POINT, 1), backprop(penalised, *POINT, 1)
    assert flat_gradient(a) == pytest.approx(flat_gradient(b))
    assert a["penalty"]["weight_gradients"] is None
    first = penalised.model.layers[0].W
    assert np.allclose(b["penalty"]["weight_gradients"][0], 0.5 * first)
    update = b["update"]
    assert update["learning_rate"] == penalised.learning_rate
    lr = update["learning_rate"]
    assert np.allclose(update["weights_after"][0], first - lr * np.array(b["layers"][0]["dL_dW"]))
    assert np.allclose(
        update["biases_after"][-1], penalised.model.layers[-1].b - lr * np.array(b["layers"][-1]["dL_db"])
    )


def test_labels_must_be_a_class_of_the_session() -> None:
    s = task_session("cross_entropy", "spiral", 3)
    for label in (3, -1, 0.5):
        with pytest.raises(FieldError) as caught:
            backprop(s, *POINT, label)
        assert caught.value.loc == ("query", "label")


def test_deep_wide_networks_answer() -> None:
    s = session(hidden_layers=[64] * 8, activation="relu")
    result = backprop(s, *POINT, 1)
    assert len(result["layers"]) == 9 and np.shape(result["update"]["weights_after"][3]) == (64, 64)


def torch_loss(s: Session, torch: Any, scores: Any, label: float) -> Any:
    loss, head = s.config.loss, s.loss.head
    if s.config.task == "regression":
        return ((scores[:, 0] - label) ** 2).sum()
    if loss == "hinge":
        return torch.clamp(1 - (1.0 if label else -1.0) * scores[:, 0], min=0).sum()
    if head == "softmax":
        p = torch.softmax(scores, dim=1)
        y = torch.nn.functional.one_hot(torch.tensor([int(label)]), s.loss.outputs).double()
        return -(y * torch.log(p)).sum() if loss == "cross_entropy" else ((p - y) ** 2).sum()
    p, y = torch.sigmoid(scores[:, 0]), float(label)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).sum() if loss == "cross_entropy" else ((p - y) ** 2).sum()


@pytest.mark.parametrize("activation", [a for a in ACTIVATIONS if a != "step"])
@pytest.mark.parametrize(("loss", "dataset", "classes", "label"), TASKS)
def test_agrees_with_pytorch_autograd(
    activation: str, loss: str, dataset: str, classes: int | None, label: float
) -> None:
    torch = pytest.importorskip("torch", reason="torch is not installed (pip install '.[bench]')")
    s = task_session(loss, dataset, classes, activation)
    result = backprop(s, *POINT, label)
    namespace: dict[str, Any] = {"nn": torch.nn, "torch": torch}
    exec(ACTIVATIONS[activation].torch_class, namespace)
    act = eval(ACTIVATIONS[activation].torch, namespace)
    params = [
        (torch.tensor(layer.W, requires_grad=True), torch.tensor(layer.b, requires_grad=True))
        for layer in s.model.layers
    ]
    a = torch.tensor(result["inputs"], dtype=torch.float64)[None, :]
    for k, (w, b) in enumerate(params):
        z = a @ w + b
        a = act(z) if k < len(params) - 1 else z
    torch_loss(s, torch, a, label).backward()
    for layer, (w, b) in zip(result["layers"], params, strict=True):
        assert np.allclose(layer["dL_dW"], w.grad.numpy(), rtol=1e-7, atol=1e-12)
        assert np.allclose(layer["dL_db"], b.grad.numpy(), rtol=1e-7, atol=1e-12)

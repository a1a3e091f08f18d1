"""One point's forward and backward pass, and the gradient step it asks for."""

from __future__ import annotations

from pydantic import Field

from app.outputs.wire import Wire


class BackpropLayer(Wire):
    """One Dense layer (fan_in -> fan_out) for the chosen point; the last is the output layer."""

    weights: list[list[float]] = Field(description="W now: fan_in rows x fan_out columns.")
    biases: list[float]
    z: list[float] = Field(description="z = a_prev W + b, per unit.")
    a: list[float] = Field(description="a = f(z) per unit; for the output layer the probabilities or value.")
    df_dz: list[float] | None = Field(description="f'(z) per unit; null for the output layer.")
    dL_da: list[float] | None = Field(
        description="dL/da per unit; null for the output layer, whose dL/dz the loss gives directly."
    )
    dL_dz: list[float] = Field(description="dL/dz = dL/da × f'(z) per unit.")
    dL_dW: list[list[float]] = Field(description="dL/dW[i][j] = a_prev[i] × dL/dz[j]: fan_in rows x fan_out columns.")
    dL_db: list[float] = Field(description="dL/db = dL/dz.")


class BackpropPenalty(Wire):
    kind: str
    rate: float
    value: float = Field(description="The penalty at the current weights.")
    weight_gradients: list[list[list[float]]] | None = Field(
        description="d(penalty)/dW per layer; null without a penalty. Never included in dL_dW."
    )


class BackpropUpdate(Wire):
    learning_rate: float = Field(description="The session's learning rate now.")
    rule: str
    weights_after: list[list[list[float]]] = Field(description="W − learning_rate × dL_dW, per layer.")
    biases_after: list[list[float]] = Field(description="b − learning_rate × dL_db, per layer.")


class Backprop(Wire):
    features: list[str]
    inputs: list[float] = Field(description="The point's feature values: the first layer's input.")
    target: list[float] = Field(description="What the loss compares with: 0/1, a one-hot row, ±1 (hinge) or a value.")
    loss: float = Field(description="The data loss of this one point (no penalty).")
    loss_name: str
    output_function: str = Field(description="The output's squashing function: linear, sigmoid or softmax.")
    output_gradient: str = Field(description="How the loss gives the output layer's dL/dz.")
    activation: str
    layers: list[BackpropLayer]
    penalty: BackpropPenalty = Field(description="The weight penalty, apart: the gradients above are the data loss's.")
    update: BackpropUpdate = Field(description="One plain gradient step; the session itself is not changed.")

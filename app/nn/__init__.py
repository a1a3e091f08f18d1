"""The NumPy engine: layers, activations, losses, optimizers, schedules, features.

Nothing in this package imports the web side of the application.
"""

from app.nn.activations import ACTIVATIONS, Activation, get_activation
from app.nn.layers import Dense
from app.nn.losses import Loss, make_loss
from app.nn.model import MLP
from app.nn.optimizers import OPTIMIZERS, Optimizer, make_optimizer
from app.nn.schedules import Schedule

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "OPTIMIZERS",
    "Activation",
    "Dense",
    "Loss",
    "Optimizer",
    "Schedule",
    "get_activation",
    "make_loss",
    "make_optimizer",
]

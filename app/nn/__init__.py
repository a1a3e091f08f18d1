"""The NumPy engine: layers, and one table per choice (activations, losses,
optimizers, schedules, regularizers, inits, features), each row carrying its
function(s), label, knobs and code for the exported scripts.

Nothing in this package imports the rest of the application.
"""

from app.nn.activations import ACTIVATIONS, Activation, get_activation
from app.nn.features import FEATURES, Feature
from app.nn.inits import INITS, Init
from app.nn.layers import Dense
from app.nn.losses import HEADS, LOSSES, Head, Loss, LossChoice, make_loss
from app.nn.model import MLP
from app.nn.optimizers import OPTIMIZERS, Optimizer, OptimizerChoice, make_optimizer
from app.nn.regularizers import REGULARIZERS, Regularizer
from app.nn.schedules import SCHEDULES, Schedule, ScheduleChoice

__all__ = [
    "ACTIVATIONS",
    "FEATURES",
    "HEADS",
    "INITS",
    "LOSSES",
    "MLP",
    "OPTIMIZERS",
    "REGULARIZERS",
    "SCHEDULES",
    "Activation",
    "Dense",
    "Feature",
    "Head",
    "Init",
    "Loss",
    "LossChoice",
    "Optimizer",
    "OptimizerChoice",
    "Regularizer",
    "Schedule",
    "ScheduleChoice",
    "get_activation",
    "make_loss",
    "make_optimizer",
]

"""The array type the engine passes around: float64 when training, float32 for maps."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]

"""The 1-D loss landscapes: where descent converges, zig-zags and diverges."""

from __future__ import annotations

import numpy as np
import pytest

from app.nn import landscape
from app.nn.landscape import Kind


def data(kind: Kind) -> tuple[np.ndarray, np.ndarray]:
    return landscape.one_d_data(kind, 100, 0.2, np.random.default_rng(0))


def test_two_over_lambda_max_is_the_linear_bowls_edge() -> None:
    x, y = data("linear")
    edge = landscape.stable_rate("linear", x)
    below = landscape.descend("linear", x, y, (-4.0, -3.0), 0.95 * edge, 400)
    above = landscape.descend("linear", x, y, (-4.0, -3.0), 1.05 * edge, 400)
    assert np.allclose(below[-1, :2], landscape.least_squares(x, y), atol=1e-6)
    assert landscape.uphill_step(below) is None and landscape.turns(below) > 300
    assert landscape.uphill_step(above) is not None and above[-1, 2] > 1e20


def test_a_path_stops_at_the_first_point_outside_the_bounds() -> None:
    x, y = data("linear")
    path = landscape.descend("linear", x, y, (-4.0, -3.0), 1.0, 60, bounds=(-18.0, 18.0, -17.0, 19.0))
    assert len(path) < 61
    inside = (np.abs(path[:-1, 0]) <= 18).all() and (path[:-1, 1] >= -17).all() and (path[:-1, 1] <= 19).all()
    assert inside and not (-18 <= path[-1, 0] <= 18 and -17 <= path[-1, 1] <= 19)
    assert landscape.uphill_step(path) == 1


@pytest.mark.parametrize("kind", ["logistic", "linear"])
def test_below_the_stable_rate_every_step_goes_downhill(kind: Kind) -> None:
    x, y = data(kind)
    path = landscape.descend(kind, x, y, (5.0, -4.0), 0.9 * landscape.stable_rate(kind, x), 200)
    assert (np.diff(path[:, 2]) <= 1e-12).all() and landscape.uphill_step(path) is None


def test_turns_count_the_steps_that_go_back() -> None:
    path = np.array([[0.0, 0.0, 3.0], [1.0, 0.0, 2.0], [0.5, 0.0, 1.0], [0.7, 0.0, 0.5], [0.9, 0.0, 0.4]])
    assert landscape.turns(path) == 2

from __future__ import annotations

import numpy as np
import pytest

from app.nn.features import FEATURES, feature_matrix


def test_feature_values() -> None:
    p = np.array([[2.0, -3.0]])
    got = feature_matrix(list(FEATURES), p)[0]
    assert got == pytest.approx([2.0, -3.0, 4.0, 9.0, -6.0, np.sin(2.0), np.sin(-3.0)])


def test_dtype_is_kept_and_unknown_names_fail() -> None:
    assert feature_matrix(["x1"], np.zeros((3, 2), np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match="unknown features"):
        feature_matrix(["x3"], np.zeros((1, 2)))

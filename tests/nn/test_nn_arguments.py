"""A layer's sizes and settings are checked where the layer is made: one line naming the
layer and the setting (not a ZeroDivisionError from inside the initialisation)."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn

CASES = [
    (lambda: nn.Linear(0, 3), ValueError, "Linear: in_features must be at least 1, got 0"),
    (lambda: nn.Linear(2.5, 3), TypeError, "Linear: in_features must be a whole number, got "
                                           "float 2.5"),
    (lambda: nn.Linear(2, -1), ValueError, "Linear: out_features must be at least 1"),
    (lambda: nn.Linear(True, 2), TypeError, "got bool True"),
    (lambda: nn.Linear("2", 3), TypeError, "got str '2'"),
    (lambda: nn.Maxout(2, 3, 0), ValueError, "Maxout: pieces must be at least 1"),
    (lambda: nn.Maxout(2, 0.5), TypeError, "Maxout: out_features must be a whole number"),
    (lambda: nn.PReLU(0), ValueError, "PReLU: num_parameters must be at least 1"),
    (lambda: nn.PReLU(2.0), TypeError, "PReLU: num_parameters must be a whole number"),
    (lambda: nn.PReLU(init="a"), TypeError, "PReLU: init must be a number"),
    (lambda: nn.Dropout(1.5), ValueError, "Dropout: p (a probability) must be in [0, 1]"),
    (lambda: nn.Dropout("a"), TypeError, "Dropout: p (a probability) must be a number"),
    (lambda: nn.Dropout(float("nan")), ValueError, "must be a finite number"),
    (lambda: nn.BatchNorm1d(0), ValueError, "BatchNorm1d: num_features must be at least 1"),
    (lambda: nn.BatchNorm1d(3, eps=0), ValueError, "BatchNorm1d: eps must be > 0"),
    (lambda: nn.BatchNorm1d(3, momentum=2), ValueError, "BatchNorm1d: momentum must be in"),
    (lambda: nn.LeakyReLU("a"), TypeError, "LeakyReLU: negative_slope must be a number"),
    (lambda: nn.ELU(None), TypeError, "ELU: alpha must be a number"),
    (lambda: nn.RBM(0, 3), ValueError, "RBM: n_visible must be at least 1"),
    (lambda: nn.RBM(3, 3, k=0), ValueError, "RBM: k (Gibbs steps per update) must be"),
]


@pytest.mark.parametrize("make, error, message", CASES, ids=[c[2][:40] for c in CASES])
def test_bad_layer_settings_are_one_line(make, error, message):
    with pytest.raises(error) as raised:
        make()
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_good_settings_are_kept_as_given():
    assert nn.Linear(np.int64(3), 2).in_features == 3
    assert nn.BatchNorm1d(3, momentum=None).momentum is None
    assert nn.Dropout(0).p == 0.0 and nn.LeakyReLU(1).negative_slope == 1.0
    assert nn.Linear(1, 1).weight.shape == (1, 1)

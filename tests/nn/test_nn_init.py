"""nn.init: the spread of each initialiser (std of a 100x100 weight within 5%)."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor

FAN = 100


def weight(shape=(FAN, FAN)):
    return nn.Parameter(np.zeros(shape))


@pytest.mark.parametrize("fill, expected_std", [
    (lambda w: nn.init.normal_(w, std=0.01), 0.01),
    (lambda w: nn.init.normal_(w), 1.0),
    (nn.init.xavier_, 1 / np.sqrt(FAN)),  # the lecture: randn / sqrt(fan_in)
    (nn.init.xavier_normal_, np.sqrt(2 / (FAN + FAN))),  # Glorot
    (nn.init.xavier_uniform_, np.sqrt(2 / (FAN + FAN))),  # same std, uniform
    (nn.init.he_, np.sqrt(2 / FAN)),  # the lecture: randn / sqrt(fan_in / 2)
    (nn.init.kaiming_normal_, np.sqrt(2 / FAN)),
    (nn.init.kaiming_uniform_, np.sqrt(2 / FAN)),
    (lambda w: nn.init.uniform_(w, -1, 1), 1 / np.sqrt(3)),
])
def test_initialiser_std_within_five_percent(fill, expected_std):
    np.random.seed(0)
    w = weight()
    assert fill(w) is w  # in place, returns the tensor
    assert abs(w.data.std() - expected_std) < 0.05 * expected_std
    assert abs(w.data.mean()) < 0.05 * expected_std
    assert w.dtype == np.float32


def test_fans_use_the_out_in_layout():
    w = weight((30, 70))  # (out_features, in_features)
    assert nn.init.calculate_fans(w) == (70, 30)
    np.random.seed(1)
    nn.init.xavier_normal_(nn.init.zeros_(w))
    assert abs(w.data.std() - np.sqrt(2 / 100)) < 0.05 * np.sqrt(2 / 100)
    nn.init.he_(w)
    assert abs(w.data.std() - np.sqrt(2 / 70)) < 0.05 * np.sqrt(2 / 70)


def test_constant_fills():
    w = weight((3, 4))
    assert not nn.init.zeros_(w).data.any()
    np.testing.assert_array_equal(nn.init.ones_(w).data, 1)
    np.testing.assert_array_equal(nn.init.constant_(w, -2.5).data, -2.5)


def test_uniform_bounds_and_generator():
    w = weight((50, 50))
    nn.init.uniform_(w, 2.0, 3.0, generator=np.random.default_rng(0))
    assert w.data.min() >= 2.0 and w.data.max() <= 3.0
    first = w.data.copy()
    nn.init.uniform_(w, 2.0, 3.0, generator=np.random.default_rng(0))
    np.testing.assert_array_equal(w.data, first)


def test_views_see_the_new_values():
    w = weight((4, 4))
    view = w.data[0]
    nn.init.ones_(w)
    np.testing.assert_array_equal(view, 1)


def test_fans_of_a_vector_are_an_error():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        nn.init.xavier_(Tensor(np.zeros(5)))
    with pytest.raises(ValueError, match="mode"):
        nn.init.kaiming_normal_(weight(), mode="fan_avg")


def test_zero_init_makes_every_hidden_unit_identical():
    """The lecture's warning: with all-zero weights the hidden units never differ."""
    model = nn.Sequential(nn.Linear(2, 4, init="zeros"), nn.Sigmoid(),
                          nn.Linear(4, 2, init="zeros"))
    optimizer = optim.SGD(model.parameters(), lr=0.5)
    x = Tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))
    for _ in range(20):
        optimizer.zero_grad()
        F.cross_entropy(model(x), np.array([0, 1, 1, 0])).backward()
        optimizer.step()
    hidden = model[0].weight.data
    np.testing.assert_allclose(hidden, np.repeat(hidden[:1], 4, axis=0))

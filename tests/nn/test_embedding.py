"""nn.Embedding: a lookup through the engine's indexing op, so repeated indices add up
in the gradient; against the one-hot product it stands for, and against PyTorch."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
from tinygrad_edu import Tensor, topo_order


def test_lookup_is_the_one_hot_product_and_repeated_indices_add_their_gradients():
    table = nn.Embedding(5, 3, dtype=np.float64, generator=np.random.default_rng(0))
    indices = np.array([[0, 3, 3], [4, 3, 0]])
    out = table(indices)
    one_hot = np.eye(5)[indices]  # (2, 3, 5)
    np.testing.assert_allclose(out.data, one_hot @ table.weight.data)
    upstream = np.random.default_rng(1).standard_normal((2, 3, 3))
    (out * Tensor(upstream, dtype=np.float64)).sum().backward()
    # ∂L/∂W = one_hotᵀ · upstream: row k sums the upstream rows of every position holding k
    expected = np.einsum("btk,btd->kd", one_hot, upstream)
    np.testing.assert_allclose(table.weight.grad, expected)
    np.testing.assert_allclose(table.weight.grad[3], upstream[0, 1] + upstream[0, 2] +
                               upstream[1, 1])
    assert np.all(table.weight.grad[[1, 2]] == 0)
    assert "index" in {node.op for node in topo_order(out)}


def test_weights_start_from_a_standard_normal():
    weight = nn.Embedding(200, 50, generator=np.random.default_rng(0)).weight.data
    assert weight.shape == (200, 50) and weight.dtype == np.float32
    assert abs(weight.mean()) < 0.02 and abs(weight.std() - 1) < 0.02


def test_whole_number_float_indices_are_accepted():
    table = nn.Embedding(4, 2)
    np.testing.assert_array_equal(table(Tensor([1.0, 3.0])).data, table.weight.data[[1, 3]])


def test_padding_idx_row_starts_at_zero_and_learns_nothing():
    table = nn.Embedding(4, 2, padding_idx=1, dtype=np.float64)
    assert np.all(table.weight.data[1] == 0)
    table.weight.data[1] = [5.0, 6.0]  # changed by hand: the lookup still returns it
    out = table(np.array([1, 2, 1]))
    np.testing.assert_array_equal(out.data[0], [5.0, 6.0])
    out.sum().backward()
    np.testing.assert_array_equal(table.weight.grad, [[0, 0], [0, 0], [1, 1], [0, 0]])
    assert nn.Embedding(4, 2, padding_idx=-1).padding_idx == 3


@pytest.mark.parametrize(("indices", "error", "message"), [
    (np.array([0, 7]), IndexError,
     r"Embedding: index 7 is out of range for num_embeddings = 5 \(indices go from 0 to 4\)"),
    (np.array([[-1, 2]]), IndexError, "Embedding: index -1 is out of range"),
    (np.array([0.5]), TypeError, "Embedding: indices must be whole numbers, got 0.5"),
    (np.array(["a"]), TypeError, "Embedding: indices must be integers"),
])
def test_bad_indices_get_one_line(indices, error, message):
    with pytest.raises(error, match=message):
        nn.Embedding(5, 2)(indices)


def test_bad_sizes_get_one_line():
    with pytest.raises(ValueError, match="num_embeddings must be a positive int"):
        nn.Embedding(0, 2)
    with pytest.raises(ValueError, match="padding_idx 4 is out of range"):
        nn.Embedding(4, 2, padding_idx=4)


def test_embedding_equals_pytorch_with_padding_and_feeds_an_lstm():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    their_table = torch.nn.Embedding(6, 3, padding_idx=0, dtype=torch.float64)
    their_lstm = torch.nn.LSTM(3, 4, dtype=torch.float64)
    table = nn.Embedding(6, 3, padding_idx=0, dtype=np.float64)
    lstm = nn.LSTM(3, 4, dtype=np.float64)
    for ours, theirs in ((table, their_table), (lstm, their_lstm)):
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    tokens = np.array([[1, 2], [0, 2], [5, 5], [2, 0]])  # (sequence, batch): repeats, padding
    out, _ = lstm(table(tokens))
    their_out, _ = their_lstm(their_table(torch.from_numpy(tokens)))
    np.testing.assert_allclose(out.data, their_out.detach().numpy(), rtol=1e-10)
    weights = np.random.default_rng(0).standard_normal(out.shape)
    (out * Tensor(weights, dtype=np.float64)).sum().backward()
    (their_out * torch.from_numpy(weights)).sum().backward()
    np.testing.assert_allclose(table.weight.grad, their_table.weight.grad.numpy(), rtol=1e-9,
                               atol=1e-12)
    assert np.all(table.weight.grad[0] == 0)

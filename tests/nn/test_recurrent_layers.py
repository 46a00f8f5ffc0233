"""RNN, LSTM, GRU and their cells without PyTorch: gradcheck, the unrolled graph (one
product per weight and step, labels by time step), dropout between layers, truncation
with detach, and the one-line errors."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, gradcheck, topo_order
from tinygrad_edu.nn.recurrent import parse_step_label, step_label, time_steps
from tinygrad_edu.nn.recurrent_cells import gate_slices, gru_step, lstm_step, rnn_step

KINDS = ["RNN", "LSTM", "GRU"]
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def leaf(*shape, seed=0, scale=1.0):
    return Tensor(np.random.default_rng(seed).standard_normal(shape) * scale,
                  requires_grad=True, dtype=np.float64)


# ---- gradients against central differences ----


@pytest.mark.parametrize("batch", [(), (2,)])
def test_gradcheck_of_one_step_of_each_cell(batch):
    x, h, c = leaf(*batch, 3, seed=1), leaf(*batch, 2, seed=2), leaf(*batch, 2, seed=3)
    w_ih4, w_hh4 = leaf(8, 3, seed=4, scale=0.7), leaf(8, 2, seed=5, scale=0.7)
    b_ih4, b_hh4 = leaf(8, seed=6), leaf(8, seed=7)
    assert gradcheck(lambda x, h, c, wi, wh, bi, bh: lstm_step(
        F.linear(x, wi, bi), h, c, wh, bh, gate_slices(2, 4))[0], x, h, c, w_ih4, w_hh4,
        b_ih4, b_hh4)
    assert gradcheck(lambda x, h, c, wi, wh, bi, bh: lstm_step(
        F.linear(x, wi, bi), h, c, wh, bh, gate_slices(2, 4))[1], x, h, c, w_ih4, w_hh4,
        b_ih4, b_hh4)
    w_ih3, w_hh3, b_ih3, b_hh3 = leaf(6, 3, seed=8), leaf(6, 2, seed=9), leaf(6, seed=10), \
        leaf(6, seed=11)
    assert gradcheck(lambda x, h, wi, wh, bi, bh: gru_step(
        F.linear(x, wi, bi), h, wh, bh, gate_slices(2, 3)), x, h, w_ih3, w_hh3, b_ih3, b_hh3)
    w_ih1, w_hh1, b_ih1, b_hh1 = leaf(2, 3, seed=12), leaf(2, 2, seed=13), leaf(2, seed=14), \
        leaf(2, seed=15)
    for nonlinearity in ("tanh", "relu"):
        assert gradcheck(lambda x, h, wi, wh, bi, bh, f=nonlinearity: rnn_step(
            F.linear(x, wi, bi), h, wh, bh, f), x, h, w_ih1, w_hh1, b_ih1, b_hh1)


@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck_of_a_stacked_layer_through_every_parameter(kind):
    """Two layers over three steps: ∂(weighted output)/∂(each parameter, input, h0)."""
    layer = getattr(nn, kind)(2, 3, num_layers=2, dtype=np.float64,
                              generator=np.random.default_rng(0))
    names = [name for name, _ in layer.named_parameters()]
    params = [leaf(*p.shape, seed=k) * 0.5 for k, (_, p) in enumerate(layer.named_parameters())]
    params = [Tensor(p.data, requires_grad=True, dtype=np.float64) for p in params]

    def run(x, h0, *weights):
        for name, weight in zip(names, weights, strict=True):
            layer._parameters[name] = weight  # the copies gradcheck perturbs
        hx = (h0, h0 * 0.5) if kind == "LSTM" else h0
        output, _ = layer(x, hx)
        return output

    assert gradcheck(run, leaf(3, 2, 2, seed=20), leaf(2, 2, 3, seed=21), *params)


def test_linear_takes_a_bias_with_a_row_per_input_row():
    """F.linear(h, W, b) with b of the output's shape, as torch.addmm: each row its own."""
    h, weight, rows = leaf(4, 3, seed=1), leaf(5, 3, seed=2), leaf(4, 5, seed=3)
    np.testing.assert_allclose(F.linear(h, weight, rows).data, h.data @ weight.data.T + rows.data)
    assert gradcheck(lambda h, w, b: F.linear(h, w, b), h, weight, rows)
    assert gradcheck(lambda h, w, b: F.linear(h, w, b), leaf(2, 4, 3, seed=4), weight,
                     leaf(5, seed=5))


# ---- the unrolled graph ----


@pytest.mark.parametrize("kind", KINDS)
def test_one_product_per_weight_and_step(kind):
    """W_ih is used once for the whole sequence (all input projections in one product),
    W_hh once per step: T steps, T products with W_hh."""
    layer = getattr(nn, kind)(3, 4)
    output, _ = layer(np.ones((6, 2, 3), np.float32))
    order = topo_order(output.sum())
    uses = {name: sum(1 for node in order for parent in node.parents if parent is p)
            for name, p in layer.named_parameters()}
    assert uses["weight_ih_l0"] == 1 and uses["weight_hh_l0"] == 6
    products = [node for node in order if node.op in ("linear", "@")]
    assert len(products) == 7


def test_every_node_of_a_step_is_labelled_with_its_time_step():
    layer = nn.LSTM(2, 3, num_layers=2)
    output, (h_n, c_n) = layer(np.ones((4, 1, 2), np.float32))
    loss = output.sum() + c_n.sum()
    order = topo_order(loss)
    labels = {node.label for node in order}
    for t in range(1, 5):
        for name in "hcifgo":
            assert step_label(name, t, 1, 2) in labels
    assert {"h_0_l0", "c_0_l1", "h_1_l0", "wx_4_l1", "c_n"} <= labels
    steps = time_steps(order)
    per_step: dict = {}
    for node, step in zip(order, steps, strict=True):
        if step is not None and step[0] > 0:
            per_step.setdefault(step, []).append(node.op)
    # the same ops in every step box of every layer
    assert len(per_step) == 8
    contents = {tuple(sorted(ops)) for ops in per_step.values()}
    assert len(contents) == 1
    assert sorted(next(iter(contents))) == sorted(
        ["index"] * 5 + ["linear", "+", "sigmoid", "sigmoid", "sigmoid", "tanh", "tanh",
                         "*", "*", "*"])
    position = {id(node): k for k, node in enumerate(order)}
    assert all(steps[position[id(p)]] is None for p in layer.parameters())  # every step's


def test_step_labels_round_trip():
    assert parse_step_label(step_label("h", 3)) == ("h", 3, 0)
    assert parse_step_label(step_label("c", 12, 1, 2)) == ("c", 12, 1)
    assert parse_step_label("loss") is None and parse_step_label("") is None
    assert parse_step_label("h_n") is None and parse_step_label("wx_l1") is None


def test_detach_cuts_the_gradient_at_the_truncation():
    """Truncated BPTT: the second chunk starts from a detached state, so no gradient
    of its loss reaches the first chunk's input."""
    layer = nn.RNN(2, 3, dtype=np.float64)
    first, second = leaf(4, 1, 2, seed=1), leaf(4, 1, 2, seed=2)
    _, h = layer(first)
    output, _ = layer(second, h.detach())
    output.sum().backward()
    assert first.grad is None and second.grad is not None
    assert np.abs(second.grad).sum() > 0
    connected = leaf(4, 1, 2, seed=3)
    _, h = layer(connected)
    layer(second, h)[0].sum().backward()
    assert np.abs(connected.grad).sum() > 0


def test_dropout_acts_between_layers_while_training_only():
    layer = nn.GRU(3, 5, num_layers=2, dropout=0.5)
    plain = nn.GRU(3, 5, num_layers=2)
    plain.load_state_dict(layer.state_dict())
    x = np.random.default_rng(0).standard_normal((4, 2, 3)).astype(np.float32)
    np.random.seed(0)
    trained = layer(x)[0].data
    assert not np.allclose(trained, plain(x)[0].data)
    layer.eval()
    np.testing.assert_array_equal(layer(x)[0].data, plain(x)[0].data)
    one = nn.GRU(3, 5, dropout=0.5)  # one layer: nothing between layers to drop
    one_plain = nn.GRU(3, 5)
    one_plain.load_state_dict(one.state_dict())
    np.testing.assert_array_equal(one(x)[0].data, one_plain(x)[0].data)


@pytest.mark.parametrize("kind", KINDS)
def test_shapes_batched_batch_first_and_unbatched(kind):
    layer = getattr(nn, kind)(3, 4, num_layers=2)
    out, state = layer(np.zeros((5, 2, 3), np.float32))
    h_n = state[0] if kind == "LSTM" else state
    assert out.shape == (5, 2, 4) and h_n.shape == (2, 2, 4)
    first = getattr(nn, kind)(3, 4, num_layers=2, batch_first=True)
    out, state = first(np.zeros((2, 5, 3), np.float32))
    h_n = state[0] if kind == "LSTM" else state
    assert out.shape == (2, 5, 4) and h_n.shape == (2, 2, 4)
    out, state = layer(np.zeros((5, 3), np.float32))
    h_n = state[0] if kind == "LSTM" else state
    assert out.shape == (5, 4) and h_n.shape == (2, 4)


def test_parameters_of_a_stacked_layer_have_pytorchs_names_and_shapes():
    layer = nn.LSTM(3, 5, num_layers=2, bias=False)
    assert {name: p.shape for name, p in layer.named_parameters()} == {
        "weight_ih_l0": (20, 3), "weight_hh_l0": (20, 5),
        "weight_ih_l1": (20, 5), "weight_hh_l1": (20, 5)}
    cell = nn.GRUCell(3, 5)
    assert [name for name, _ in cell.named_parameters()] == [
        "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert [len(weights) for weights in nn.RNN(2, 2, num_layers=3).all_weights] == [4, 4, 4]
    assert repr(nn.GRU(2, 3, num_layers=2, batch_first=True)) == \
        "GRU(2, 3, num_layers=2, batch_first=True)"


def test_the_same_generator_gives_the_same_weights_and_dtype_is_kept():
    a = nn.LSTM(2, 3, generator=np.random.default_rng(7), dtype=np.float64)
    b = nn.LSTM(2, 3, generator=np.random.default_rng(7), dtype=np.float64)
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)
        assert p.dtype == np.float64
    out, (h, c) = a(np.ones((2, 1, 2)))
    assert out.dtype == h.dtype == c.dtype == np.float64


# ---- errors: one line that says what is wrong ----


@pytest.mark.parametrize(("make", "call", "message"), [
    (lambda: nn.LSTM(4, 3), lambda m: m(np.zeros((2, 1, 5))),
     "LSTM: input has 5 features but input_size is 4"),
    (lambda: nn.LSTM(4, 3), lambda m: m(np.zeros((2, 2, 4)), (np.zeros((1, 3, 3)),
                                                              np.zeros((1, 2, 3)))),
     r"LSTM: h0 has shape \(1, 3, 3\) but expected \(1, 2, 3\) = \(num_layers, batch, "
     r"hidden_size\)"),
    (lambda: nn.LSTM(4, 3), lambda m: m(np.zeros((2, 2, 4)), (np.zeros((1, 2, 3)),
                                                              np.zeros((2, 2, 3)))),
     r"LSTM: c0 has shape \(2, 2, 3\) but expected \(1, 2, 3\)"),
    (lambda: nn.GRU(4, 3, num_layers=2), lambda m: m(np.zeros((2, 4)), np.zeros((2, 1, 3))),
     r"GRU: h0 has shape \(2, 1, 3\) but expected \(2, 3\) = \(num_layers, hidden_size\)"),
    (lambda: nn.RNN(4, 3), lambda m: m(np.zeros(4)),
     r"RNN: input must have 3 dimensions \(sequence, batch, features\) or 2"),
    (lambda: nn.RNN(4, 3, batch_first=True), lambda m: m(np.zeros((1, 1, 1, 4))),
     r"\(batch, sequence, features\)"),
    (lambda: nn.RNN(4, 3), lambda m: m(np.zeros((0, 2, 4))), "the input sequence is empty"),
    (lambda: nn.LSTMCell(4, 3), lambda m: m(np.zeros((2, 4)), np.zeros((2, 3))),
     r"LSTMCell: hx must be a pair \(h, c\)"),
    (lambda: nn.RNNCell(4, 3), lambda m: m(np.zeros((2, 4)), np.zeros((3, 3))),
     r"RNNCell: hx has shape \(3, 3\) but expected \(2, 3\) = \(batch, hidden_size\)"),
    (lambda: nn.GRUCell(4, 3), lambda m: m(np.zeros((1, 2, 4))),
     "GRUCell: input must have 2 dimensions"),
    (lambda: nn.GRUCell(4, 3), lambda m: m(np.zeros((2, 3))),
     "GRUCell: input has 3 features but input_size is 4"),
])
def test_bad_input_gets_one_line(make, call, message):
    module = make()
    before = {name: p.data.copy() for name, p in module.named_parameters()}
    with pytest.raises((ValueError, TypeError), match=message) as error:
        call(module)
    assert "\n" not in str(error.value)
    for name, p in module.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])


@pytest.mark.parametrize(("make", "message"), [
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), "nonlinearity must be 'tanh' or 'relu'"),
    (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), "nonlinearity must be 'tanh' or 'relu'"),
    (lambda: nn.LSTM(3, 0), "hidden_size must be a positive int, got 0"),
    (lambda: nn.GRU(0, 3), "input_size must be a positive int"),
    (lambda: nn.LSTM(3, 4, num_layers=0), "num_layers must be a positive int"),
    (lambda: nn.GRU(3, 4, dropout=1.5), r"dropout must be a probability in \[0, 1\]"),
    (lambda: nn.LSTM(3, 4, bidirectional=True), "bidirectional=True is not supported"),
])
def test_bad_settings_get_one_line(make, message):
    with pytest.raises(ValueError, match=message):
        make()

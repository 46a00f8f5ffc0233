"""RNN, LSTM and GRU (layers and cells) against PyTorch in float64, with the state dict
copied from PyTorch: outputs, final states, and the gradients of every parameter, of the
input and of the initial state, over hypothesis-drawn sizes, sequence lengths, layers,
batch_first, unbatched input and initial states."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu.nn as nn
from tinygrad_edu import Tensor

torch = pytest.importorskip("torch")

KINDS = ["RNN", "LSTM", "GRU"]


def copy_from_torch(ours, theirs) -> None:
    """Load PyTorch's state dict into our module (PyTorch's names are ours)."""
    ours.load_state_dict({name: value.detach().numpy() for name, value in
                          theirs.state_dict().items()})


def weighted_sum(outputs, weights, library):
    """Σ w ⊙ y over several outputs, so every element gets its own gradient."""
    total = 0
    for output, weight in zip(outputs, weights, strict=True):
        weight = torch.tensor(weight) if library is torch else Tensor(weight, dtype=np.float64)
        total = total + (output * weight).sum()
    return total


def assert_close(ours, theirs, what: str) -> None:
    np.testing.assert_allclose(np.asarray(ours), theirs.detach().numpy(), rtol=1e-9,
                               atol=1e-11, err_msg=what)


@st.composite
def recurrent_cases(draw):
    kind = draw(st.sampled_from(KINDS))
    return {
        "kind": kind,
        "input_size": draw(st.integers(1, 4)),
        "hidden_size": draw(st.integers(1, 4)),
        "num_layers": draw(st.integers(1, 3)),
        "length": draw(st.integers(1, 5)),
        "batch": draw(st.sampled_from([None, 1, 2, 3])),  # None: one unbatched sequence
        "batch_first": draw(st.booleans()),
        "bias": draw(st.booleans()),
        "initial_state": draw(st.booleans()),
        "relu": kind == "RNN" and draw(st.booleans()),
        "seed": draw(st.integers(0, 2 ** 16)),
    }


@given(recurrent_cases())
def test_layers_equal_pytorch_in_outputs_states_and_every_gradient(case):
    rng = np.random.default_rng(case["seed"])
    options = {"num_layers": case["num_layers"], "bias": case["bias"],
               "batch_first": case["batch_first"]}
    if case["relu"]:
        options["nonlinearity"] = "relu"
    torch.manual_seed(case["seed"])
    theirs = getattr(torch.nn, case["kind"])(case["input_size"], case["hidden_size"],
                                            dtype=torch.float64, **options)
    ours = getattr(nn, case["kind"])(case["input_size"], case["hidden_size"],
                                     dtype=np.float64, **options)
    copy_from_torch(ours, theirs)
    assert [name for name, _ in ours.named_parameters()] == \
        [name for name, _ in theirs.named_parameters()]

    batched = case["batch"] is not None
    if not batched:
        x_shape = (case["length"], case["input_size"])
    elif case["batch_first"]:
        x_shape = (case["batch"], case["length"], case["input_size"])
    else:
        x_shape = (case["length"], case["batch"], case["input_size"])
    state_shape = (case["num_layers"],) + ((case["batch"],) if batched else ()) + (
        case["hidden_size"],)
    x = rng.standard_normal(x_shape)
    states = [rng.standard_normal(state_shape) for _ in range(2 if case["kind"] == "LSTM" else 1)]

    def run(library, module):
        def leaf(array):
            if library is torch:
                return torch.tensor(array, requires_grad=True)
            return Tensor(array, requires_grad=True, dtype=np.float64)

        inputs = [leaf(x)] + ([leaf(s) for s in states] if case["initial_state"] else [])
        if not case["initial_state"]:
            hx = None
        elif case["kind"] == "LSTM":
            hx = (inputs[1], inputs[2])
        else:
            hx = inputs[1]
        output, final = module(inputs[0], hx)
        finals = list(final) if case["kind"] == "LSTM" else [final]
        return inputs, [output] + finals

    our_inputs, our_outputs = run(None, ours)
    their_inputs, their_outputs = run(torch, theirs)
    weights = [rng.standard_normal(tuple(out.shape)) for out in their_outputs]
    for mine, reference, name in zip(our_outputs, their_outputs, ["output", "h_n", "c_n"],
                                     strict=False):
        assert mine.shape == tuple(reference.shape), name
        assert_close(mine.data, reference, name)
    weighted_sum(our_outputs, weights, None).backward()
    weighted_sum(their_outputs, weights, torch).backward()
    for (name, mine), (_, reference) in zip(ours.named_parameters(), theirs.named_parameters(),
                                            strict=True):
        assert_close(mine.grad, reference.grad, f"∂L/∂{name}")
    for position, (mine, reference) in enumerate(zip(our_inputs, their_inputs, strict=True)):
        assert_close(mine.grad, reference.grad, f"∂L/∂input {position}")


@st.composite
def cell_cases(draw):
    return {
        "kind": draw(st.sampled_from(["RNNCell", "LSTMCell", "GRUCell"])),
        "input_size": draw(st.integers(1, 4)),
        "hidden_size": draw(st.integers(1, 4)),
        "batch": draw(st.sampled_from([None, 1, 3])),
        "bias": draw(st.booleans()),
        "given_state": draw(st.booleans()),
        "seed": draw(st.integers(0, 2 ** 16)),
    }


@given(cell_cases())
def test_cells_equal_pytorch_over_several_steps(case):
    """Three steps of a cell, the state fed back as a learner's loop would."""
    rng = np.random.default_rng(case["seed"])
    torch.manual_seed(case["seed"])
    size = case["input_size"], case["hidden_size"]
    theirs = getattr(torch.nn, case["kind"])(*size, bias=case["bias"], dtype=torch.float64)
    ours = getattr(nn, case["kind"])(*size, bias=case["bias"], dtype=np.float64)
    copy_from_torch(ours, theirs)
    lead = () if case["batch"] is None else (case["batch"],)
    xs = [rng.standard_normal(lead + (case["input_size"],)) for _ in range(3)]
    state = [rng.standard_normal(lead + (case["hidden_size"],))
             for _ in range(2 if case["kind"] == "LSTMCell" else 1)]
    weights = [rng.standard_normal(lead + (case["hidden_size"],)) for _ in range(3)]

    def run(make):
        leaves = [make(array) for array in xs + (state if case["given_state"] else [])]
        module = theirs if make is torch_leaf else ours
        hx = None
        if case["given_state"]:
            hx = tuple(leaves[3:]) if case["kind"] == "LSTMCell" else leaves[3]
        hs = []
        for x in leaves[:3]:
            hx = module(x, hx)
            hs.append(hx[0] if case["kind"] == "LSTMCell" else hx)
        return leaves, hs

    our_leaves, our_hs = run(our_leaf)
    their_leaves, their_hs = run(torch_leaf)
    for mine, reference in zip(our_hs, their_hs, strict=True):
        assert_close(mine.data, reference, "h")
    weighted_sum(our_hs, weights, None).backward()
    weighted_sum(their_hs, weights, torch).backward()
    for (name, mine), (_, reference) in zip(ours.named_parameters(), theirs.named_parameters(),
                                            strict=True):
        assert_close(mine.grad, reference.grad, f"∂L/∂{name}")
    for mine, reference in zip(our_leaves, their_leaves, strict=True):
        assert_close(mine.grad, reference.grad, "∂L/∂input")


def our_leaf(array):
    return Tensor(array, requires_grad=True, dtype=np.float64)


def torch_leaf(array):
    return torch.tensor(array, requires_grad=True)


@pytest.mark.parametrize("kind", KINDS)
def test_float32_layers_agree_with_pytorch_float32(kind):
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(5, 6, num_layers=2)
    ours = getattr(nn, kind)(5, 6, num_layers=2)
    copy_from_torch(ours, theirs)
    x = np.random.default_rng(0).standard_normal((7, 3, 5)).astype(np.float32)
    mine, _ = ours(x)
    reference, _ = theirs(torch.from_numpy(x))
    assert mine.dtype == np.float32
    np.testing.assert_allclose(mine.data, reference.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_the_default_initialisation_is_pytorchs(kind):
    """Every parameter from U(-1/√hidden, 1/√hidden), each with PyTorch's shape."""
    ours = getattr(nn, kind)(3, 16, num_layers=2, generator=np.random.default_rng(0))
    theirs = getattr(torch.nn, kind)(3, 16, num_layers=2)
    for (name, mine), (their_name, reference) in zip(ours.named_parameters(),
                                                     theirs.named_parameters(), strict=True):
        assert name == their_name and mine.shape == tuple(reference.shape)
        bound = 1 / np.sqrt(16)
        assert np.abs(mine.data).max() <= bound and np.abs(mine.data).max() > 0.8 * bound
        assert abs(float(mine.data.mean())) < 0.1 * bound * 4  # centred, not all positive

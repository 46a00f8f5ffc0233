"""`grad()` where PyTorch works: the upstream may arrive as a Tensor/Value or as an
array/number, with or without ``create_graph``, and every rule runs the same; a piecewise
rule's gradient graph stays connected to its inputs, so second derivatives through relu,
elu, abs, max, clip, where, ... are 0 on each piece (PyTorch float64 as the oracle)."""

import numpy as np
import pytest

import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, Value, cross_entropy, grad, where

POINTS = np.array([-1.5, -0.3, 0.4, 2.0])
OTHERS = np.array([0.0, -0.8, 1.0, 1.5])  # no ties with POINTS


def leaf(data):
    return Tensor(np.asarray(data, dtype=np.float64), requires_grad=True, dtype=np.float64)


# ---- the upstream, whichever way it arrives ----

LOSSES = {
    "cross_entropy": (lambda x: cross_entropy(x, [1, 2]),
                      lambda torch, x: torch.nn.functional.cross_entropy(x, torch.tensor([1, 2]))),
    "cross_entropy soft": (
        lambda x: cross_entropy(x, np.full((2, 3), 1 / 3)),
        lambda torch, x: torch.nn.functional.cross_entropy(x, torch.full((2, 3), 1 / 3,
                                                                          dtype=torch.float64))),
    "bce": (lambda x: F.binary_cross_entropy(x.sigmoid(), np.full((2, 3), 0.25)),
            lambda torch, x: torch.nn.functional.binary_cross_entropy(
                x.sigmoid(), torch.full((2, 3), 0.25, dtype=torch.float64))),
    "bce logits": (lambda x: F.binary_cross_entropy_with_logits(x, np.full((2, 3), 0.25)),
                   lambda torch, x: torch.nn.functional.binary_cross_entropy_with_logits(
                       x, torch.full((2, 3), 0.25, dtype=torch.float64))),
    "mse": (lambda x: F.mse_loss(x, np.zeros((2, 3))),
            lambda torch, x: torch.nn.functional.mse_loss(x, torch.zeros(2, 3,
                                                                         dtype=torch.float64))),
    "linear": (lambda x: F.linear(x, Tensor(np.ones((2, 3)), dtype=np.float64)).sum(),
               lambda torch, x: torch.nn.functional.linear(
                   x, torch.ones(2, 3, dtype=torch.float64)).sum()),
}


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("weight_kind", ["Tensor", "array", "number"])
def test_grad_outputs_of_any_kind_give_pytorchs_gradient(name, create_graph, weight_kind):
    torch = pytest.importorskip("torch")
    ours, theirs = LOSSES[name]
    data = np.random.default_rng(0).normal(size=(2, 3))
    x = leaf(data)
    weight = {"Tensor": Tensor(2.5, dtype=np.float64), "array": np.array(2.5),
              "number": 2.5}[weight_kind]
    (got,) = grad(ours(x), x, grad_outputs=weight, create_graph=create_graph)
    assert isinstance(got, Tensor) and (create_graph or not got.requires_grad)
    xt = torch.tensor(data, requires_grad=True)
    (expected,) = torch.autograd.grad(theirs(torch, xt), xt,
                                      grad_outputs=torch.tensor(2.5, dtype=torch.float64))
    np.testing.assert_allclose(got.data, expected.numpy(), rtol=1e-12, atol=1e-15)


def test_a_value_upstream_given_as_a_value_or_a_number():
    x = Value(1.5)
    for weight in (Value(3.0), 3.0, 3):
        (got,) = grad(x.tanh() * x, x, grad_outputs=weight)
        (with_graph,) = grad(x.tanh() * x, x, grad_outputs=weight, create_graph=True)
        assert got.data == pytest.approx(3.0 * (np.tanh(1.5) + 1.5 * (1 - np.tanh(1.5) ** 2)))
        assert with_graph.data == pytest.approx(got.data)


@pytest.mark.parametrize("call, message", [
    (lambda x, t: grad(0, x), "grad: outputs must be a Value or Tensor (or a list of them), "
                              "got int 0"),
    (lambda x, t: grad(x * x, 3.0), "grad: inputs must be a Value or Tensor"),
    (lambda x, t: grad(x * x, x, grad_outputs="a"), "must be a number or a Value, got str"),
    (lambda x, t: grad(t * 2, t, grad_outputs="abc"), "data must be numbers, got str"),
    (lambda x, t: grad(t * 2, t, grad_outputs=Value(1.0)), "must be a Tensor or an array"),
    (lambda x, t: grad(t * 2, t, grad_outputs=np.ones(3)), "grad has shape (3,)"),
])
def test_grad_refuses_what_is_not_a_graph_in_one_line(call, message):
    with pytest.raises((TypeError, ValueError)) as error:
        call(Value(1.0), leaf([[1.0, 2.0]]))
    text = str(error.value)
    assert message in text and "\n" not in text


# ---- piecewise rules stay connected: second derivatives are 0 on each piece ----

# name: (ours, PyTorch's, takes a second input)
PIECEWISE = {
    "relu": (lambda x: x.relu(), lambda torch, x: x.relu(), False),
    "leaky_relu": (lambda x: x.leaky_relu(0.1),
                   lambda torch, x: torch.nn.functional.leaky_relu(x, 0.1), False),
    "elu": (lambda x: x.elu(0.7), lambda torch, x: torch.nn.functional.elu(x, 0.7), False),
    "abs": (lambda x: x.abs(), lambda torch, x: x.abs(), False),
    "clip": (lambda x: x.clip(-1.0, 1.0), lambda torch, x: x.clamp(-1.0, 1.0), False),
    "max": (lambda x: x.max(), lambda torch, x: x.amax(), False),
    "min axis": (lambda x: x.reshape(2, 2).min(0), lambda torch, x: x.reshape(2, 2).amin(0),
                 False),
    "maximum": (lambda x, y: x.maximum(y), lambda torch, x, y: torch.maximum(x, y), True),
    "minimum": (lambda x, y: x.minimum(y), lambda torch, x, y: torch.minimum(x, y), True),
    "where": (lambda x, y: where(x.data > 0, x, y), lambda torch, x, y: torch.where(x > 0, x, y),
              True),
    "prelu": (lambda x: F.prelu(x, Tensor([0.25], requires_grad=True, dtype=np.float64)),
              lambda torch, x: torch.nn.functional.prelu(
                  x, torch.tensor([0.25], dtype=torch.float64, requires_grad=True)), False),
    "relu times x": (lambda x: x.relu() * x, lambda torch, x: x.relu() * x, False),
    "elu times x": (lambda x: x.elu() * x, lambda torch, x: torch.nn.functional.elu(x) * x,
                    False),
}


def _second(fn, *inputs):
    (first,) = grad(fn(*inputs).sum(), inputs[0], create_graph=True)
    (second,) = grad(first.sum(), inputs[0])
    return second


@pytest.mark.parametrize("name", PIECEWISE)
def test_second_derivatives_through_piecewise_ops_agree_with_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs, two = PIECEWISE[name]
    inputs = [leaf(POINTS)] + ([leaf(OTHERS)] if two else [])
    got = _second(ours, *inputs).data
    torch_inputs = [torch.tensor(POINTS, requires_grad=True)] + (
        [torch.tensor(OTHERS, requires_grad=True)] if two else [])
    (first,) = torch.autograd.grad(theirs(torch, *torch_inputs).sum(), torch_inputs[0],
                                   create_graph=True)
    if first.requires_grad:  # PyTorch keeps the graph: the numbers must agree
        (expected,) = torch.autograd.grad(first.sum(), torch_inputs[0])
        np.testing.assert_allclose(got, expected.detach().clone().numpy(force=True), rtol=1e-12,
                                   atol=0)
    else:  # PyTorch refuses ("does not require grad"); on each piece the answer is 0
        with pytest.raises(RuntimeError):
            torch.autograd.grad(first.sum(), torch_inputs[0])
        np.testing.assert_array_equal(got, np.zeros_like(POINTS))


@pytest.mark.parametrize("point", [-0.5, 0.7])
@pytest.mark.parametrize("name, fn", [
    ("relu", lambda v: v.relu()), ("leaky_relu", lambda v: v.leaky_relu(0.1)),
    ("elu", lambda v: v.elu()), ("abs", lambda v: v.abs()),
    ("max", lambda v: v.max(Value(0.1))), ("min", lambda v: v.min(Value(0.1))),
    ("relu times x", lambda v: v.relu() * v), ("elu times x", lambda v: v.elu() * v)])
def test_value_second_derivatives_through_piecewise_ops_agree_with_pytorch(name, fn, point):
    torch = pytest.importorskip("torch")
    x = Value(point)
    (first,) = grad(fn(x), x, create_graph=True)
    (second,) = grad(first, x)
    torch_fn = {"relu": torch.relu, "abs": torch.abs, "elu": torch.nn.functional.elu,
                "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.1),
                "max": lambda t: torch.maximum(t, torch.tensor(0.1, dtype=torch.float64)),
                "min": lambda t: torch.minimum(t, torch.tensor(0.1, dtype=torch.float64)),
                "relu times x": lambda t: torch.relu(t) * t,
                "elu times x": lambda t: torch.nn.functional.elu(t) * t}[name]
    xt = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    (first_t,) = torch.autograd.grad(torch_fn(xt), xt, create_graph=True)
    expected = (torch.autograd.grad(first_t, xt)[0].item() if first_t.requires_grad else 0.0)
    assert second.data == pytest.approx(expected, abs=1e-12)
    assert first.data == pytest.approx(first_t.item(), abs=1e-12)


def test_the_third_derivative_through_relu_is_zero_too():
    x = leaf(POINTS)
    (first,) = grad((x.relu() * x * x).sum(), x, create_graph=True)
    (second,) = grad(first.sum(), x, create_graph=True)
    (third,) = grad(second.sum(), x)
    # x²·relu(x): 3x² then 6x then 6 where x > 0, and 0 elsewhere
    np.testing.assert_allclose(third.data, np.where(POINTS > 0, 6.0, 0.0))

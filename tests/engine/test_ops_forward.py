"""Every declared op has a pure forward: ``spec.forward(node.args, *parent data)``
recomputes ``node.data`` from the parents' numbers alone (what `viz`'s gradient check
replays), and a built-in declaration without one fails here."""

import math

import numpy as np
import pytest

from tinygrad_edu import Tensor, Value, cat, cross_entropy, grad, ops, stack, topo_order, where
from tinygrad_edu.nn import functional as F

SEEDS = (0, 1, 2)


def leaf(data, requires_grad=True):
    return Tensor(np.asarray(data, dtype=np.float64), requires_grad=requires_grad,
                  dtype=np.float64)


def value_results(rng):
    a, b = Value(rng.uniform(0.2, 2.0)), Value(rng.uniform(-2.0, 2.0))
    return [a + b, a - b, a * b, a / b, -a, a ** 2.5, a ** b, a.exp(), a.log(),
            a.reciprocal(), a.sqrt(), b.sin(), b.cos(), b.tanh(), b.sigmoid(), b.relu(),
            b.leaky_relu(0.1), b.elu(0.7), b.abs(), a.max(b), a.min(b), b.max(a), b.min(a)]


def tensor_results(rng):
    x, y = leaf(rng.uniform(0.5, 2, (2, 3))), leaf(rng.standard_normal((2, 3)))
    m, w, bias = leaf(rng.standard_normal((3, 2))), leaf(rng.standard_normal((4, 3))), \
        leaf(rng.standard_normal(4))
    slopes = leaf(rng.uniform(0, 0.5, 3))
    labels = rng.integers(0, 3, 2)
    soft = leaf(rng.dirichlet(np.ones(3), 2))
    p = leaf(rng.uniform(0.05, 0.95, (2, 3)))
    target = rng.uniform(0, 1, (2, 3))
    results = [x + y, x - y, x * y, x / y, -x, x ** 2, x ** y, x @ m, x * 2, 3 - x,
               x.exp(), x.log(), x.sqrt(), y.abs(), y.tanh(), y.sigmoid(), y.relu(),
               y.leaky_relu(0.2), y.elu(0.5), y.sin(), y.cos(), x.log1p(), y.expm1(),
               y.softplus(), y.silu(), y.gelu(), x.maximum(y), x.minimum(y),
               y.clip(-0.5, 0.5), y.clip(min=0.0), y.sum(), y.sum(1, keepdims=True),
               y.mean(0), y.max(1), y.min(), y.var(), y.var(0, correction=0),
               y.logsumexp(1), y.softmax(), y.log_softmax(0), y.reshape(3, 2), y.T,
               y.permute(1, 0), y.expand(4, 2, 3), y.flip(), y.pad(1), y.pad(((0, 1), (2, 0)), 5.0),
               y[0], y[[0, 0, 1]], y[:, 1:], cat([x, y], 1), stack([x, y]),
               where(y.data > 0, x, y), F.linear(x, w), F.linear(x, w, bias),
               F.prelu(y, slopes), F.prelu(y, leaf([0.25])),
               cross_entropy(y, labels), cross_entropy(y, labels, reduction="none"),
               cross_entropy(y[0], labels[:1], reduction="sum"), cross_entropy(y, soft.data),
               cross_entropy(y, soft), F.binary_cross_entropy(p, target),
               F.binary_cross_entropy(p, leaf(target), reduction="sum"),
               F.binary_cross_entropy_with_logits(y, target, reduction="none"),
               F.binary_cross_entropy_with_logits(y, leaf(target))]
    images = leaf(rng.standard_normal((2, 3, 5, 4)))
    kernels, kernel_bias = leaf(rng.standard_normal((2, 3, 2, 3))), leaf(rng.standard_normal(2))
    results += [F.conv2d(images, kernels), F.conv2d(images, kernels, kernel_bias, 2, 1, (2, 1)),
                F.unfold(images, 2, padding=1, stride=(1, 2)),
                F.fold(leaf(rng.standard_normal((2, 12, 6))), (4, 6), 2, stride=2),
                F.max_pool2d(images, 2), F.max_pool2d(images, 3, 1, 1, dilation=(1, 2)),
                F.avg_pool2d(images, (2, 1)), F.avg_pool2d(images, 3, 2, 1)]
    # index_grad is made by the backward pass of an index, when it is recorded
    (gradient,) = grad((y[[0, 0]] * y[[0, 0]]).sum(), y, create_graph=True)
    results += [node for node in topo_order(gradient) if node.op == "index_grad"]
    # piecewise is made by the graph pass of a piecewise rule (relu's step, abs's sign)
    (gradient,) = grad((y.relu() + y.abs()).sum(), y, create_graph=True)
    results += [node for node in topo_order(gradient) if node.op == "piecewise"]
    return results


def results(seed):
    rng = np.random.default_rng(seed)
    return value_results(rng) + tensor_results(rng)


def built_in_specs():
    """The declarations of the package itself (a test or a guide's example may add its own)."""
    return [spec for spec in ops.specs() if (spec.rule.__module__ or "").startswith("tinygrad_edu")]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_forward_recomputes_the_nodes_data_from_its_parents(seed):
    for node in results(seed):
        spec = ops.spec_of(node)
        parents = [p.data for p in node.parents]
        before = [np.copy(p) for p in parents]
        data = spec.forward(node.args, *parents)
        if isinstance(node, Value):
            assert type(data) is float and data == node.data, (node.op, data, node.data)
        else:
            assert np.shape(data) == node.data.shape, node.op
            np.testing.assert_allclose(data, node.data, rtol=1e-12, atol=0, err_msg=node.op)
        for old, new in zip(before, parents, strict=True):  # a pure function: no parent changed
            np.testing.assert_array_equal(old, new)


def test_the_examples_above_cover_every_built_in_declaration():
    # by rule, not name: both engines declare "+", "exp", "maximum", ... with one text
    covered = {ops.spec_of(node).rule for node in results(0)}
    missing = {f"{spec.name} ({spec.rule.__module__})" for spec in built_in_specs()
               if spec.rule not in covered}
    assert not missing, f"add an example of {sorted(missing)} to tensor_results/value_results"


def test_every_built_in_declaration_has_a_forward():
    # none is allowed to go without: viz's gradient check replays each op by its forward
    without = sorted(spec.name for spec in built_in_specs() if spec.forward is None)
    assert not without, f"declare these with forward=: {without}"
    assert len(built_in_specs()) >= 60


def test_a_forward_recomputes_the_output_of_new_inputs():
    # not a stored copy of node.data: other parents' numbers give other results
    x = leaf([[1.0, -2.0, 0.5]])
    spec = ops.spec_of(x.logsumexp(1))
    moved = spec.forward(((1,), False), np.array([[0.0, 0.0, 0.0]]))
    np.testing.assert_allclose(moved, [math.log(3.0)])
    loss = cross_entropy(x, [2])
    np.testing.assert_allclose(ops.spec_of(loss).forward(loss.args, np.zeros((1, 3))),
                               math.log(3.0))
    assert ops.spec_of(Value(2.0) ** 3).forward((3.0,), 4.0) == 64.0


def test_a_learners_op_may_declare_no_forward():
    @ops.declare("twice_no_forward", symbol="2x", math="d(2a)/da = 2", local=("2",))
    def twice_rule(node, upstream):
        return (upstream * 2,)

    node = ops.apply(twice_rule, 4.0, (Value(2.0),))
    assert node.data == 4.0 and ops.spec_of(node).forward is None


def test_a_forward_that_is_not_a_function_is_refused_in_one_line():
    with pytest.raises(TypeError, match=r"declare: twice: forward= must be a function "
                                         r"forward\(args, \*parent_data\) -> data, got str"):
        ops.declare("twice", symbol="2x", math="d(2a)/da = 2", local=("2",), forward="2*x")
    assert all(spec.name != "twice" for spec in ops.specs())  # nothing was registered

"""Second derivatives of every declared op, on both engines: `gradgradcheck` (central
differences of the first derivative) on hypothesis-drawn broadcastable shapes and values
from each op's safe domain, and PyTorch's second derivatives as the oracle.

Every op in `tinygrad_edu.ops.specs()` must have a case here (a new op without one
fails `test_every_declared_op_has_a_second_order_case`). Each case squares the op's
result, so that the check sees both terms of the chain rule, f''·g'² and f'·g''.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu.nn.functional as F
from tinygrad_edu import (
    GradcheckError,
    Tensor,
    Value,
    cat,
    cross_entropy,
    grad,
    gradgradcheck,
    ops,
    stack,
    where,
)

# ---- safe domains: where every op is smooth, away from kinks and ties ----


def smooth(rng, shape):
    return rng.uniform(-1.5, 1.5, shape)


def positive(rng, shape):
    return rng.uniform(0.3, 2.0, shape)


def probability(rng, shape):
    return rng.uniform(0.1, 0.9, shape)


def off_kinks(rng, shape):
    """..., -0.4, 0.1, 0.6, ...: never within 0.1 of 0 (relu, abs) or of clip's bounds."""
    return rng.integers(-4, 4, shape) * 0.5 + 0.1


def off_kinks_too(rng, shape):
    """..., -0.15, 0.35, ...: differs from every `off_kinks` value by at least 0.25."""
    return rng.integers(-4, 4, shape) * 0.5 + 0.35


def distinct(rng, shape):
    """No ties inside the tensor (max, min), gaps of 0.3."""
    size = int(np.prod(shape))
    return (rng.permutation(size) * 0.3 - 0.3 * size / 2).reshape(shape)


def square(fn):
    def squared(*inputs):
        out = fn(*inputs)
        return out * out

    return squared


# (case name, spec name, function, domains, shapes): shapes None = broadcastable, drawn
TENSOR_CASES = [
    ("add", "+", lambda a, b: a + b, [smooth, smooth], None),
    ("sub", "-", lambda a, b: a - b, [smooth, smooth], None),
    ("mul", "*", lambda a, b: a * b, [smooth, smooth], None),
    ("div", "/", lambda a, b: a / b, [smooth, positive], None),
    ("pow const", "**n", lambda a: a ** 3, [smooth], None),
    ("pow fractional", "**n", lambda a: a ** 1.5, [positive], None),
    ("pow", "**", lambda a, b: a ** b, [positive, smooth], None),
    ("neg", "neg", lambda a: -a, [smooth], None),
    ("matmul", "@", lambda a, b: a @ b, [smooth, smooth], [(2, 3), (3, 2)]),
    ("matmul vector", "@", lambda a, b: a @ b, [smooth, smooth], [(3,), (3, 2)]),
    ("exp", "exp", lambda a: a.exp(), [smooth], None),
    ("log", "log", lambda a: a.log(), [positive], None),
    ("sqrt", "sqrt", lambda a: a.sqrt(), [positive], None),
    ("abs", "abs", lambda a: a.abs(), [off_kinks], None),
    ("tanh", "tanh", lambda a: a.tanh(), [smooth], None),
    ("sigmoid", "sigmoid", lambda a: a.sigmoid(), [smooth], None),
    ("relu", "relu", lambda a: a.relu(), [off_kinks], None),
    ("leaky_relu", "leaky_relu", lambda a: a.leaky_relu(0.1), [off_kinks], None),
    ("elu", "elu", lambda a: a.elu(0.7), [off_kinks], None),
    ("sin", "sin", lambda a: a.sin(), [smooth], None),
    ("cos", "cos", lambda a: a.cos(), [smooth], None),
    ("log1p", "log1p", lambda a: a.log1p(), [positive], None),
    ("expm1", "expm1", lambda a: a.expm1(), [smooth], None),
    ("softplus", "softplus", lambda a: a.softplus(), [smooth], None),
    ("silu", "silu", lambda a: a.silu(), [smooth], None),
    ("gelu", "gelu", lambda a: a.gelu(), [smooth], None),
    ("maximum", "maximum", lambda a, b: a.maximum(b), [off_kinks, off_kinks_too], None),
    ("minimum", "minimum", lambda a, b: a.minimum(b), [off_kinks, off_kinks_too], None),
    ("clip", "clip", lambda a: a.clip(-0.65, 0.85), [off_kinks], None),
    ("reshape", "reshape", lambda a: a.reshape(-1) * a.reshape(-1)[0], [smooth], [(2, 3)]),
    ("permute", "permute", lambda a: a.permute(1, 0) @ a, [smooth], [(2, 3)]),
    ("transpose", "permute", lambda a: a.transpose(0, 1).sin(), [smooth], [(3, 2)]),
    ("expand", "expand", lambda a: a.expand(2, 3).exp(), [smooth], [(1, 3)]),
    ("flip", "flip", lambda a: a.flip(0) * a, [smooth], [(3, 2)]),
    ("pad", "pad", lambda a: a.pad(1).tanh(), [smooth], [(2, 2)]),
    ("index", "index", lambda a: a[:, 1:] * a[:, :2], [smooth], [(2, 3)]),
    ("index repeated", "index_grad", lambda a: a[[0, 0, 1]].sin(), [smooth], [(3, 2)]),
    ("sum", "sum", lambda a: a.sum(), [smooth], None),
    ("sum axis", "sum", lambda a: a.sum(axis=0, keepdims=True) * a, [smooth], [(3, 2)]),
    ("mean", "mean", lambda a: a.mean(axis=-1) ** 3, [smooth], [(2, 3)]),
    ("max", "max", lambda a: a.max(axis=0) * a.sum(), [distinct], [(3, 2)]),
    ("min", "min", lambda a: a.min() * a, [distinct], [(2, 3)]),
    ("var", "var", lambda a: a.var(axis=1), [smooth], [(2, 4)]),
    ("var biased", "var", lambda a: a.var(correction=0), [smooth], [(5,)]),
    ("std", "var", lambda a: a.std(axis=0), [smooth], [(4, 2)]),
    ("logsumexp", "logsumexp", lambda a: a.logsumexp(axis=-1), [smooth], [(2, 3)]),
    ("softmax", "softmax", lambda a: a.softmax(axis=-1), [smooth], [(2, 3)]),
    ("log_softmax", "log_softmax", lambda a: a.log_softmax(axis=0), [smooth], [(3, 2)]),
    ("cat", "cat", lambda a, b: cat([a, b], axis=1).sin(), [smooth, smooth], [(2, 1), (2, 3)]),
    ("stack", "stack", lambda a, b: stack([a, b]).exp(), [smooth, smooth], [(3,), (3,)]),
    ("where", "where", lambda a, b: where(a.data > 0, a * b, b.exp()), [smooth, smooth], None),
    ("cross_entropy", "cross_entropy", lambda a: cross_entropy(a, [2, 0]), [smooth],
     [(2, 3)]),
    ("cross_entropy soft", "cross_entropy", lambda a, t: cross_entropy(a, t, reduction="none"),
     [smooth, probability], [(2, 3), (2, 3)]),
    ("bce", "binary_cross_entropy", lambda p, t: F.binary_cross_entropy(p, t),
     [probability, probability], [(2, 3), (2, 3)]),
    ("bce logits", "binary_cross_entropy_with_logits",
     lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="sum"),
     [smooth, probability], [(3,), (3,)]),
    ("linear", "linear", lambda x, w, b: F.linear(x, w, b), [smooth, smooth, smooth],
     [(2, 3), (2, 3), (2,)]),
    ("linear no bias", "linear", lambda x, w: F.linear(x, w), [smooth, smooth], [(4,), (2, 4)]),
    ("prelu", "prelu", lambda x, a: F.prelu(x, a), [off_kinks, positive], [(2, 3, 2), (3,)]),
    ("prelu shared", "prelu", lambda x, a: F.prelu(x, a), [off_kinks, positive], [(4,), (1,)]),
    # the step a piecewise rule multiplies by when the pass builds a graph (relu's mask)
    ("piecewise", "piecewise",
     lambda a: grad((a.relu() * a.abs()).sum(), a, create_graph=True)[0], [off_kinks], None),
    ("conv2d", "conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1,
                                                    dilation=(1, 2)),
     [smooth, smooth, smooth], [(1, 2, 4, 4), (3, 2, 2, 2), (3,)]),
    ("conv2d no bias", "conv2d", lambda x, w: F.conv2d(x, w, padding=(0, 1)), [smooth, smooth],
     [(2, 1, 3, 3), (2, 1, 2, 2)]),
    ("unfold", "unfold", lambda x: F.unfold(x, 2, padding=1, stride=2), [smooth],
     [(1, 2, 3, 3)]),
    ("fold", "fold", lambda c: F.fold(c, (3, 4), 2, stride=(1, 2)), [smooth], [(1, 8, 4)]),
    ("max_pool2d", "max_pool2d", lambda x: F.max_pool2d(x, 2, 1, padding=1), [distinct],
     [(1, 2, 3, 3)]),
    ("avg_pool2d", "avg_pool2d", lambda x: F.avg_pool2d(x, (2, 3), 2, padding=1), [smooth],
     [(2, 1, 4, 5)]),
    # composites of the ops above, which learners call by name
    ("squeeze/unsqueeze", None, lambda a: a.unsqueeze(0).squeeze(0).exp(), [smooth], [(2, 2)]),
    ("gather", None, lambda a: a.gather(1, [[0, 0], [2, 1]]).sin(), [smooth], [(2, 3)]),
    ("masked_fill", None, lambda a: a.masked_fill(a.data > 0.5, 0.0).exp(), [smooth],
     [(2, 3)]),
    ("split", None, lambda a: a.split(1, dim=1)[0] * a.split(1, dim=1)[1], [smooth], [(3, 2)]),
    ("chunk", None, lambda a: a.chunk(2)[1].tanh(), [smooth], [(4, 2)]),
    ("flatten", None, lambda a: a.flatten(1, 2).sin(), [smooth], [(2, 2, 3)]),
]

VALUE_CASES = [
    ("+", lambda a, b: a + b, [smooth, smooth]),
    ("-", lambda a, b: a - b, [smooth, smooth]),
    ("*", lambda a, b: a * b, [smooth, smooth]),
    ("/", lambda a, b: a / b, [smooth, positive]),
    ("neg", lambda a: -a, [smooth]),
    ("**n", lambda a: a ** 3, [smooth]),
    ("**", lambda a, b: a ** b, [positive, smooth]),
    ("exp", lambda a: a.exp(), [smooth]),
    ("log", lambda a: a.log(), [positive]),
    ("1/x", lambda a: a.reciprocal(), [positive]),
    ("sqrt", lambda a: a.sqrt(), [positive]),
    ("sin", lambda a: a.sin(), [smooth]),
    ("cos", lambda a: a.cos(), [smooth]),
    ("tanh", lambda a: a.tanh(), [smooth]),
    ("sigmoid", lambda a: a.sigmoid(), [smooth]),
    ("relu", lambda a: a.relu(), [off_kinks]),
    ("leaky_relu", lambda a: a.leaky_relu(0.2), [off_kinks]),
    ("elu", lambda a: a.elu(1.3), [off_kinks]),
    ("abs", lambda a: abs(a), [off_kinks]),
    ("maximum", lambda a, b: a.max(b), [off_kinks, off_kinks_too]),
    ("piecewise", lambda a: grad(a.relu() * a.abs(), a, create_graph=True)[0], [off_kinks]),
    ("minimum", lambda a, b: a.min(b), [off_kinks, off_kinks_too]),
]

SCALAR_MODULES = ("tinygrad_edu.scalar", "tinygrad_edu.scalar_functions")


def test_every_declared_op_has_a_second_order_case():
    import tinygrad_edu.nn  # noqa: F401 -- its ops are declared on import

    tensor_names = {spec for _, spec, *_ in TENSOR_CASES if spec}
    value_names = {name for name, *_ in VALUE_CASES}
    missing = []
    for spec in ops.specs():
        module = spec.rule.__module__ or ""  # None for a rule made by exec (a guide's example)
        if not module.startswith("tinygrad_edu"):
            continue  # an op a test declared for itself
        names = value_names if module in SCALAR_MODULES else tensor_names
        if spec.name not in names:
            missing.append(f"{module}: {spec.name}")
    assert not missing, f"ops without a second-order case: {missing}"


# ---- gradgradcheck on drawn shapes and values ----


def _inputs(rng, domains, shapes):
    return [Tensor(domain(rng, shape), requires_grad=True, dtype=np.float64)
            for domain, shape in zip(domains, shapes, strict=True)]


@pytest.mark.parametrize("name, spec, fn, domains, shapes", TENSOR_CASES,
                         ids=[case[0] for case in TENSOR_CASES])
@settings(max_examples=8)
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_tensor_second_derivatives(name, spec, fn, domains, shapes, data, seed):
    if shapes is None:
        shapes = data.draw(hnp.mutually_broadcastable_shapes(
            num_shapes=len(domains), min_dims=0, max_dims=2, max_side=3)).input_shapes
    inputs = _inputs(np.random.default_rng(seed), domains, shapes)
    assert gradgradcheck(square(fn), *inputs)


@pytest.mark.parametrize("name, fn, domains", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
@settings(max_examples=8)
@given(seed=st.integers(0, 2**16))
def test_value_second_derivatives(name, fn, domains, seed):
    rng = np.random.default_rng(seed)
    inputs = [Value(float(domain(rng, ()))) for domain in domains]
    assert gradgradcheck(square(fn), *inputs)


def test_both_engines_give_the_same_second_derivatives():
    """d²/dx² of x·tanh(x)² + x³: the scalar engine and the Tensor engine agree."""
    points = [-1.2, 0.3, 0.9]
    tensor = Tensor(points, requires_grad=True, dtype=np.float64)
    (first,) = grad((tensor * tensor.tanh() ** 2 + tensor ** 3).sum(), tensor,
                    create_graph=True)
    (second,) = grad(first.sum(), tensor)
    for i, x0 in enumerate(points):
        x = Value(x0)
        (d1,) = grad(x * x.tanh() ** 2 + x ** 3, x, create_graph=True)
        (d2,) = grad(d1, x)
        assert second.data[i] == pytest.approx(d2.data, rel=1e-12)


# ---- gradgradcheck can fail: a rule whose gradient is not differentiable ----


@ops.declare("cube_with_a_flat_rule", symbol="x³", math="d(x³)/dx = 3x²", local=("3{0}²",))
def _flat_cube_rule(node, upstream):
    # the mistake on purpose: the local derivative is taken from the raw numbers, so the
    # graph of the gradient treats 3x² as a constant and loses d(3x²)/dx = 6x
    (x,) = node.parents
    return (upstream * 3 * ops.data_of(x.data) ** 2,)


def _flat_cube(x):
    return ops.apply(_flat_cube_rule, x.data ** 3, (x,))


def test_gradgradcheck_catches_a_rule_whose_gradient_has_no_graph():
    x = Tensor([0.5, -1.0], requires_grad=True, dtype=np.float64)
    from tinygrad_edu import gradcheck

    assert gradcheck(_flat_cube, x)  # the first derivative is right
    with pytest.raises(GradcheckError, match=r"gradgradcheck: input 0, element \(\d,\)"):
        gradgradcheck(_flat_cube, x)
    with pytest.raises(GradcheckError, match="gradgradcheck: input 0"):
        gradgradcheck(lambda v: _flat_cube(v) * v, Value(0.7))


def test_gradgradcheck_refuses_nothing_to_check():
    with pytest.raises(ValueError, match="no input to check"):
        gradgradcheck(lambda x: x * 2, Tensor([1.0]))


# ---- PyTorch as the oracle for second derivatives ----

# name: (ours, theirs, domains); theirs takes the torch module first (imported only when
# installed)
TORCH_CASES = {
    "mul": (lambda a, b: a * b, lambda torch, a, b: a * b, [smooth, smooth]),
    "div": (lambda a, b: a / b, lambda torch, a, b: a / b, [smooth, positive]),
    "pow": (lambda a, b: a ** b, lambda torch, a, b: a ** b, [positive, smooth]),
    "matmul": (lambda a, b: a @ b, lambda torch, a, b: a @ b, [smooth, smooth]),
    "exp": (lambda a: a.exp(), lambda torch, a: a.exp(), [smooth]),
    "log": (lambda a: a.log(), lambda torch, a: a.log(), [positive]),
    "sqrt": (lambda a: a.sqrt(), lambda torch, a: a.sqrt(), [positive]),
    "tanh": (lambda a: a.tanh(), lambda torch, a: a.tanh(), [smooth]),
    "sigmoid": (lambda a: a.sigmoid(), lambda torch, a: a.sigmoid(), [smooth]),
    "sin": (lambda a: a.sin(), lambda torch, a: a.sin(), [smooth]),
    "cos": (lambda a: a.cos(), lambda torch, a: a.cos(), [smooth]),
    "elu": (lambda a: a.elu(0.7), lambda torch, a: torch.nn.functional.elu(a, 0.7),
            [off_kinks]),
    "softplus": (lambda a: a.softplus(), lambda torch, a: torch.nn.functional.softplus(a),
                 [smooth]),
    "silu": (lambda a: a.silu(), lambda torch, a: torch.nn.functional.silu(a), [smooth]),
    "gelu": (lambda a: a.gelu(),  # the tanh form of GELU
             lambda torch, a: torch.nn.functional.gelu(a, approximate="tanh"), [smooth]),
    "log1p": (lambda a: a.log1p(), lambda torch, a: a.log1p(), [positive]),
    "expm1": (lambda a: a.expm1(), lambda torch, a: a.expm1(), [smooth]),
    "var": (lambda a: a.var(axis=1), lambda torch, a: a.var(dim=1), [smooth]),
    "logsumexp": (lambda a: a.logsumexp(axis=1), lambda torch, a: a.logsumexp(dim=1), [smooth]),
    "softmax": (lambda a: a.softmax(axis=1), lambda torch, a: a.softmax(dim=1), [smooth]),
    "log_softmax": (lambda a: a.log_softmax(axis=0), lambda torch, a: a.log_softmax(dim=0),
                    [smooth]),
    "cross_entropy soft": (
        lambda a, t: cross_entropy(a, t),
        lambda torch, a, t: torch.nn.functional.cross_entropy(a, t),
        [smooth, probability]),
    "bce": (lambda p, t: F.binary_cross_entropy(p, t),
            lambda torch, p, t: torch.nn.functional.binary_cross_entropy(p, t),
            [probability, probability]),
    "bce logits": (
        lambda x, t: F.binary_cross_entropy_with_logits(x, t),
        lambda torch, x, t: torch.nn.functional.binary_cross_entropy_with_logits(x, t),
        [smooth, probability]),
    "linear": (lambda x, w: F.linear(x, w).tanh(),
               lambda torch, x, w: torch.nn.functional.linear(x, w).tanh(),
               [smooth, smooth]),
    "prelu": (lambda x, a: F.prelu(x, a), lambda torch, x, a: torch.nn.functional.prelu(x, a),
              [off_kinks, positive]),
    "maximum": (lambda a, b: a.maximum(b), lambda torch, a, b: torch.maximum(a, b),
                [off_kinks, off_kinks_too]),
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=(1, 0), dilation=(2, 1)),
               lambda torch, x, w, b: torch.nn.functional.conv2d(
                   x, w, b, stride=2, padding=(1, 0), dilation=(2, 1)),
               [smooth, smooth, smooth]),
    "unfold": (lambda x: F.unfold(x, 2, padding=1), lambda torch, x: torch.nn.functional.unfold(
        x, 2, padding=1), [smooth]),
    "fold": (lambda c: F.fold(c, (3, 3), 2), lambda torch, c: torch.nn.functional.fold(
        c, (3, 3), 2), [smooth]),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2, 1, 1),
                   lambda torch, x: torch.nn.functional.max_pool2d(x, 2, 1, 1), [distinct]),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 3, 2, 1),
                   lambda torch, x: torch.nn.functional.avg_pool2d(x, 3, 2, 1), [smooth]),
}
TORCH_SHAPES = {"matmul": [(2, 3), (3, 2)], "linear": [(2, 3), (4, 3)], "prelu": [(2, 3, 2), (3,)],
                "conv2d": [(2, 2, 5, 4), (3, 2, 2, 3), (3,)], "unfold": [(2, 2, 3, 3)],
                "fold": [(2, 8, 4)], "max_pool2d": [(2, 2, 3, 4)], "avg_pool2d": [(1, 2, 5, 4)]}


@pytest.mark.parametrize("name", TORCH_CASES)
def test_second_derivatives_match_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs, domains = TORCH_CASES[name]
    rng = np.random.default_rng(list(TORCH_CASES).index(name))
    shapes = TORCH_SHAPES.get(name, [(2, 3)] * len(domains))
    arrays = [domain(rng, shape) for domain, shape in zip(domains, shapes, strict=True)]
    directions = [rng.standard_normal(a.shape) for a in arrays]

    mine = [Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    out = square(ours)(*mine)
    weights = rng.standard_normal(out.shape)
    firsts = grad(out, mine, grad_outputs=Tensor(weights, dtype=np.float64), create_graph=True)
    along = sum((g * Tensor(u, dtype=np.float64)).sum()
                for g, u in zip(firsts, directions, strict=True))
    seconds = grad(along, mine)

    reference = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_t = square(lambda *tensors: theirs(torch, *tensors))(*reference)
    firsts_t = torch.autograd.grad(out_t, reference, grad_outputs=torch.tensor(weights),
                                   create_graph=True)
    along_t = sum((g * torch.tensor(u)).sum() for g, u in zip(firsts_t, directions, strict=True))
    seconds_t = torch.autograd.grad(along_t, reference)

    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    for first, first_t in zip(firsts, firsts_t, strict=True):
        np.testing.assert_allclose(first.data, first_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    for second, second_t in zip(seconds, seconds_t, strict=True):
        np.testing.assert_allclose(second.data, second_t.numpy(), rtol=1e-9, atol=1e-12)

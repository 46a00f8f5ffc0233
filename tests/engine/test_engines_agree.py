"""The scalar engine and the tensor engine compute the same values and gradients.

Hypothesis writes a random program (a list of ops over a growing pool of nodes); the
same program runs on `Value`s and on float64 `Tensor`s, and every node's value and
gradient must agree.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu import Tensor, Value, gradcheck, topo_order


def lecture_sigmoid(a):
    """The lecture's four gates on a Value, the fused op on a Tensor: they must agree."""
    return a.sigmoid(decompose=True) if isinstance(a, Value) else a.sigmoid()


# Each op works on both engines unchanged. Domains are kept safe by construction:
# a denominator is ≥ 1, a log's argument ≥ 1, a power's base in (0.5, 1.5), exp's input
# in (-1, 1), so the values stay finite however the ops are chained.
OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "rdiv": lambda a, b: 1.0 / (a * a + 1) - b,
    "pow_value": lambda a, b: (a.sigmoid() + 0.5) ** b.tanh(),
    "pow_number": lambda a, b: a**2 - b**3 * 0.1,
    "rpow": lambda a, b: 2.0 ** a.tanh() * b,
    "neg": lambda a, b: -a,
    "exp": lambda a, b: a.tanh().exp(),
    "log": lambda a, b: (a * a + 1).log(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "lecture_sigmoid": lambda a, b: lecture_sigmoid(a),
    "relu": lambda a, b: a.relu() + b * 0.5,
    "leaky_relu": lambda a, b: a.leaky_relu(0.1),
    "elu": lambda a, b: a.elu(alpha=0.7),
    "numbers": lambda a, b: 3 - a * 0.5 + 1.5 / (b * b + 2),
}

STEPS = st.lists(
    st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 100), st.integers(0, 100)),
    min_size=1, max_size=7,
)
INPUTS = st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=3)


def run(program, inputs):
    """Every node of the program, inputs first; the last one is the output."""
    pool = list(inputs)
    for name, i, j in program:
        pool.append(OPS[name](pool[i % len(pool)], pool[j % len(pool)]))
    return pool


def as_float(grad) -> float:
    return 0.0 if grad is None else float(grad)


@given(program=STEPS, numbers=INPUTS)
def test_random_expressions_agree_on_every_node(program, numbers):
    values = run(program, [Value(x) for x in numbers])
    tensors = run(program, [Tensor(x, requires_grad=True, dtype=np.float64) for x in numbers])
    values[-1].backward()
    tensors[-1].backward(keep_all_grads=True)  # compare every node, not only the inputs
    for value, tensor in zip(values, tensors, strict=True):
        assert tensor.dtype == np.float64 and tensor.shape == ()
        assert math.isfinite(value.data)
        assert tensor.item() == pytest.approx(value.data, rel=1e-9, abs=1e-12)
        assert as_float(tensor.grad) == pytest.approx(value.grad, rel=1e-7, abs=1e-9)


@given(program=STEPS, numbers=INPUTS)
def test_random_expressions_pass_gradcheck_on_both_engines(program, numbers):
    def function(*inputs):
        return run(program, list(inputs))[-1]

    # stay off the kinks of relu / leaky_relu / elu, where differences are one-sided
    output = run(program, [Value(x) for x in numbers])[-1]
    kinks = [node for node in topo_order(output) if node.op in ("relu", "leaky_relu", "elu")]
    if any(abs(node.parents[0].data) < 1e-4 for node in kinks):
        return
    assert gradcheck(function, *[Value(x) for x in numbers])
    assert gradcheck(function, *[Tensor(x, requires_grad=True) for x in numbers])


@given(program=STEPS, rows=st.lists(st.lists(st.floats(-2.0, 2.0), min_size=4, max_size=4),
                                    min_size=1, max_size=3))
def test_a_vector_program_equals_the_scalar_program_per_element(program, rows):
    """Elementwise ops on (4,) tensors do what the scalar engine does per element."""
    columns = np.array(rows)  # one input per row, one experiment per column
    tensors = run(program, [Tensor(row, requires_grad=True, dtype=np.float64) for row in columns])
    tensors[-1].backward(np.ones(tensors[-1].shape))
    for k in range(columns.shape[1]):
        values = run(program, [Value(x) for x in columns[:, k]])
        values[-1].backward()
        for value, tensor in zip(values, tensors, strict=True):
            assert np.broadcast_to(tensor.data, (4,))[k] == pytest.approx(value.data, rel=1e-9,
                                                                           abs=1e-12)
        for value, tensor in zip(values[: len(rows)], tensors, strict=False):
            grad = 0.0 if tensor.grad is None else tensor.grad[k]
            assert grad == pytest.approx(value.grad, rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("x", [-1000.0, -30.0, -1.0, 0.0, 2.5, 1000.0])
def test_lecture_sigmoid_on_values_equals_fused_sigmoid_on_tensors(x):
    v = Value(x)
    t = Tensor(x, requires_grad=True, dtype=np.float64)
    sv, st_ = v.sigmoid(decompose=True), t.sigmoid()
    sv.backward()
    st_.backward()
    assert st_.item() == pytest.approx(sv.data, rel=1e-12, abs=1e-300)
    assert t.grad.item() == pytest.approx(v.grad, rel=1e-9, abs=1e-300)


def test_the_lecture_example_on_both_engines():
    results = []
    for make in (Value, lambda x: Tensor(x, requires_grad=True, dtype=np.float64)):
        w, x, b = make(-2.0), make(5.0), make(3.0)
        f = w * x + b
        f.backward()
        results.append((float(f.data), float(w.grad), float(x.grad), float(b.grad)))
    assert results[0] == results[1] == (-7.0, 5.0, -2.0, 1.0)

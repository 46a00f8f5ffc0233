"""Every op of the scalar engine `Value`: gradients against central differences
(gradcheck) on each op's safe domain, and against the derivative written out by hand."""

import math
import operator

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tinygrad_edu import Value, gradcheck, topo_order

ANY = st.floats(-3.0, 3.0)
POSITIVE = st.floats(0.2, 4.0)  # log, a base with a real exponent
# away from 0: a denominator, or the kink of relu/leaky_relu/elu
AWAY_FROM_ZERO = st.one_of(st.floats(0.1, 3.0), st.floats(-3.0, -0.1))

BINARY = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


def value_and_grads(fn, *numbers):
    """Run fn on fresh Values, back-propagate, return (output, [grads])."""
    inputs = [Value(x) for x in numbers]
    out = fn(*inputs)
    out.backward()
    return out.data, [v.grad for v in inputs]


# ---- + - * / with Values or numbers on either side ----


@pytest.mark.parametrize("name", BINARY)
@given(a=ANY, b=AWAY_FROM_ZERO)
def test_binary_op_on_two_values(name, a, b):
    op = BINARY[name]
    assert gradcheck(op, Value(a), Value(b))
    out, (grad_a, grad_b) = value_and_grads(op, a, b)
    assert out == pytest.approx(op(a, b))
    expected = {"+": (1, 1), "-": (1, -1), "*": (b, a), "/": (1 / b, -a / b**2)}[name]
    assert (grad_a, grad_b) == pytest.approx(expected)


@pytest.mark.parametrize("name", BINARY)
@given(a=AWAY_FROM_ZERO, number=AWAY_FROM_ZERO)
def test_binary_op_with_a_number_on_either_side(name, a, number):
    op = BINARY[name]
    assert gradcheck(lambda v: op(v, number), Value(a))
    assert gradcheck(lambda v: op(number, v), Value(a))
    left = op(Value(a), number)
    right = op(number, Value(a))
    assert isinstance(left, Value) and isinstance(right, Value)
    assert left.data == pytest.approx(op(a, number))
    assert right.data == pytest.approx(op(number, a))


@given(a=ANY)
def test_integer_operands_work_like_floats(a):
    v = Value(a)
    out = 3 * v + 1 - v / 2
    out.backward()
    assert out.data == pytest.approx(3 * a + 1 - a / 2)
    assert v.grad == pytest.approx(2.5)


@given(a=ANY)
def test_unary_minus(a):
    assert gradcheck(lambda v: -v, Value(a))
    v = Value(a)
    out = -v
    out.backward()
    assert out.data == -a and v.grad == -1.0


@given(a=ANY)
def test_a_value_used_twice_accumulates(a):
    v = Value(a)
    out = v * v + v
    out.backward()
    assert v.grad == pytest.approx(2 * a + 1)


# ---- powers: v ** number, number ** v, v ** v ----


@given(a=ANY, n=st.sampled_from([0, 1, 2, 3, -1, -2]))
def test_power_with_an_integer_exponent_any_sign_of_base(a, n):
    assume(n >= 0 or abs(a) > 0.1)
    assert gradcheck(lambda v: v**n, Value(a))
    _, (grad,) = value_and_grads(lambda v: v**n, a)
    assert grad == pytest.approx(n * a ** (n - 1) if n else 0.0)


@given(a=POSITIVE, n=st.floats(-2.5, 2.5))
def test_power_with_a_real_exponent_on_a_positive_base(a, n):
    assert gradcheck(lambda v: v**n, Value(a))


@given(base=POSITIVE, a=ANY)
def test_number_to_the_power_of_a_value(base, a):
    assert gradcheck(lambda v: base**v, Value(a))
    out, (grad,) = value_and_grads(lambda v: base**v, a)
    assert out == pytest.approx(base**a)
    assert grad == pytest.approx(base**a * math.log(base))  # d b^x/dx = b^x ln b


@given(a=POSITIVE, b=ANY)
def test_value_to_the_power_of_a_value(a, b):
    assert gradcheck(lambda x, y: x**y, Value(a), Value(b))
    out, (grad_a, grad_b) = value_and_grads(lambda x, y: x**y, a, b)
    assert grad_a == pytest.approx(b * a ** (b - 1))
    assert grad_b == pytest.approx(a**b * math.log(a))


def test_power_edge_cases():
    _, (grad,) = value_and_grads(lambda v: 2**v, 3.0)  # the 2 ** v
    assert grad == pytest.approx(8 * math.log(2))
    _, (grad,) = value_and_grads(lambda v: v**v, 2.0)  # d x^x = x^x (ln x + 1)
    assert grad == pytest.approx(4 * (math.log(2) + 1))
    _, (grad,) = value_and_grads(lambda v: v**0, 0.0)
    assert grad == 0.0
    out, (grad,) = value_and_grads(lambda v: v**3, -2.0)
    assert (out, grad) == (-8.0, 12.0)


# ---- elementwise functions ----

UNARY = {  # name: (fn, safe domain, derivative written out)
    "exp": (lambda v: v.exp(), ANY, lambda x: math.exp(x)),
    "log": (lambda v: v.log(), POSITIVE, lambda x: 1 / x),
    "tanh": (lambda v: v.tanh(), ANY, lambda x: 1 - math.tanh(x) ** 2),
    "sigmoid": (lambda v: v.sigmoid(), ANY,
                lambda x: (1 / (1 + math.exp(-x))) * (1 - 1 / (1 + math.exp(-x)))),
    "sigmoid_decomposed": (lambda v: v.sigmoid(decompose=True), ANY,
                           lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    "relu": (lambda v: v.relu(), AWAY_FROM_ZERO, lambda x: 1.0 if x > 0 else 0.0),
    "leaky_relu": (lambda v: v.leaky_relu(), AWAY_FROM_ZERO, lambda x: 1.0 if x > 0 else 0.01),
    "leaky_relu_0.2": (lambda v: v.leaky_relu(0.2), AWAY_FROM_ZERO,
                       lambda x: 1.0 if x > 0 else 0.2),
    "elu": (lambda v: v.elu(), AWAY_FROM_ZERO, lambda x: 1.0 if x > 0 else math.exp(x)),
    "elu_0.5": (lambda v: v.elu(alpha=0.5), AWAY_FROM_ZERO,
                lambda x: 1.0 if x > 0 else 0.5 * math.exp(x)),
    "reciprocal": (lambda v: v.reciprocal(), AWAY_FROM_ZERO, lambda x: -1 / x**2),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_op_gradient(name, data):
    fn, domain, derivative = UNARY[name]
    x = data.draw(domain)
    assert gradcheck(fn, Value(x))
    _, (grad,) = value_and_grads(fn, x)
    assert grad == pytest.approx(derivative(x), rel=1e-9, abs=1e-12)


@given(x=ANY)
def test_unary_forward_values(x):
    v = Value(x)
    assert v.exp().data == pytest.approx(math.exp(x))
    assert v.tanh().data == pytest.approx(math.tanh(x))
    assert v.sigmoid().data == pytest.approx(1 / (1 + math.exp(-x)))
    assert v.relu().data == max(x, 0.0)
    assert v.leaky_relu(0.1).data == pytest.approx(x if x > 0 else 0.1 * x)
    assert v.elu(2.0).data == pytest.approx(x if x > 0 else 2.0 * (math.exp(x) - 1))


@given(x=st.floats(-20.0, 20.0))
def test_sigmoid_fused_and_decomposed_agree(x):
    fused_in, decomposed_in = Value(x), Value(x)
    fused, decomposed = fused_in.sigmoid(), decomposed_in.sigmoid(decompose=True)
    fused.backward()
    decomposed.backward()
    assert decomposed.data == pytest.approx(fused.data, rel=1e-12)
    # (σ(1-σ) loses digits to cancellation as σ -> 1, hence only 1e-6 relative)
    assert decomposed_in.grad == pytest.approx(fused_in.grad, rel=1e-6, abs=1e-300)
    assert fused_in.grad == pytest.approx(fused.data * (1 - fused.data))  # σ(1-σ)
    assert len(topo_order(decomposed)) == 7  # x, -1, ×, exp, 1, +, 1/x
    assert len(topo_order(fused)) == 2


def test_relu_family_at_exactly_zero():
    for fn, expected in [(lambda v: v.relu(), 0.0), (lambda v: v.leaky_relu(0.1), 0.1),
                         (lambda v: v.elu(0.5), 0.5)]:
        _, (grad,) = value_and_grads(fn, 0.0)
        assert grad == expected


@pytest.mark.parametrize("x", [1000.0, -1000.0])
@pytest.mark.parametrize(
    "fn", [lambda v: v.sigmoid(), lambda v: v.sigmoid(decompose=True), lambda v: v.tanh(),
           lambda v: v.elu(), lambda v: v.leaky_relu(), lambda v: v.relu()],
)
def test_saturating_functions_are_finite_at_plus_minus_1000(fn, x):
    out, (grad,) = value_and_grads(fn, x)
    assert math.isfinite(out) and math.isfinite(grad)


def test_sigmoid_and_tanh_saturate_to_the_right_limits():
    assert Value(1000.0).sigmoid().data == 1.0 and Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).tanh().data == 1.0 and Value(-1000.0).tanh().data == -1.0
    assert Value(-1000.0).elu(2.0).data == -2.0


# ---- a few compositions, checked as a whole ----

COMPOSITES = [
    lambda a, b: (a * b + a.tanh()) / (b * b + 1),
    lambda a, b: (a.sigmoid() + 0.5) ** b.tanh(),
    lambda a, b: (a * a + 1).log() - b.exp() * 0.1 + 2 ** (a * 0.5),
    lambda a, b: (a - b).elu() * (a + b).leaky_relu(0.3) - 1 / (a * a + 2),
    lambda a, b: -(a * b).sigmoid(decompose=True) + (a * 3).tanh() * b,
]


@pytest.mark.parametrize("index", range(len(COMPOSITES)))
@given(a=ANY, b=ANY)
def test_composite_expressions(index, a, b):
    fn = COMPOSITES[index]
    assume(abs(a - b) > 1e-3 and abs(a + b) > 1e-3)  # keep elu/leaky_relu off their kinks
    assert gradcheck(fn, Value(a), Value(b))


def test_repr_and_float():
    v = Value(2.5, label="w")
    assert float(v) == 2.5
    assert repr(v) == "Value(data=2.5, grad=0, label='w')"
    assert repr(Value(-1.0)) == "Value(data=-1, grad=0)"


def test_value_accepts_numpy_and_integer_numbers():
    np = pytest.importorskip("numpy")
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(3)).data == 3.0
    assert Value(7).data == 7.0 and isinstance(Value(7).data, float)
    assert Value(Value(2.0)).data == 2.0


def test_every_value_requires_grad_and_that_cannot_be_switched_off():
    a = Value(2.0)
    b = a * 3.0
    assert a.requires_grad is True and b.requires_grad is True
    with pytest.raises(AttributeError, match="requires_grad"):
        a.requires_grad = False
    assert a.requires_grad is True


def test_values_and_tensors_can_be_weakly_referenced():
    import weakref

    from tinygrad_edu import Tensor

    for make in (lambda: Value(1.0), lambda: Tensor([1.0])):
        node = make()
        ref = weakref.ref(node)
        assert ref() is node
        del node
        assert ref() is None  # nothing else kept it alive

"""Creation functions: shapes, dtypes, values, seeds and errors (PyTorch as the oracle
for arange's dtypes and for one_hot where installed)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import Tensor, creation

FILLED = {
    "zeros": (lambda *s, **k: creation.zeros(*s, **k), 0.0),
    "ones": (lambda *s, **k: creation.ones(*s, **k), 1.0),
    "full": (lambda *s, **k: creation.full(s, 2.5, **k), 2.5),
}


@pytest.mark.parametrize("name", FILLED)
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 0, 4)])
def test_filled_tensors_have_shape_dtype_and_value(name, shape):
    make, value = FILLED[name]
    t = make(*shape)
    assert isinstance(t, Tensor) and t.shape == shape and t.dtype == np.float32
    assert t.is_leaf and not t.requires_grad
    np.testing.assert_array_equal(t.data, np.full(shape, value, np.float32))
    t64 = make(*shape, dtype=np.float64, requires_grad=True)
    assert t64.dtype == np.float64 and t64.requires_grad


def test_full_takes_its_dtype_from_the_value_as_pytorch():
    assert creation.full((2,), 7).dtype == np.int64
    assert creation.full((2,), True).dtype == np.bool_
    assert creation.full((2,), 7.0).dtype == np.float32
    assert creation.full((2,), 7, dtype=np.float64).dtype == np.float64
    torch = pytest.importorskip("torch")
    same = {torch.int64: np.int64, torch.bool: np.bool_, torch.float32: np.float32}
    for value in (7, True, 7.5):
        assert creation.full((2,), value).dtype == same[torch.full((2,), value).dtype]


def test_sizes_spread_out_or_as_one_tuple_are_the_same():
    assert creation.zeros(2, 3).shape == creation.zeros((2, 3)).shape == (2, 3)
    assert creation.ones([4]).shape == (4,)
    assert creation.full(3, 7.0).shape == (3,)


@pytest.mark.parametrize("call, error, message", [
    (lambda: creation.zeros(2, -1), ValueError, r"zeros: sizes must be 0 or more, got \(2, -1\)"),
    (lambda: creation.ones(2.5), TypeError, r"ones: sizes must be whole numbers, got 2.5"),
    (lambda: creation.arange(0, 3, 0), ValueError, r"arange: step must not be 0"),
    (lambda: creation.zeros(2, dtype=np.int64, requires_grad=True), TypeError, "floating-point"),
    (lambda: creation.rand(2, seed=0, generator=np.random.default_rng(0)), ValueError,
     "seed= or generator=, not both"),
    (lambda: creation.randn(2, generator=0), TypeError, "numpy Generator"),
    (lambda: creation.rand_like(creation.arange(3)), TypeError, "floating-point dtype"),
    (lambda: creation.one_hot([0, 3], 3), ValueError, r"index 3 is out of range for 3 classes"),
    (lambda: creation.one_hot([-1], 3), ValueError, r"index -1 is out of range"),
    (lambda: creation.one_hot([0.5]), TypeError, "whole numbers"),
    (lambda: creation.one_hot([], -1), ValueError, "pass it"),
])
def test_bad_arguments_are_refused_in_one_line(call, error, message):
    with pytest.raises(error, match=message) as raised:
        call()
    assert "\n" not in str(raised.value)


def test_eye_is_the_identity_and_may_be_rectangular():
    np.testing.assert_array_equal(creation.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(creation.eye(2, 4, dtype=np.float64).data, np.eye(2, 4))


@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(-5, 5).filter(bool))
def test_arange_counts_like_numpy_with_pytorchs_dtypes(start, end, step):
    whole = creation.arange(start, end, step)
    np.testing.assert_array_equal(whole.data, np.arange(start, end, step))
    assert whole.dtype == np.int64  # whole numbers count in int64, as torch.arange
    floats = creation.arange(float(start), end, step)
    assert floats.dtype == np.float32
    np.testing.assert_allclose(floats.data, np.arange(start, end, step))


def test_arange_with_one_argument_counts_from_zero():
    np.testing.assert_array_equal(creation.arange(4).data, [0, 1, 2, 3])
    assert creation.arange(0.5, 2, 0.5, dtype=np.float64).data.tolist() == [0.5, 1.0, 1.5]


@pytest.mark.parametrize("make", [creation.rand, creation.randn])
def test_random_tensors_repeat_with_a_seed_and_a_generator(make):
    a, b = make(3, 4, seed=7), make(3, 4, seed=7)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, make(3, 4, seed=8).data)
    one, two = np.random.default_rng(1), np.random.default_rng(1)
    first = [make(5, generator=one).data for _ in range(2)]
    second = [make(5, generator=two).data for _ in range(2)]
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first[0], first[1])  # the stream moves on
    np.random.seed(3)
    global_a = make(4).data
    np.random.seed(3)
    np.testing.assert_array_equal(global_a, make(4).data)
    assert make(2, 2, dtype=np.float64, requires_grad=True).requires_grad


def test_random_tensors_have_their_distribution():
    uniform = creation.rand(20000, seed=0, dtype=np.float64).data
    assert uniform.min() >= 0 and uniform.max() < 1
    assert abs(uniform.mean() - 0.5) < 0.01 and abs(uniform.var() - 1 / 12) < 0.005
    normal = creation.randn(20000, seed=0, dtype=np.float64).data
    assert abs(normal.mean()) < 0.03 and abs(normal.std() - 1) < 0.03


def test_like_functions_copy_shape_and_dtype():
    x = Tensor(np.ones((2, 3)), dtype=np.float64)
    for made, value in [(creation.zeros_like(x), 0.0), (creation.ones_like(x), 1.0),
                        (creation.full_like(x, -2.0), -2.0)]:
        assert made.shape == (2, 3) and made.dtype == np.float64 and made is not x
        np.testing.assert_array_equal(made.data, np.full((2, 3), value))
    assert creation.zeros_like(creation.arange(3)).dtype == np.int64
    assert creation.ones_like(x, dtype=np.float32).dtype == np.float32
    for made in (creation.rand_like(x, seed=0), creation.randn_like(x, seed=0)):
        assert made.shape == (2, 3) and made.dtype == np.float64
    np.testing.assert_array_equal(creation.randn_like(x, seed=1).data,
                                  creation.randn(2, 3, seed=1, dtype=np.float64).data)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=8))
def test_one_hot_marks_one_position_per_index(indices):
    rows = creation.one_hot(indices).data
    assert rows.dtype == np.int64 and rows.shape == (len(indices), max(indices) + 1)
    np.testing.assert_array_equal(rows.argmax(axis=1), indices)
    np.testing.assert_array_equal(rows.sum(axis=1), 1)


def test_one_hot_matches_pytorch_on_any_shape():
    torch = pytest.importorskip("torch")
    indices = np.array([[2, 0], [1, 1], [0, 3]])
    expected = torch.nn.functional.one_hot(torch.tensor(indices), 5).numpy()
    np.testing.assert_array_equal(creation.one_hot(indices, 5).data, expected)
    np.testing.assert_array_equal(creation.one_hot(Tensor(indices, dtype=np.int64)).data,
                                  torch.nn.functional.one_hot(torch.tensor(indices)).numpy())


def test_creation_functions_are_exported_from_the_package():
    for name in creation.__all__:
        assert getattr(tg, name) is getattr(creation, name), name
        assert name in tg.__all__, name


# ---- no path builds a Tensor of text, objects or complex numbers ----

NOT_NUMBERS = ["abc", np.array(["a", "b"]), np.array([None, 1.0], dtype=object),
               np.array([1 + 2j, 0j]), 1j, np.complex128(1j), [object(), 1.0], None]


@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=lambda bad: type(bad).__name__)
def test_no_construction_path_accepts_data_that_is_not_real_numbers(bad):
    import tinygrad_edu.nn as nn

    x = Tensor([1.0, 2.0], requires_grad=True)
    paths = {
        "Tensor()": lambda: Tensor(bad),
        "Parameter()": lambda: nn.Parameter(bad),
        "full": lambda: tg.full((2,), bad),
        "full_like": lambda: tg.full_like(x, bad),
        ".data =": lambda: setattr(x, "data", bad),
        "x + bad": lambda: x + bad,
        "bad * x": lambda: bad * x,
        "x ** bad": lambda: x ** bad,
        "x @ bad": lambda: x @ bad,
        "maximum": lambda: x.maximum(bad),
        "cat": lambda: tg.cat([x, bad]),
        "stack": lambda: tg.stack([x, bad]),
        "where": lambda: tg.where([True, False], x, bad),
        "clip": lambda: x.clip(bad, 1.0),
        "masked_fill": lambda: x.masked_fill([True, False], bad),
        "pad": lambda: x.pad(1, bad),
        "leaky_relu": lambda: x.leaky_relu(bad),
        "elu": lambda: x.elu(bad),
        "x < bad": lambda: x < bad,
    }
    if bad is None:
        del paths["clip"]  # clip(None, 1.0) means: no lower bound
    for name, call in paths.items():
        if bad is None and name == "x < bad":
            with pytest.raises(TypeError):  # Python's own: '<' not supported with None
                call()
            continue
        with pytest.raises((TypeError, ValueError)) as raised:
            call()
        text = str(raised.value)
        assert "\n" not in text and type(raised.value).__module__ == "builtins", (name, text)
    assert x.data.dtype == np.float32 and x.data.tolist() == [1.0, 2.0]


def test_none_compares_by_identity_as_in_pytorch():
    x = Tensor([1.0, 2.0])
    assert (x == None) is False and (x != None) is True  # noqa: E711
    assert x not in [None]

"""The explorer's gradient check replays each op by its declared forward
(`ops.spec_of(node).forward`): every built-in op and a learner's own op are checked,
and an op with a wrong rule is marked."""

import math

import numpy as np
import pytest

import viz
from tinygrad_edu import Tensor, Value, cross_entropy, ops

RNG = np.random.default_rng(11)


def leaf(shape, label, low=-1.0, high=1.0):
    return Tensor(RNG.uniform(low, high, shape), requires_grad=True, dtype=np.float64,
                  label=label)


def checked(loss, **backward):
    """{leaf name: its check entry} and the notes, after ``loss.backward(**backward)``."""
    loss.backward(**backward)
    document = viz.explorer_document(loss)
    checks = {n["name"]: n["check"] for n in document["nodes"].values()
              if n["kind"] in ("parameter", "input") and n["name"]}
    return checks, [note["text"] for note in document["notes"]
                    if note["kind"] == "check-skipped"]


def assert_all_checked(loss, names, **backward):
    checks, skipped = checked(loss, **backward)
    assert not skipped, skipped
    for name in names:
        assert checks[name] is not None and checks[name]["ok"], (name, checks[name])


GRAPHS = {
    "permute and .T": lambda a, b: (a @ b.permute(1, 0)).tanh().sum() + (a.T * b.T).sum(),
    "expand and maximum": lambda a, b: (a.expand(4, 2, 3).maximum(b[0]) * a).mean(),
    "sin and logsumexp": lambda a, b: (a.sin() * b).logsumexp(1).sum(),
    "var, flip and pad": lambda a, b: (a.flip(1).pad(1) ** 2).var() + b.var(0).sum(),
    "clip, softplus and min": lambda a, b: (a.clip(-0.5, 0.5) + b.softplus()).min(),
}


@pytest.mark.parametrize("build", GRAPHS.values(), ids=GRAPHS.keys())
def test_graphs_of_ops_the_old_replay_skipped_are_checked(build):
    a, b = leaf((2, 3), "a"), leaf((2, 3), "b")
    assert_all_checked(build(a, b), ["a", "b"])


def test_a_classifier_with_x_at_w_transposed_and_cross_entropy_is_checked():
    x, w = leaf((4, 3), "x"), leaf((5, 3), "W")
    loss = cross_entropy(x @ w.T, [0, 4, 2, 2])
    checks, skipped = checked(loss)  # no keep_all_grads: the loss itself is replayed
    assert not skipped and checks["x"]["ok"] and checks["W"]["ok"]
    np.testing.assert_allclose(checks["W"]["numeric"], w.grad, rtol=1e-5, atol=1e-8)


def test_a_value_graph_with_sin_and_max_is_checked():
    a, b, c = Value(0.4, label="a"), Value(-1.1, label="b"), Value(0.3, label="c")
    assert_all_checked((a.sin() * b).max(c * a) + (b ** 2).sigmoid(), ["a", "b", "c"])


def _cube_data(args, x):
    return x ** 3


@ops.declare("cube_checked", symbol="x³", math="d(a³)/da = 3a²", local=("3·{0}²",),
             forward=_cube_data)
def _cube_rule(node, upstream):
    (a,) = node.parents
    return (upstream * 3 * a.data * a.data,)


@ops.declare("cube_wrong", symbol="x³", math="d(a³)/da = 2a² (wrong)", local=("2·{0}²",),
             forward=_cube_data)
def _wrong_cube_rule(node, upstream):
    (a,) = node.parents
    return (upstream * 2 * a.data * a.data,)  # deliberately wrong: should be 3a²


@ops.declare("cube_blind", symbol="x³", math="d(a³)/da = 3a²", local=("3·{0}²",))
def _blind_cube_rule(node, upstream):
    (a,) = node.parents
    return (upstream * 3 * a.data * a.data,)


def test_a_learners_op_with_a_forward_is_checked_and_a_wrong_rule_is_marked():
    x, y = leaf(3, "x"), leaf(3, "y")
    good = (ops.apply(_cube_rule, _cube_data((), x.data), (x,)) * y).sum()
    assert_all_checked(good, ["x", "y"])
    x, y = leaf(3, "x", 0.5, 1.0), leaf(3, "y", 0.5, 1.0)
    bad = (ops.apply(_wrong_cube_rule, _cube_data((), x.data), (x,)) * y).sum()
    checks, skipped = checked(bad)
    assert not skipped
    assert not checks["x"]["ok"] and checks["y"]["ok"]  # only the leaf below the wrong rule
    np.testing.assert_allclose(checks["x"]["numeric"], 3 * x.data ** 2 * y.data, rtol=1e-5)
    v = Value(0.8, label="v")
    checks, _ = checked(ops.apply(_wrong_cube_rule, 0.8 ** 3, (v,)) * 2.0)
    assert not checks["v"]["ok"] and math.isclose(checks["v"]["numeric"], 6 * 0.64, rel_tol=1e-5)


def test_an_op_without_a_forward_says_so_unless_it_is_the_root():
    x = leaf(3, "x")
    inner = (ops.apply(_blind_cube_rule, x.data ** 3, (x,)) * 2.0).sum()
    checks, skipped = checked(inner)
    assert checks["x"] is None
    assert any("'cube_blind' declares no forward" in text and "forward=" in text
               for text in skipped)
    # at the root (its parents' gradients kept) everything below it is still checked
    y = leaf((), "y")
    top = ops.apply(_blind_cube_rule, (y.data * 2.0) ** 3, (y * 2.0,))
    assert_all_checked(top, ["y"], keep_all_grads=True)


def test_a_forward_that_refuses_a_nudged_input_stops_the_check_with_a_reason():
    x = Value(1e-7, label="x")  # x − h is negative: log refuses it
    checks, skipped = checked(x.log() * 2.0)
    assert checks["x"] is None
    assert any("stopped at log: ValueError" in text for text in skipped), skipped


def test_a_learners_forward_with_a_bug_is_told_and_the_page_still_shows():
    @ops.declare("cube_buggy", symbol="x³", math="d(a³)/da = 3a²", local=("3·{0}²",),
                 forward=lambda x: x ** 3)  # forgot the args parameter
    def buggy_rule(node, upstream):
        (a,) = node.parents
        return (upstream * 3 * a.data * a.data,)

    x = leaf(2, "x")
    loss = (ops.apply(buggy_rule, x.data ** 3, (x,)) * 2.0).sum()
    checks, skipped = checked(loss)
    assert checks["x"] is None
    assert any("stopped at cube_buggy: TypeError" in text for text in skipped), skipped

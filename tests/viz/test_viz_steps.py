"""viz.steps: the forward and backward passes, explained in the engine's order."""

import numpy as np
import pytest

import viz
from tinygrad_edu import Tensor, Value, topo_order
from viz.demo import lecture_fwb as lecture_graph


def test_forward_steps_follow_the_topological_order():
    f = lecture_graph()
    forward = [s for s in viz.steps(f) if s.phase == "forward"]
    assert [s.node for s in forward] == ["n0", "n1", "n2", "n3", "n4"]
    assert forward[2].lines == ("g = w × x = (-2) × 5 = -10",)
    assert forward[4].lines == ("f = g + b = (-10) + 3 = -7",)


def test_backward_steps_are_the_lecture_chain_rule():
    backward = [s for s in viz.steps(lecture_graph()) if s.phase == "backward"]
    assert backward[0].lines == ("∂f/∂f = 1: the output's gradient with respect to itself",)
    assert backward[2].lines == ("∂f/∂w = ∂f/∂g · ∂g/∂w = 1 × x = 1 × 5 = 5",
                                 "∂f/∂x = ∂f/∂g · ∂g/∂x = 1 × w = 1 × (-2) = -2")
    assert backward[1].reveal_grads == ("n2", "n3")  # g and b get theirs at the + gate
    assert backward[2].highlight == ("n0", "n1")


def test_backward_steps_run_in_the_engines_order():
    w, x, b = Value(1.5, label="w"), Value(-0.5, label="x"), Value(0.25, label="b")
    z = (w * x + b).tanh() * w + (x * b).exp()
    z.backward()
    order = topo_order(z)
    # the engine runs the rules in reverse topological order (autograd.run_backward)
    engine = [f"n{order.index(n)}" for n in reversed(order) if not n.is_leaf]
    explained = [s.node for s in viz.steps(z) if s.phase == "backward"][1:]
    assert explained == engine and len(engine) == 7


def test_a_node_used_several_times_sums_its_gradients():
    a = Value(3.0, label="a")
    y = a * a + a
    y.label = "y"
    y.backward()
    text = viz.format_steps(viz.steps(y))
    assert "a is used 3 times: 1 of 3 gradients have arrived, so far 1" in text
    assert "a is used 3 times: its gradients add, 1 + 3 + 3 = 7" in text
    assert a.grad == 7.0
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    f = w * x + w * w  # ∂f/∂w = x + 2w = 3 + 4
    f.backward()
    text = viz.format_steps(viz.steps(f))
    assert "w is used 3 times" in text and f"= {w.grad:g}" in text
    g = w * x + w
    g.backward()
    assert "w is used twice: its gradients add, 1 + 3 = 4" in viz.format_steps(viz.steps(g))


def test_korean_explanations():
    text = viz.format_steps(viz.steps(lecture_graph(), lang="ko"))
    assert "순전파: w" in text and "역전파 시작: f" in text
    assert "∂f/∂w = ∂f/∂g · ∂g/∂w = 1 × x = 1 × 5 = 5" in text
    assert "(입력)" in text
    with pytest.raises(ValueError, match="lang"):
        viz.steps(lecture_graph(), lang="fr")


def test_decomposed_sigmoid_steps_name_each_gate():
    x = Value(0.0, label="x")
    s = x.sigmoid(decompose=True)
    s.label = "s"
    s.backward()
    text = viz.format_steps(viz.steps(s))
    assert "Backward through 1/x at s" in text and "Backward through exp" in text
    assert "1 × (−1/t3²) = 1 × (-0.25) = -0.25" in text  # 1/x at 1 + e^0 = 2
    assert x.grad == pytest.approx(0.25)


def test_before_backward_only_the_forward_pass_is_told():
    a, c = Value(2.0, label="a"), Value(3.0, label="c")
    product = a * c
    found = viz.steps(product)
    assert [s.phase for s in found] == ["forward"] * 3 + ["note"]
    text = viz.format_steps(found)
    assert "backward() has not run yet" in text and "product.backward()" in text
    assert "= 0" not in text  # no made-up zero gradients
    assert "∂" not in text


def test_constants_get_no_steps_unless_asked():
    x = Value(5.0, label="x")
    f = (x + 1) * 2
    f.label = "f"
    f.backward()
    text = viz.format_steps(viz.steps(f))
    assert "∂f/∂1" not in text and "∂f/∂2" not in text
    assert "∂f/∂x = ∂f/∂t1 · ∂t1/∂x = 2 × 1 = 2" in text
    shown = viz.format_steps(viz.steps(f, show_constants=True))
    assert "∂f/∂2 = ∂f/∂f · ∂f/∂2 = 1 × t1 = 1 × 6 = 6" in shown


def test_tensor_steps_show_shapes_and_rules():
    a = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True, label="A")
    w = Tensor([[1.0], [2.0]], requires_grad=True, label="W")
    loss = (a @ w).relu().sum()
    loss.label = "loss"
    loss.backward(keep_all_grads=True)
    text = viz.format_steps(viz.steps(loss))
    assert "A = [1, -2, 3, 4]  (parameter)" in text
    assert "∂loss/∂A = ∂loss/∂t1 · ∂t1/∂A = upstream @ Wᵀ = upstream (2, 1) @ Wᵀ (1, 2)" in text
    assert "∂loss/∂W = ∂loss/∂t1 · ∂t1/∂W = Aᵀ @ upstream = Aᵀ (2, 2) @ upstream (2, 1)" in text
    np.testing.assert_allclose(a.grad, [[0, 0], [1, 2]])
    assert "= [0, 0, 1, 2]" in text  # A's gradient, from the engine


def test_tensor_steps_after_a_plain_backward_say_how_to_keep_every_gradient():
    a = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True, label="A")
    loss = (a * 2).relu().sum()
    loss.backward()  # intermediate tensors let their gradients go, as in PyTorch
    for lang in ("en", "ko"):
        text = viz.format_steps(viz.steps(loss, lang=lang))
        assert "keep_all_grads=True" in text
        assert "∂loss/∂A = [2, 0, 2, 2]" in text  # the leaves' gradients are still there
    loss2 = (a * 2).relu().sum()
    loss2.backward(keep_all_grads=True)
    assert "keep_all_grads=True" not in viz.format_steps(viz.steps(loss2))

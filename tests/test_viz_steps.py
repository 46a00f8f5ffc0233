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
    through_mul = backward[2].text
    assert "upstream:   ∂f/∂g = 1" in through_mul
    assert "local:      ∂g/∂w = x = 5" in through_mul
    assert "downstream: ∂f/∂w = upstream × local = 1 × 5 = 5" in through_mul
    assert "local:      ∂g/∂x = w = -2" in through_mul
    assert "downstream: ∂f/∂x = upstream × local = 1 × (-2) = -2" in through_mul
    assert backward[1].reveal_grads == ("n2", "n3")  # g and b are final after the + gate


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
    text = "\n".join(s.text for s in viz.steps(y))
    assert "a is used 3 times: 1 of 3 gradients have arrived" in text
    assert "∂y/∂a = 1 + 3 + 3 = 7" in text
    assert a.grad == 7.0


def test_korean_explanations():
    text = viz.format_steps(viz.steps(lecture_graph(), lang="ko"))
    assert "순전파: w" in text and "역전파 시작: f" in text
    assert "상위 기울기(upstream):   ∂f/∂g = 1" in text
    assert "국소 기울기(local):      ∂g/∂w = x = 5" in text
    assert "하위 기울기(downstream): ∂f/∂w = 상위 × 국소 = 1 × 5 = 5" in text
    with pytest.raises(ValueError, match="lang"):
        viz.steps(lecture_graph(), lang="fr")


def test_decomposed_sigmoid_steps_name_each_gate():
    x = Value(0.0, label="x")
    s = x.sigmoid(decompose=True)
    s.label = "s"
    s.backward()
    text = viz.format_steps(viz.steps(s))
    assert "Backward through 1/x at s" in text and "Backward through exp" in text
    assert "-1/t3² = -0.25" in text  # 1/x at 1 + e^0 = 2: -1/2² = -0.25
    assert x.grad == pytest.approx(0.25)


def test_tensor_steps_show_shapes_and_rules():
    a = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True, label="A")
    w = Tensor([[1.0], [2.0]], requires_grad=True, label="W")
    loss = (a @ w).relu().sum()
    loss.label = "loss"
    loss.backward(keep_all_grads=True)
    text = viz.format_steps(viz.steps(loss))
    assert "shape (2, 2)" in text and "shape (2, 1)" in text
    assert "∂t1/∂A = upstream @ Wᵀ" in text
    np.testing.assert_allclose(a.grad, [[0, 0], [1, 2]])
    assert "[0, 0, 1, 2]" in text  # A's gradient, from the engine


def test_tensor_steps_after_a_plain_backward_say_how_to_keep_every_gradient():
    a = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True, label="A")
    loss = (a * 2).relu().sum()
    loss.backward()  # intermediate tensors let their gradients go, as in PyTorch
    for lang in ("en", "ko"):
        text = viz.format_steps(viz.steps(loss, lang=lang))
        assert "keep_all_grads=True" in text
    loss2 = (a * 2).relu().sum()
    loss2.backward(keep_all_grads=True)
    assert "keep_all_grads=True" not in viz.format_steps(viz.steps(loss2))

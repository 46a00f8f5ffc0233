"""viz.narration: every rule of the backward story, checked against the engine."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import viz
from tinygrad_edu import Tensor, Value, topo_order
from viz.narration import broadcast_axes


def lines_of(root, **options):
    return [line for step in viz.steps(root, **options) for line in step.lines]


def numbers_after_equals(line):
    return float(line.rsplit("=", 1)[1])


def test_each_backward_line_is_upstream_times_local_in_names_then_numbers():
    w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    g = w * x
    f = g + b
    f.backward()
    lines = lines_of(f)
    assert "∂f/∂w = ∂f/∂g · ∂g/∂w = 1 × x = 1 × 5 = 5" in lines
    assert "∂f/∂x = ∂f/∂g · ∂g/∂x = 1 × w = 1 × (-2) = -2" in lines
    # every downstream number is the gradient the engine stored
    assert numbers_after_equals(next(x for x in lines if x.startswith("∂f/∂w"))) == w.grad


@pytest.mark.parametrize("shape, axes, kept", [
    ((2,), "axis 0", None), ((3, 1), "axis 1", "axis 1"), ((1, 2), "axis 0", "axis 0"),
    ((), "axes 0 and 1", None), ((1, 1), "axes 0 and 1", "axes 0 and 1"), ((3, 2), None, None)])
def test_broadcasting_names_the_axes_the_gradient_is_summed_over(shape, axes, kept):
    x = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True, label="x")
    b = Tensor(np.ones(shape), requires_grad=True, label="b")
    y = (x * b).sum()
    y.backward(keep_all_grads=True)
    found = [line for line in lines_of(y) if "broadcast" in line]
    if axes is None:
        assert found == []
        return
    assert found == [f"b has shape {shape} and was broadcast to (3, 2): its gradient is the "
                     f"upstream summed over {axes}" + (f" (keeping {kept} as size 1)" if kept
                                                       else "")]
    # and the summed gradient is what the engine gave b: x summed over those axes
    added, kept_axes = broadcast_axes(shape, (3, 2))
    expected = x.data.sum(axis=tuple(added + kept_axes), keepdims=True).reshape(shape)
    np.testing.assert_allclose(b.grad, expected)


def test_broadcast_axes_of_a_higher_rank_pattern():
    assert broadcast_axes((2, 1), (4, 2, 3)) == ([0], [2])
    assert broadcast_axes((4, 1, 3), (4, 5, 3)) == ([], [1])
    assert broadcast_axes((5,), (5,)) == ([], [])


def test_matrix_products_name_the_shapes():
    x = Tensor(np.ones((4, 2)), requires_grad=True, label="X")
    w = Tensor(np.full((2, 1), 0.5), requires_grad=True, label="W")
    y = (x @ w).sum()
    y.backward(keep_all_grads=True)
    text = "\n".join(lines_of(y))
    assert "upstream @ Wᵀ = upstream (4, 1) @ Wᵀ (1, 2)" in text
    assert "Xᵀ @ upstream = Xᵀ (2, 4) @ upstream (4, 1)" in text


def test_a_linear_layer_names_its_shapes_and_parameters():
    import tinygrad_edu.nn as nn

    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    loss = (model(Tensor(np.ones((4, 2), dtype=np.float32))) ** 2).mean()
    loss.backward(keep_all_grads=True)
    text = "\n".join(lines_of(loss, modules=model))
    assert "∂loss/∂0.weight = ∂loss/∂t1 · ∂t1/∂0.weight = upstreamᵀ (3, 4) @ x1 (4, 2)" in text
    assert "∂loss/∂2.bias = ∂loss/∂t3 · ∂t3/∂2.bias = upstream (4, 1) summed over rows" in text


def test_reuse_adds_the_gradients_and_the_sum_is_the_engines():
    w = Value(2.0, label="w")
    x = Value(3.0, label="x")
    f = w * x + w  # ∂f/∂w = x + 1
    f.backward()
    lines = lines_of(f)
    used = [line for line in lines if line.startswith("w is used twice")]
    assert used == ["w is used twice: 1 of 2 gradients have arrived, so far 1",
                    "w is used twice: its gradients add, 1 + 3 = 4"]
    assert w.grad == 4.0


def test_a_leaf_that_accumulated_over_two_backward_calls_is_said_to_have():
    w, x = Value(2.0, label="w"), Value(5.0, label="x")
    f = w * x
    f.backward(retain_graph=True)
    f.backward()  # no zero_grad between: w.grad is 10, this pass gave 5
    text = "\n".join(lines_of(f))
    assert "w.grad is 10, not 5: an earlier backward() added to it" in text


def test_before_backward_nothing_about_gradients_is_claimed():
    a, c = Value(2.0, label="a"), Value(3.0, label="c")
    out = a * c
    text = "\n".join(lines_of(out))
    assert "∂" not in text and "backward() has not run yet" in text
    with pytest.raises(ValueError, match=r"^passes=2 .* call out.backward\(\) first$"):
        viz.steps(out, passes=2)  # a path that needs gradients: one clear line
    with pytest.raises(ValueError, match="backward"):
        viz.explorer_document(out, passes=2)
    t = Tensor([1.0, 2.0], requires_grad=True, label="t")
    total = (t * t).sum()
    assert "backward() has not run yet" in "\n".join(lines_of(total, lang="en"))
    assert "backward()를 실행하지 않았습니다" in "\n".join(lines_of(total, lang="ko"))


def test_released_tensor_gradients_give_the_hint_from_every_entry_point(tmp_path):
    import tinygrad_edu.nn as nn
    import tinygrad_edu.nn.functional as F

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    Y = np.array([[0], [1], [1], [0]], dtype=np.float32)
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    loss = F.binary_cross_entropy(model(Tensor(X)), Y)
    loss.backward()  # the training guide's XOR: intermediate gradients are let go
    hint = "backward(keep_all_grads=True)"
    assert hint in viz.format_steps(viz.steps(loss))
    assert hint in viz.draw(loss).source
    document = viz.explorer_document(loss)
    assert document["state"] == "released" and hint in document["note"]
    assert hint in viz.html_page(loss)


def test_constants_have_no_gradient_and_no_steps_unless_asked():
    x = Value(5.0, label="x")
    f = x * 2 + 1
    f.label = "f"
    f.backward()
    text = "\n".join(lines_of(f))
    assert not re.search(r"∂f/∂[12]\b", text)
    source = viz.draw(f).source
    assert source.count("<td>grad</td>") == 3  # x, t1 and f; not the constants 2 and 1
    shown = "\n".join(lines_of(f, show_constants=True))
    assert "∂f/∂1 = ∂f/∂f · ∂f/∂1 = 1 × 1 = 1" in shown
    assert viz.draw(f, show_constants=True).source.count("<td>grad</td>") == 5


def twice_without_zeroing(build):
    """What the engine itself gives: two backward() calls, then zero_grad and a third."""
    root, leaves = build()
    root.backward(retain_graph=True)
    first = [leaf.grad for leaf in leaves]
    root.backward(retain_graph=True)
    second = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    root.backward()
    return first, second, [leaf.grad for leaf in leaves]


def test_a_second_pass_without_zero_grad_is_what_the_engine_does():
    def build():
        w, x = Value(-2.0, label="w"), Value(5.0, label="x")
        b = Value(3.0, label="b")
        return w * x + b * w, [w, x, b]

    first, second, third = twice_without_zeroing(build)
    root, leaves = build()
    root.backward()
    found = viz.steps(root, passes=2)
    phases = [s.phase for s in found]
    assert phases.index("second-pass") < phases.index("after-zero_grad")
    text = viz.format_steps(found)
    assert f"w: {first[0]:g} + {first[0]:g} = {second[0]:g}" in text  # 8 + 8 = 16
    assert "Op results start afresh" in text and "zero_grad() sets every leaf" in text
    document = viz.explorer_document(root, passes=2)
    steps = document["views"]["main"]["steps"]
    held = {}
    for step in steps:  # what the page shows at the end of each pass
        held.update({(step["pass"], k): v["grad"] for k, v in step["show"].items()})
    for number, expected in ((1, first), (2, second), (3, third)):
        assert [float(held[(number, f"n{i}")]) for i in (0, 1, 3)] == expected


def test_practice_answers_are_the_engines_numbers():
    w, x = Value(-2.0, label="w"), Value(5.0, label="x")
    g = (w * x).tanh() + w  # w is used twice: the sum line must not give answers away
    g.backward()
    steps = viz.explorer_document(g)["views"]["main"]["steps"]
    questions = [q for s in steps if s["practice"] for q in s["practice"]["questions"]]
    answers = {}
    for q in questions:  # one question per gradient that arrives; a reused w gets two
        if q["level"] == 1:
            answers[q["prompt"]] = answers.get(q["prompt"], 0.0) + q["answer"]
    assert math.isclose(answers["∂g/∂w = ?"], w.grad, rel_tol=1e-5)
    assert math.isclose(answers["∂g/∂x = ?"], x.grad, rel_tol=1e-5)
    assert answers["t1 = ?"] == -10.0  # the forward pass can be practised too
    for step in steps:
        if step["practice"] and step["phase"] == "backward":
            for line in step["practice"]["masked"] + step["practice"]["masked_hard"]:
                assert "?" in line
            assert all("?" in line for line in step["practice"]["masked_hard"][:1])


def test_derivatives_said_in_words_are_translated():
    x = Tensor(np.ones((2, 2)), requires_grad=True, label="x")
    y = x.sum()
    y.backward()
    assert "upstream () → (2, 2): 1, copied back to every summed element = [1, 1, 1, 1]" in \
        "\n".join(lines_of(y))
    assert "upstream () → (2, 2): 1, 합한 모든 원소로 복사 = [1, 1, 1, 1]" in \
        "\n".join(lines_of(y, lang="ko"))


def test_gradients_from_another_outputs_backward_are_not_told_as_this_ones():
    w, x = Value(2.0, label="w"), Value(5.0, label="x")
    h = w * x
    loss = h * 3
    loss.backward()  # h.grad is ∂loss/∂h = 3, not ∂h/∂h
    text = viz.format_steps(viz.steps(h))
    assert "∂h/∂h" not in text and "another output" in text
    assert "<td>grad</td>" not in viz.draw(h).source
    assert viz.explorer_document(h)["forward_only"]


def test_rules_written_with_the_upstream_are_not_multiplied_by_it_again():
    import tinygrad_edu as tg

    a = Tensor(np.array([[1.0, 2.0], [0.5, -1.0]]), requires_grad=True, label="a")
    loss = (tg.cat([a.softmax(axis=1), a], axis=0) * Tensor(np.arange(8.0).reshape(4, 2))).sum()
    loss.backward(keep_all_grads=True)
    text = "\n".join(lines_of(loss))
    assert "= t1·(upstream − Σ upstream·t1) = " in text and "upstream × (t1·" not in text
    assert "upstream (4, 2) → (2, 2): its own slice of upstream" in text
    assert "the cat rule" not in text


def test_a_result_made_without_a_graph_says_so():
    from tinygrad_edu import no_grad

    t = Tensor(np.ones(3), requires_grad=True, label="t")
    with no_grad():
        z = t * 2
    text = viz.format_steps(viz.steps(z))
    assert "made without a graph" in text and "call z.backward()" not in text


def test_a_loss_whose_rule_cannot_run_again_shows_the_stored_gradient():
    import tinygrad_edu.nn.functional as F

    p = Tensor(np.array([[0.2], [0.7]]), requires_grad=True, label="p")
    probability = p.sigmoid()
    loss = F.binary_cross_entropy(probability, np.array([[0.0], [1.0]]))
    loss.backward(keep_all_grads=True)  # the target BCE saved is freed now
    found = [s for s in viz.steps(loss) if s.title.startswith("Backward through BCE")]
    assert len(found) == 1
    text = found[0].text
    assert "backward(retain_graph=True)" in text
    assert f"∂loss/∂probability = {viz.graph.summarize(probability.grad)}" in text


def random_graph(ops, values):
    """A Value graph from a list of (op, i, j): each op combines two earlier nodes."""
    nodes = [Value(v, label=f"v{k}") for k, v in enumerate(values)]
    for op, i, j in ops:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "+":
            nodes.append(a + b)
        elif op == "*":
            nodes.append(a * b)
        elif op == "-":
            nodes.append(a - b)
        elif op == "tanh":
            nodes.append(a.tanh())
        else:
            nodes.append((a * 0.5).exp() * b)
    return nodes[-1], nodes[:len(values)]


@given(st.lists(st.tuples(st.sampled_from(["+", "*", "-", "tanh", "exp"]),
                          st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=12),
       st.lists(st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3)),
                min_size=1, max_size=4))
def test_the_told_gradients_add_up_to_the_engines_on_random_graphs(ops, values):
    root, leaves = random_graph(ops, values)
    root.backward()
    document = viz.explorer_document(root, check_gradients=False)
    steps, out = document["views"]["main"]["steps"], document["nodes"][document["root"]]["name"]
    told: dict[str, float] = {}
    for step in steps:  # every gradient that arrives is one question of its step
        for question in (step["practice"] or {"questions": []})["questions"]:
            if question["level"] == 1 and step["phase"] == "backward":
                told[question["prompt"]] = told.get(question["prompt"], 0.0) + question["answer"]
    used = [leaf for leaf in leaves
            if any(leaf is p for n in topo_order(root) for p in n.parents)]
    assert used  # the first op always takes leaves
    for leaf in used:
        assert told[f"∂{out}/∂{leaf.label} = ?"] == pytest.approx(leaf.grad, rel=1e-4,
                                                                  abs=1e-5)


def test_a_node_used_thousands_of_times_is_summed_in_one_short_line():
    w = Value(0.5, label="w")
    total = Value(0.0, label="start")
    for i in range(3000):
        total = total + w * (i % 3)
    total.backward()
    used = [line for line in lines_of(total) if line.startswith("w is used 3000 times: its")]
    assert len(used) == 1 and " + … + " in used[0] and len(used[0]) < 200
    assert used[0].endswith(f"= {w.grad:g}")

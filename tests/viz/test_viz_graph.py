"""viz.graph and viz.dot: the graph model and the drawing (no rendering here)."""


import numpy as np
import pytest

import viz
from tinygrad_edu import Tensor, Value, topo_order
from viz.collapse import collapse
from viz.demo import lecture_fwb as lecture_graph
from viz.graph import to_networkx
from viz.opinfo import op_symbol


def scalar_chain(nodes: int) -> Value:
    """About ``nodes`` Value nodes: total = Σ tanh(x_i * x_i)."""
    total = Value(0.0, label="start")
    for i in range(nodes // 4):
        x = Value((i % 7) / 7 - 0.5, label=f"x{i}")
        total = total + (x * x).tanh()
    total.label = "total"
    return total


def snapshot(root):
    return [(n.label, n.op, n.args, n.parents, getattr(n, "data", None), n.grad)
            for n in topo_order(root)]


def test_model_has_value_and_op_vertices_with_values_and_grads():
    model = to_networkx(lecture_graph())
    values = {a["name"]: a for _, a in model.nodes(data=True) if a["kind"] == "value"}
    assert {name: (a["data"], a["grad"]) for name, a in values.items()} == {
        "w": (-2.0, 5.0), "x": (5.0, -2.0), "g": (-10.0, 1.0), "b": (3.0, 1.0), "f": (-7.0, 1.0)}
    ops = [a["symbol"] for _, a in model.nodes(data=True) if a["kind"] == "op"]
    assert ops == ["×", "+"]
    assert values["w"]["leaf"] and not values["g"]["leaf"]
    # data flows parent -> op -> result, ids follow the topological order
    assert list(model.successors("n0")) == ["op2"] and list(model.successors("op2")) == ["n2"]
    assert model.graph["root"] == "n4"


def test_a_parent_used_twice_is_drawn_with_two_edges():
    a = Value(3.0, label="a")
    y = a * a
    y.backward()
    model = to_networkx(y)
    assert model.edges["n0", "op1"]["positions"] == [0, 1]
    assert viz.draw(y).source.count("n0 -> op1") == 2


def test_viz_only_reads_the_graph(tmp_path):
    f = lecture_graph()
    before = snapshot(f)
    viz.draw(f)
    viz.steps(f)
    viz.html(f, tmp_path / "page.html")
    assert snapshot(f) == before


def test_op_symbols_are_the_blackboard_ones():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    made = [a * b, a + b, a.exp(), a.reciprocal(), a.sigmoid(), a.relu()]
    assert [op_symbol(node) for node in made] == ["×", "+", "exp", "1/x", "σ", "ReLU"]
    assert op_symbol(a ** 2) == "x²"
    assert op_symbol(a.leaky_relu(0.1)) == "LeakyReLU(0.1)"
    t = Tensor(np.ones((2, 3)), requires_grad=True)
    assert [op_symbol(t @ t.T), op_symbol(t.sum()), op_symbol(t.sum(axis=0))] == [
        "@", "Σ", "Σ axis=0"]


def test_tensor_graph_shows_shapes_dtype_and_small_data():
    a = Tensor(np.arange(12.0).reshape(3, 4) - 5, requires_grad=True, label="a")
    w = Tensor(np.ones((4, 2)), requires_grad=True, label="W")
    loss = (a.relu() @ w).sum()
    loss.backward(keep_all_grads=True)  # tensors keep intermediate gradients only if asked
    source = viz.draw(loss).source
    assert "(3, 4) float32" in source and "(4, 2) float32" in source and "(3, 2) float32" in source
    assert "[1, 1, 1, 1, 1, 1]" in source  # the (3, 2) product's gradient: six numbers shown
    assert "mean" in source  # summaries for more than six numbers
    assert ">ReLU<" in source or "label=ReLU" in source
    model = to_networkx(loss)
    assert model.nodes["n0"]["shape"] == (3, 4) and model.nodes["n0"]["grad_shape"] == (3, 4)


def test_decomposed_sigmoid_draws_the_four_gates_with_the_fused_gradient():
    x1 = Value(0.7, label="x")
    s1 = x1.sigmoid(decompose=True)
    s1.backward()
    x2 = Value(0.7, label="x")
    s2 = x2.sigmoid()
    s2.backward()
    model = to_networkx(s1)
    symbols = [a["symbol"] for _, a in model.nodes(data=True) if a["kind"] == "op"]
    assert symbols == ["×", "exp", "+", "1/x"]
    assert model.nodes["n0"]["grad"] == pytest.approx(x2.grad, rel=1e-12)
    fused = [a["symbol"] for _, a in to_networkx(s2).nodes(data=True) if a["kind"] == "op"]
    assert fused == ["σ"]


def test_big_graphs_collapse_into_counted_groups_and_expand_on_request():
    root = scalar_chain(1200)
    root.backward()
    values = len(topo_order(root))
    drawing = viz.draw(root)
    assert "folded into boxes" in drawing.source
    collapsed = collapse(to_networkx(root))
    groups = [a for _, a in collapsed.nodes(data=True) if a["kind"] == "group"]
    kept = [v for v, a in collapsed.nodes(data=True) if a["kind"] == "value"]
    assert groups and sum(g["count"] for g in groups) + len(kept) == values
    assert any(g["symbol"] == "tanh" for g in groups)
    assert "class=group" in drawing.source
    assert "class=group" not in viz.draw(root, expand=True).source
    assert "class=group" not in viz.draw(scalar_chain(40)).source


def test_a_5000_node_graph_draws_folded_or_whole():
    # (how fast is benchmarks/bench_viz.py's business, not a unit test's)
    root = scalar_chain(5000)
    root.backward()
    count = len(topo_order(root))
    assert count >= 5000
    folded = viz.draw(root).source
    assert folded.count('class="value') < 100 and f"{count:,} nodes: folded" in folded
    whole = viz.draw(root, expand=True).source
    assert whole.count('class="value') == count


def test_the_same_graph_gives_the_same_drawing():
    assert viz.draw(lecture_graph()).source == viz.draw(lecture_graph()).source
    assert viz.draw(scalar_chain(800)).source == viz.draw(scalar_chain(800)).source


def test_draw_refuses_what_it_cannot_draw():
    with pytest.raises(TypeError, match="Value or a Tensor"):
        viz.draw(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw(lecture_graph(), rankdir="up")


def test_show_grad_false_leaves_gradients_out():
    source = viz.draw(lecture_graph(), show_grad=False, legend=False).source
    assert "<td>grad</td>" not in source and "#c0392b" not in source
    assert "<td>grad</td>" in viz.draw(lecture_graph()).source


def test_nn_layers_appear_as_labelled_clusters():
    import tinygrad_edu.nn as nn

    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    x = Tensor([[0.0, 1.0], [1.0, 0.0]], label="x")
    loss = (model(x) ** 2).mean()
    loss.backward()
    graph = to_networkx(loss, modules=model)
    by_module = {}
    for vertex, attributes in graph.nodes(data=True):
        if attributes.get("module") is not None:
            by_module.setdefault(attributes["module"], []).append(vertex)
    assert sorted(by_module) == ["0", "2"]
    names = {graph.nodes[v].get("name") for v in by_module["0"]}
    assert {"0.weight", "0.bias"} <= names  # one name per thing: the path in the model
    assert graph.nodes["n0"].get("module") is None  # the input is no layer's
    source = viz.draw(loss, modules=model).source
    assert 'label="0: Linear"' in source and 'label="2: Linear"' in source
    assert source.count("subgraph cluster_module") == 2

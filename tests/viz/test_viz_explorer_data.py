"""viz.explorer_document: the data the explorer page renders."""

import json
import math

import numpy as np
import pytest

import viz
from tinygrad_edu import Tensor, Value, topo_order
from viz.demo import lecture_fwb


def snapshot(root):
    return [(n.label, n.op, n.parents, np.copy(n.data), None if n.grad is None else np.copy(n.grad))
            for n in topo_order(root)]


def same(a, b):
    return all(x[:3] == y[:3] and np.array_equal(x[3], y[3], equal_nan=True)
               and (x[4] is None) == (y[4] is None)
               and (x[4] is None or np.array_equal(x[4], y[4], equal_nan=True))
               for x, y in zip(a, b, strict=True))


def test_the_document_is_plain_json_and_follows_the_schema():
    f = lecture_fwb()
    document = viz.explorer_document(f)
    json.dumps(document, allow_nan=False)  # no NaN, no numpy objects
    assert document["version"] == 1 and document["root"] == "n4"
    assert document["state"] == "backward" and not document["forward_only"]
    assert set(document["nodes"]) == {f"n{i}" for i in range(5)}
    w = document["nodes"]["n0"]
    assert (w["name"], w["kind"], w["value"], w["grad"]) == ("w", "input", -2.0, 5.0)
    main = document["views"]["main"]
    assert main["svg"].startswith("<svg") and 'id="n0"' in main["svg"]
    for step in main["steps"]:
        assert set(step) >= {"phase", "pass", "node", "title", "lines", "values", "grads",
                             "show", "receives", "edges", "practice"}
        for edge in step["edges"]:  # every edge a step names is drawn with that id
            assert f'id="{edge}"' in main["svg"], edge


def test_non_finite_numbers_and_hostile_labels_survive():
    x = Value(1000.0, label='</script><!--"\u2028')
    big = x.exp()  # inf
    y = big - big  # nan
    y.backward()
    document = viz.explorer_document(y)
    text = json.dumps(document, allow_nan=False, ensure_ascii=False)
    assert document["nodes"]["n0"]["name"] == '</script><!--"\u2028'
    assert document["nodes"]["n1"]["value"] == "inf"
    assert document["nodes"]["n2"]["value"] == "nan"
    assert "\u2028" in text


def test_before_backward_the_document_is_forward_only():
    a, c = Value(2.0, label="a"), Value(3.0, label="c")
    product = a * c
    document = viz.explorer_document(product)
    assert document["forward_only"] and "product.backward()" in document["note"]
    steps = document["views"]["main"]["steps"]
    assert {s["phase"] for s in steps} == {"forward"}
    assert all(node["grad"] is None for node in document["nodes"].values())
    assert "#c0392b" not in document["views"]["main"]["svg"]  # no gradient row drawn


def test_the_gradient_check_compares_central_differences_with_backprop():
    w, x, b = Value(0.3, label="w"), Value(-1.2, label="x"), Value(0.5, label="b")
    out = (w * x + b).tanh() * w
    out.backward()
    nodes = viz.explorer_document(out)["nodes"]
    checks = {n["name"]: n["check"] for n in nodes.values() if n["check"]}
    assert set(checks) == {"w", "x", "b"}
    for name, leaf in (("w", w), ("x", x), ("b", b)):
        assert checks[name]["ok"] and math.isclose(checks[name]["numeric"], leaf.grad,
                                                   rel_tol=1e-5)  # (6 digits kept)
    w.grad = 99.0  # as if a rule were wrong: the check marks that leaf, and only it
    checks = {n["name"]: n["check"] for n in viz.explorer_document(out)["nodes"].values()
              if n["check"]}
    assert not checks["w"]["ok"] and checks["x"]["ok"] and checks["b"]["ok"]
    assert viz.explorer_document(out, check_gradients=False)["nodes"]["n0"]["check"] is None


def test_the_check_works_on_float32_tensor_graphs_in_float64():
    rng = np.random.default_rng(0)
    a = Tensor(rng.normal(size=(3, 2)).astype(np.float32), requires_grad=True, label="A")
    b = Tensor(rng.normal(size=(2,)).astype(np.float32), requires_grad=True, label="b")
    loss = ((a + b).sigmoid() @ Tensor(np.ones((2, 1), np.float32))).mean()
    loss.backward(keep_all_grads=True)
    nodes = viz.explorer_document(loss)["nodes"]
    a_entry = next(n for n in nodes.values() if n["name"] == "A")
    assert a_entry["check"]["ok"]
    np.testing.assert_allclose(a_entry["check"]["numeric"], a.grad, rtol=1e-4, atol=1e-7)


def test_gradient_magnitudes_and_dead_nodes():
    x, y = Value(-1.0, label="x"), Value(2.0, label="y")
    out = x.relu() + y * y
    out.backward()
    nodes = {n["name"]: n for n in viz.explorer_document(out)["nodes"].values()}
    assert nodes["x"]["dead"] and nodes["x"]["log_grad"] is None
    assert not nodes["y"]["dead"] and math.isclose(nodes["y"]["log_grad"], math.log10(4.0),
                                                      rel_tol=1e-5)


def test_tensor_values_are_tables_or_summaries_with_a_heatmap():
    small = Tensor(np.array([[1.0, -2.0], [3.0, 4.0]]), requires_grad=True, label="S")
    big = Tensor(np.linspace(-1, 1, 400).reshape(20, 20), requires_grad=True, label="B")
    loss = (small.sum() + big.sum()) * 1.0
    loss.backward(keep_all_grads=True)
    nodes = {n["name"]: n for n in viz.explorer_document(loss)["nodes"].values()}
    table = nodes["S"]["value_view"]
    assert table["kind"] == "table" and table["rows"] == [[1.0, -2.0], [3.0, 4.0]]
    assert table["scale"] == 4.0
    summary = nodes["B"]["value_view"]
    assert summary["kind"] == "summary" and summary["shape"] == [20, 20]
    heat = summary["heatmap"]
    assert heat["rows"] == heat["cols"] == 16 and len(heat["cells"]) == 256
    assert heat["cells"][0] < 0 < heat["cells"][-1] and max(map(abs, heat["cells"])) <= 1


def chain(count):
    total = Value(0.0, label="start")
    for i in range(count // 4):
        x = Value((i % 7) / 7 - 0.5, label=f"x{i}")
        total = total + (x * x).tanh()
    total.label = "total"
    total.backward()
    return total


def test_big_graphs_fold_and_steps_name_only_what_a_view_shows():
    total = chain(1200)
    before = snapshot(total)
    document = viz.explorer_document(total)
    assert same(before, snapshot(total))  # viz never changes the graph
    assert any(note["kind"] == "folded" for note in document["notes"])
    assert len(json.dumps(document, ensure_ascii=False).encode("utf-8")) < 2_000_000
    for name, view in document["views"].items():
        for step in view["steps"]:
            shown = view["alias"].get(step["node"], step["node"])
            assert f'id="{shown}"' in view["svg"], (name, step["node"])
    groups = document["views"]["main"]["groups"]
    for gid in groups:
        view = document["views"][gid]
        assert view["parent"] == "main" and view["steps"]
    whole = viz.explorer_document(total, expand=True, check_gradients=False)
    assert len(whole["nodes"]) == len(topo_order(total))
    with pytest.raises(ValueError, match="expand"):
        viz.explorer_document(total, expand=["g999999"])


def test_korean_document_and_drawing():
    document = viz.explorer_document(lecture_fwb(), lang="ko")
    svg = document["views"]["main"]["svg"]
    assert "순전파" in document["views"]["main"]["steps"][0]["title"]
    assert "범례" in svg and "기울기" in svg and "Noto Sans CJK KR" in svg
    assert "Apple SD Gothic Neo" in svg and "Malgun Gothic" in svg
    assert document["words"]["next"] == "다음"
    with pytest.raises(ValueError, match="lang"):
        viz.explorer_document(lecture_fwb(), lang="fr")
    with pytest.raises(ValueError, match="passes"):
        viz.explorer_document(lecture_fwb(), passes=3)


def test_a_box_too_big_to_draw_opens_onto_smaller_boxes():
    from viz.collapse import collapse, fold
    from viz.explorer_groups import plan_group_views
    from viz.graph import to_networkx
    from viz.steps import graph_facts

    total = chain(1600)
    facts = graph_facts(total)
    folded = fold(facts)
    assert set(folded.edges) == set(collapse(to_networkx(total, facts=facts)).edges)
    planned = {view.id: view for view in plan_group_views(facts, folded, limit=16)}
    refolded = [view for view in planned.values() if not view.visible]
    assert refolded
    for view in refolded:  # its boxes are named inside it, and every one fits a screen
        boxes = [(v, a) for v, a in view.model.nodes(data=True) if a["kind"] == "group"]
        assert len(boxes) >= 2
        assert all(v.startswith(view.id + ".") and a["count"] <= 300 for v, a in boxes)
        inside = [m for _, a in boxes for m in a["members"]]
        assert sorted(inside) == sorted(folded.nodes[view.id]["members"])
    children = [view for view in planned.values() if "." in view.id]
    assert children and all(planned[view.parent].children.count(view.id) == 1
                            for view in children)
    document = viz.explorer_document(total, check_gradients=False)
    views = document["views"]
    for name, view in views.items():
        assert view["parent"] is None or view["parent"] in views
        assert all(views[child]["parent"] == name for child in view["groups"])
        assert not set(view["groups"]) & set(view["hints"])  # a box has a view or a hint
    assert any("expand=[" in hint for view in views.values() for hint in view["hints"].values())


def test_the_colour_mode_shows_sigmoid_gradients_vanishing_and_relu_keeping_them():
    def first_layer_log_grad(activation):
        rng = np.random.default_rng(0)
        h = Tensor(rng.normal(size=(4, 5)), label="x")
        weights = [Tensor(rng.normal(size=(5, 5)) * 0.5, requires_grad=True, label=f"W{k}")
                   for k in range(9)]
        for weight in weights:
            h = getattr(h @ weight, activation)()
        loss = h.mean()
        loss.backward(keep_all_grads=True)
        nodes = {n["name"]: n for n in viz.explorer_document(loss, check_gradients=False)
                 ["nodes"].values()}
        assert math.isclose(nodes["W0"]["log_grad"],
                            math.log10(np.mean(np.abs(weights[0].grad))), rel_tol=1e-4)
        return nodes["W0"]["log_grad"], nodes["W8"]["log_grad"]

    sigmoid_first, sigmoid_last = first_layer_log_grad("sigmoid")
    relu_first, relu_last = first_layer_log_grad("relu")
    assert sigmoid_last - sigmoid_first > 3  # the lecture's claim: thousands of times smaller
    assert relu_last - relu_first < sigmoid_last - sigmoid_first


def test_the_check_says_why_it_skipped_a_leaf():
    big = Tensor(np.ones((10, 10)), requires_grad=True, label="big")
    small = Tensor(np.ones(3), requires_grad=True, label="small")
    loss = big.sum() * small.sum()
    loss.backward(keep_all_grads=True)
    document = viz.explorer_document(loss)
    nodes = {n["name"]: n for n in document["nodes"].values()}
    assert nodes["small"]["check"]["ok"] and nodes["big"]["check"] is None
    assert any(note["kind"] == "check-skipped" and "more than 64 numbers" in note["text"]
               for note in document["notes"])


def test_expanding_a_group_draws_its_nodes_in_the_main_view():
    total = chain(1200)
    folded = viz.explorer_document(total, check_gradients=False)
    box, members = next((gid, view) for gid, view in folded["views"].items() if gid != "main")
    expanded = viz.explorer_document(total, check_gradients=False, expand=[box])
    main = expanded["views"]["main"]
    told = {step["node"] for step in main["steps"]}
    box_nodes = {step["node"] for step in members["steps"]}
    assert box_nodes <= told  # their steps are in the main story now
    assert all(f'id="{node}"' in main["svg"] for node in box_nodes)


def test_the_check_runs_below_a_loss_it_cannot_replay():
    import tinygrad_edu.nn as nn
    import tinygrad_edu.nn.functional as F

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    Y = np.array([[0], [1], [1], [0]], dtype=np.float32)
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    loss = F.binary_cross_entropy(model(Tensor(X)), Y)
    loss.backward(keep_all_grads=True)
    checks = {n["name"]: n["check"] for n in viz.explorer_document(loss)["nodes"].values()
              if n["check"]}
    assert set(checks) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert all(check["ok"] for check in checks.values())
    model[2].bias.grad = model[2].bias.grad + 1.0  # a wrong gradient is caught
    checks = {n["name"]: n["check"] for n in viz.explorer_document(loss)["nodes"].values()
              if n["check"]}
    assert not checks["2.bias"]["ok"] and checks["0.weight"]["ok"]

"""viz.time_steps and viz.bptt: an unrolled sequence folds into one box per time step;
backprop through time is told with the engine's numbers -- W_hh's per-step contributions
add up to its gradient, the gradients a state receives add up to its own, the factor per
step bounds how much one step back can grow a gradient -- and a detached state is a cut."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import viz
from tinygrad_edu import Tensor
from tinygrad_edu.autograd import topo_order
from tinygrad_edu.nn.recurrent import parse_step_label, time_steps
from viz.bptt import bptt_section, merge_steps
from viz.bptt_numbers import Recurrence, subscript
from viz.steps import graph_facts
from viz.time_steps import LANE, detached_leaves, fold_by_time

LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def unrolled(kind="rnn", steps=5, layers=1, seed=0, hidden=3, **options):
    """A sequence layer over ``steps`` steps, a squared loss, backward keeping every
    gradient; returns (loss, layer)."""
    rng = np.random.default_rng(seed)
    layer = LAYERS[kind](2, hidden, num_layers=layers, dtype=np.float64, **options)
    for _, p in layer.named_parameters():
        p.data = rng.uniform(-0.8, 0.8, p.shape)
    out, _ = layer(Tensor(rng.standard_normal((steps, 2, 2))))
    loss = (out * Tensor(rng.standard_normal(out.shape))).sum()
    loss.backward(keep_all_grads=True)
    return loss, layer


def folded(loss, layer):
    facts = graph_facts(loss, modules=layer)
    return facts, fold_by_time(facts, layer)


def test_a_five_step_rnn_folds_into_one_box_per_step_in_the_order_of_time():
    loss, layer = unrolled()
    facts, fold = folded(loss, layer)
    model = fold.model
    boxes = [(a["step"], v, a) for v, a in model.nodes(data=True) if a["kind"] == "group"]
    assert sorted(step for step, _, _ in boxes) == [1, 2, 3, 4, 5]
    for step, _, attributes in boxes:
        assert attributes["title"].splitlines()[0] == f"t = {step}"
        assert f"{subscript('h', step)} = tanh(" in attributes["title"]
    # a box holds exactly the nodes time_steps gives that step; the weights stay outside
    given = time_steps(facts.order)
    for step, _, attributes in boxes:
        members = {int(m[1:]) for m in attributes["members"]}
        assert members == {i for i, at in enumerate(given) if at == (step, 0)}
    weight_hh = facts.position[layer.weight_hh_l0]
    assert f"n{weight_hh}" in model and model.out_degree(f"n{weight_hh}") == 5
    # the recurrence: box t feeds box t + 1
    by_step = {step: vertex for step, vertex, _ in boxes}
    assert all(model.has_edge(by_step[t], by_step[t + 1]) for t in range(1, 5))
    # every box opens onto its cell's ops
    assert [view.id for view in fold.views] == [by_step[t] for t in range(1, 6)]
    assert all(len(view.visible) == 3 for view in fold.views)  # wx_t, h W_hhᵀ + wx_t, tanh


def test_the_explorer_document_folds_by_time_and_tells_each_step():
    loss, layer = unrolled()
    document = viz.explorer_document(loss, modules=layer)
    main = document["views"]["main"]
    assert len(main["groups"]) == 5 and "5 time steps" in document["notes"][0]["text"]
    titles = [s["title"] for s in main["steps"]]
    backward = [t for t in titles if t.startswith("Backward through time step")]
    assert backward == [f"Backward through time step t = {t}" for t in (5, 4, 3, 2, 1)]
    weight_step = titles.index("weight_hh_l0 is used at every step")
    assert weight_step == titles.index(backward[-1]) + 1  # complete once step 1 is done
    third = next(s for s in main["steps"] if s["title"].endswith("t = 3")
                 and s["phase"] == "backward")
    assert third["lines"][0] == "h₃ receives 2 gradients, from h₄ and from y₃; they add:"
    assert document["bptt"]["layers"][0]["kind"] == "rnn"
    # expand=True draws every node instead
    assert viz.explorer_document(loss, modules=layer, expand=True)["bptt"] is None


@pytest.mark.parametrize("kind, layers", [("rnn", 1), ("lstm", 1), ("gru", 1), ("rnn", 2),
                                          ("lstm", 2)])
def test_w_hh_contributions_per_step_add_up_to_the_engines_gradient(kind, layers):
    loss, layer = unrolled(kind, steps=4, layers=layers, seed=layers)
    facts, fold = folded(loss, layer)
    section = bptt_section(facts, fold, "en")
    assert [entry["layer"] for entry in section["layers"]] == list(range(layers))
    for entry in section["layers"]:
        weight = getattr(layer, f"weight_hh_l{entry['layer']}")
        parts = [np.array(q["rows"]) for q in entry["contributions"]]
        assert len(parts) == 4
        np.testing.assert_allclose(np.sum(parts, axis=0), weight.grad, rtol=1e-4, atol=1e-6)
        for index, per_step, total in zip(entry["entries"], entry["per_entry"],
                                          entry["totals"], strict=True):
            assert np.isclose(sum(per_step), weight.grad[tuple(index)], rtol=1e-4, atol=1e-6)
            assert np.isclose(total, weight.grad[tuple(index)], rtol=1e-5, atol=1e-8)
        # the first entry is the largest, the one the step writes out
        assert abs(entry["totals"][0]) == pytest.approx(np.abs(weight.grad).max(), rel=1e-5)


def test_a_big_w_hh_lists_its_largest_entries_step_by_step():
    loss, layer = unrolled("rnn", steps=3, hidden=12)
    facts, fold = folded(loss, layer)
    entry = bptt_section(facts, fold, "en")["layers"][0]
    assert entry["contributions"] is None and len(entry["entries"]) == 8
    grad = layer.weight_hh_l0.grad
    top = np.sort(np.abs(grad), axis=None)[::-1][:8]
    np.testing.assert_allclose(np.abs(entry["totals"]), top, rtol=1e-5)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_the_gradients_a_state_receives_add_up_to_its_own(kind):
    loss, layer = unrolled(kind, steps=4, seed=2)
    facts, fold = folded(loss, layer)
    graph = Recurrence(facts, fold)
    for step in range(1, 5):
        for name in ("h", "c") if kind == "lstm" else ("h",):
            j = graph.at(name, step, 0)
            sources = graph.sources(j, step, 0)
            expected = {"y", "h"} if name == "h" and step < 4 else {"y"} if name == "h" \
                else {"h", "c"} if step < 4 else {"h"}
            assert {source[0] for source, _ in sources} == expected
            np.testing.assert_allclose(sum(part for _, part in sources), facts.order[j].grad,
                                       rtol=1e-10, atol=1e-12)


def test_one_step_back_grows_a_gradient_by_at_most_the_factor_stated():
    """For a vanilla RNN, what h_t sends back to h_{t-1} is at most
    ‖W_hhᵀ diag(1 − h_t²)‖ × ‖∂L/∂h_t‖, per sequence of the batch."""
    for scale in (0.3, 3.0):  # vanishing and exploding
        rng = np.random.default_rng(7)
        layer = nn.RNN(2, 4, dtype=np.float64)
        layer.weight_hh_l0.data = scale * rng.standard_normal((4, 4)) / 2
        out, _ = layer(Tensor(rng.standard_normal((6, 1, 2))))
        loss = (out * Tensor(rng.standard_normal(out.shape))).sum()
        loss.backward(keep_all_grads=True)
        facts, fold = folded(loss, layer)
        graph = Recurrence(facts, fold)
        steps = bptt_section(facts, fold, "en")["layers"][0]["steps"]
        for step in range(2, 7):
            h_t = graph.at("h", step, 0)
            sent = dict(graph.sources(graph.at("h", step - 1, 0), step - 1, 0))[
                subscript("h", step)]
            factor = steps[step - 1]["factor"]
            bound = factor * np.linalg.norm(facts.order[h_t].grad)
            assert np.linalg.norm(sent) <= bound * (1 + 1e-5)
            # and the factor is the norm the lecture writes, computed here directly
            h = facts.order[h_t].data[0]
            expected = np.linalg.norm(layer.weight_hh_l0.data.T * (1 - h ** 2)[None, :], 2)
            assert factor == pytest.approx(expected, rel=1e-5)


def test_an_lstm_keeps_its_cell_state_on_a_lane_of_its_own():
    loss, layer = unrolled("lstm", steps=3)
    facts, fold = folded(loss, layer)
    lane = [v for v, a in fold.model.nodes(data=True) if a.get("lane") == LANE]
    labels = {fold.model.nodes[v]["label"] for v in lane if fold.model.nodes[v]["kind"] == "value"}
    assert {"c_1", "c_2", "c_3"} <= labels
    # the forget gate's product sits on the lane: c_{t-1} × f_t → + → c_t
    products = [v for v in lane if fold.model.nodes[v]["kind"] == "value"
                and fold.model.nodes[v]["op"] == "*"]
    assert len(products) == 3
    for vertex in products:
        node = facts.order[int(vertex[1:])]
        names = {parse_step_label(p.label).name for p in node.parents if p.label}
        assert names == {"f", "c"}
    assert fold.model.graph["lanes"][LANE].startswith("cell state")
    svg = viz.svg_text(viz.draw(fold.model))
    assert "cell state c" in svg


def test_a_detached_state_is_a_cut_and_a_given_state_is_not():
    rng = np.random.default_rng(5)
    layer = nn.RNN(2, 3, dtype=np.float64)
    first, second = (Tensor(rng.standard_normal((3, 1, 2))) for _ in range(2))
    _, h = layer(first)
    cut = h.detach()
    assert cut.op == "detach" and cut.is_leaf and not cut.requires_grad
    out, _ = layer(second, cut)
    loss = (out ** 2).sum()
    loss.backward(keep_all_grads=True)
    facts, fold = folded(loss, layer)
    [leaf] = detached_leaves(facts.order)
    assert facts.order[leaf].label == "h_0" and fold.cuts == {leaf: None}
    edges = [(a, b) for a, b, d in fold.model.edges(data=True) if d.get("cut")]
    assert edges == [(f"cut{leaf}", f"n{leaf}")]
    document = viz.explorer_document(loss, modules=layer)
    last = document["views"]["main"]["steps"][-1]
    assert last["title"] == "Truncated: a detached state"
    assert "no gradient flows past here (detach)" in last["lines"][0]
    assert last["edges"] == [f"e_cut{leaf}_n{leaf}_cut"]
    assert "no gradient flows past here (detach)" in document["views"]["main"]["svg"]
    # the same state handed over without detach(): the chain goes on, nothing is cut
    _, h = layer(first)
    out, _ = layer(second, h)
    joined = (out ** 2).sum()
    joined.backward(keep_all_grads=True)
    assert detached_leaves(topo_order(joined)) == []
    assert viz.explorer_document(joined, modules=layer)["bptt"]["cuts"] == []


def test_the_cut_edge_starts_where_the_state_was_detached_when_that_is_drawn():
    rng = np.random.default_rng(6)
    layer = nn.RNN(2, 3, dtype=np.float64)
    out1, h = layer(Tensor(rng.standard_normal((2, 1, 2))))
    out2, _ = layer(Tensor(rng.standard_normal((2, 1, 2))), h.detach())
    loss = (out1 ** 2).sum() + (h ** 2).sum() + (out2 ** 2).sum()  # h_n is in the graph
    loss.backward(keep_all_grads=True)
    facts = graph_facts(loss, modules=layer)
    [leaf] = detached_leaves(facts.order)
    fold = fold_by_time(facts, layer)
    source = fold.cuts[leaf]
    assert source is not None and facts.order[source].label == "h_n"
    assert fold.model.edges[f"n{source}", f"n{leaf}"]["cut"]


def test_merge_places_the_extra_steps_where_the_engine_handles_them():
    steps = [{"phase": "forward", "pass": 1, "node": "n0"}, {"phase": "forward", "pass": 1,
                                                             "node": "n5"},
             {"phase": "backward", "pass": 1, "node": "n9"},
             {"phase": "backward", "pass": 1, "node": "n8"},
             {"phase": "backward", "pass": 1, "node": "n2"}]
    extra = [{"phase": "forward", "node": "n3", "sort_key": 3},
             {"phase": "backward", "node": "n6", "sort_key": 6},
             {"phase": "backward", "node": "n1", "sort_key": 3.5},
             {"phase": "backward", "node": "n4", "sort_key": -1}]
    merged = [s["node"] for s in merge_steps(steps, extra)]
    assert merged == ["n0", "n3", "n5", "n9", "n8", "n6", "n1", "n2", "n4"]


def test_graphs_without_time_steps_are_not_folded_by_time():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    loss = (x * 2).sum()
    loss.backward()
    facts = graph_facts(loss)
    assert fold_by_time(facts) is None
    assert viz.explorer_document(loss)["bptt"] is None

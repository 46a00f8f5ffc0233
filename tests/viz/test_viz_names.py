"""viz.names: one name and one kind per node, the same in the drawing and in the steps."""

import re
import xml.etree.ElementTree as ET

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu.nn as nn
import viz
from tinygrad_edu import Tensor, Value, topo_order
from viz.names import name_nodes
from viz.steps import graph_facts

SVG = "{http://www.w3.org/2000/svg}"


def drawn_texts(root, **options):
    svg = viz.svg_text(viz.draw(root, **options))
    return {"".join(t.itertext()).strip() for t in ET.fromstring(svg).iter(f"{SVG}text")}


def names_in(text):
    """Every name a step line uses: the ∂ names and the left side of forward lines."""
    found = set(re.findall(r"∂([^\s/·=()]+)", text))
    found |= set(re.findall(r"^\s*([^\s=∂]+) = ", text, flags=re.MULTILINE))
    return found


def xor_net():
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    return model, x


def test_parameters_are_named_by_their_path_in_the_model():
    model, x = xor_net()
    loss = ((model(Tensor(x)) - 0.5) ** 2).mean()
    loss.backward(keep_all_grads=True)
    facts = graph_facts(loss, modules=model)
    named = dict(zip(facts.names, facts.naming.kinds, strict=True))
    assert {name for name, kind in named.items() if kind == "parameter"} == {
        "0.weight", "0.bias", "2.weight", "2.bias"}
    assert named["x1"] == "input" and named["loss"] == "output"
    # found without being told: the model is one of this function's variables
    assert graph_facts(loss).names == facts.names


def test_the_root_takes_its_variable_name_and_unnamed_nodes_count_in_forward_order():
    a = Value(2.0, label="a")
    h = a * a
    result = (h + 1).tanh() * a
    order = topo_order(result)
    facts = graph_facts(result)
    names = dict(zip(order, facts.names, strict=True))
    assert names[result] == "result" and names[h] == "h"
    unnamed = [names[n] for n in order if n.parents and n is not result and n is not h]
    assert unnamed == ["t1", "t2"]  # numbered in forward (topological) order
    assert name_nodes(order).names[-1] == "loss"  # no label and no variable: loss


def test_kinds_in_both_languages_and_constants_by_value():
    w = Value(0.5, label="w")
    f = w * 3 + 1
    f.backward()
    facts = graph_facts(f)
    assert [(n, k) for n, k in zip(facts.names, facts.naming.kinds, strict=True)] == [
        ("w", "input"), ("3", "constant"), ("t1", "intermediate"), ("1", "constant"),
        ("f", "output")]
    en = drawn_texts(f)
    assert {"input", "constant"} <= en and "parameter" in en  # the legend names the kinds
    ko = drawn_texts(f, lang="ko")
    assert {"입력", "상수", "매개변수", "값", "기울기", "범례"} <= ko
    assert "value" not in ko and "grad" not in ko


def test_two_nodes_never_share_a_name():
    x = Value(1.0, label="h")
    y = Value(2.0, label="h")
    out = x * y
    names = graph_facts(out).names
    assert len(set(names)) == len(names) and "h" in names and "h#2" in names


def test_every_name_in_the_step_text_appears_in_the_drawing():
    w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    z = w * x + b
    s = z.sigmoid(decompose=True)
    s.backward()
    text = viz.format_steps(viz.steps(s))
    assert names_in(text) <= drawn_texts(s)
    model, data = xor_net()
    loss = ((model(Tensor(data)) - 0.5) ** 2).mean()
    loss.backward(keep_all_grads=True)
    text = viz.format_steps(viz.steps(loss))
    drawn = drawn_texts(loss)
    assert {"0.weight", "2.bias", "loss", "x1"} <= names_in(text)
    assert names_in(text) <= drawn


def test_unnamed_random_weights_are_parameters_and_typed_numbers_constants():
    import random

    rng = random.Random(1)
    weights = [Value(rng.uniform(-1, 1)) for _ in range(2)]
    inputs = [2.0, -3.0]  # plain numbers: the engine wraps them as constants
    neuron = (weights[0] * inputs[0] + weights[1] * inputs[1]).tanh()
    neuron.backward()
    facts = graph_facts(neuron)
    kinds = {n: k for n, k in zip(facts.names, facts.naming.kinds, strict=True)}
    assert kinds["w1"] == kinds["w2"] == "parameter"
    assert kinds["2"] == kinds["-3"] == "constant"
    text = viz.format_steps(viz.steps(neuron))
    assert "∂neuron/∂w1 = " in text and "∂neuron/∂2" not in text


@given(st.lists(st.tuples(st.sampled_from(["+", "*", "tanh", "const"]),
                          st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=10))
def test_names_in_the_steps_are_names_in_the_drawing_on_random_graphs(ops):
    nodes = [Value(0.5, label="a"), Value(-1.5)]  # one named input, one typed number
    for op, i, j in ops:
        x, y = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "+":
            nodes.append(x + y)
        elif op == "*":
            nodes.append(x * y)
        elif op == "tanh":
            nodes.append(x.tanh())
        else:
            nodes.append(x * 3 + 1)
    out = nodes[-1]
    out.backward()
    text = viz.format_steps(viz.steps(out))
    source = viz.draw(out).source
    for name in names_in(text):
        assert f"<b>{name}</b>" in source, name

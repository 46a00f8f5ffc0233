"""topo_order: every node the root depends on, once, each after its parents, in the
depth-first order that follows each parents tuple from left to right."""

import operator

from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu import Value, topo_order

OPS = {"+": operator.add, "*": operator.mul, "-": operator.sub}


def labels(nodes):
    return [node.label for node in nodes]


def test_the_lecture_graph_in_order():
    w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    product = w * x
    product.label = "w*x"
    f = product + b
    f.label = "f"
    assert labels(topo_order(f)) == ["w", "x", "w*x", "b", "f"]


def test_a_shared_subexpression_comes_once_before_both_its_users():
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    a = x * y
    a.label = "a"
    s = a + x
    s.label = "s"
    f = s * a
    f.label = "f"
    assert labels(topo_order(f)) == ["x", "y", "a", "s", "f"]


@st.composite
def random_graphs(draw):
    """A root over a random DAG: each new node applies an op to earlier nodes."""
    leaves = draw(st.integers(1, 4))
    nodes = [Value(float(i + 1), label=f"leaf{i}") for i in range(leaves)]
    for _ in range(draw(st.integers(0, 25))):
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        op = draw(st.sampled_from(["+", "*", "tanh", "-"]))
        nodes.append(a.tanh() if op == "tanh" else OPS[op](a, b))
    return nodes[draw(st.integers(0, len(nodes) - 1))]


def reachable(root):
    seen, stack = {root}, [root]
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def depth_first_reference(root):
    """The same order written recursively, the way it is usually taught."""
    order, seen = [], set()

    def visit(node):
        seen.add(node)
        for parent in node.parents:
            if parent not in seen:
                visit(parent)
        order.append(node)

    visit(root)
    return order


@given(random_graphs())
def test_every_node_once_after_its_parents_root_last(root):
    order = topo_order(root)
    assert len(order) == len(set(order)) and set(order) == reachable(root)
    position = {node: i for i, node in enumerate(order)}
    assert all(position[parent] < position[node] for node in order for parent in node.parents)
    assert order[-1] is root
    assert order == depth_first_reference(root)

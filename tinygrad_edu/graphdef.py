"""A model's or a loss's graph as a TensorBoard ``GraphDef``, for the Graphs tab.

The lecture writes ``writer.add_graph(sess.graph)`` and TensorBoard draws the network.
Here the graph is the one autograd recorded: every op of one forward pass is a node
(its ``op`` is the op's name, e.g. ``matmul`` or ``sigmoid``), every edge carries the
shape of the tensor that flows along it, and each node sits in the scope of the module
that made it (``0.Linear/weight``, ``0.Linear/linear``), so TensorBoard folds a layer
into one box you can open.

Scopes come from the model: a `Sequential` is run layer by layer and each new node is
put in its layer's scope; otherwise an op lands in the scope of the module whose
parameter it uses. The protocol buffers are the ones tensorboardX ships (extra
``tensorboard``); nothing here is TensorFlow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .autograd import Node, enable_grad, topo_order_of
from .tensor import Tensor

__all__ = ["graph_def", "graph_nodes", "outputs_of", "traced"]


def outputs_of(result, who: str = "add_graph") -> list[Node]:
    """The Tensors/Values a model returned: one, or a tuple/list of them (several outputs
    are traced together, as TensorBoard's own tracer does). Anything else -- a number, a
    dict, None -- is one clear error: there is no graph to draw from it."""
    if isinstance(result, Node):
        return [result]
    if isinstance(result, (tuple, list)) and result:
        for position, item in enumerate(result):
            if not isinstance(item, Node):
                raise TypeError(f"{who}: the model returned a {type(result).__name__} whose "
                                f"item {position} is {_kind(item)}, not a Tensor; return "
                                "the Tensors it computed")
        return list(result)
    hint = " (return its values as a tuple)" if isinstance(result, dict) else ""
    raise TypeError(f"{who}: the model returned {_kind(result)}, not a Tensor or a tuple "
                    f"of Tensors{hint}; there is no graph to draw from it")


def _kind(thing) -> str:
    if isinstance(thing, (list, tuple)):
        return f"an empty {type(thing).__name__}"
    if isinstance(thing, dict):
        return f"a dict (keys {', '.join(map(repr, list(thing)[:5]))})"
    return " ".join(f"{type(thing).__name__} {thing!r}".split())[:60]


def traced(model, who: str = "add_graph") -> None:
    """Refuse what cannot be run as a model (it must be callable)."""
    if not callable(model):
        raise TypeError(f"{who}: expected a Module (with an example input) or the output of "
                        f"a computation (a Tensor or Value), got {_kind(model)}")


# TensorBoard's node names allow [A-Za-z0-9_.-/] only; the scalar ops are symbols.
_SYMBOL_NAMES = {"+": "add", "-": "sub", "*": "mul", "×": "mul", "/": "div", "**": "pow",
                 "neg": "neg", "-x": "neg", "1/x": "reciprocal", "@": "matmul"}


def _safe(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.\-]", "_", _SYMBOL_NAMES.get(name, name))
    return name if name[:1].isalnum() or name[:1] == "." else f"n{name}"


def _plain(label: str | None) -> bool:
    """A label that can be a node's name as it is (``w``, ``hidden1``; not ``σ``)."""
    return bool(label) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.\-]*", label) is not None


def _shape(node: Node) -> tuple[int, ...]:
    return tuple(getattr(node, "shape", ()) or ())  # a Value is a scalar: shape ()


def _forward_with_scopes(model, example_input: Tensor) -> tuple[list[Node], dict[int, str]]:
    """Run ``model`` once; for a `Sequential`, remember which layer made each node."""
    scopes: dict[int, str] = {}
    traced(model)
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()  # no dropout, and batch norm's running statistics stay as they are
    try:
        with enable_grad():
            if isinstance(model, Iterable):
                output = example_input
                for index, layer in enumerate(model):
                    output = layer(output)
                    scope = f"{index}.{type(layer).__name__}"
                    for node in topo_order_of(outputs_of(output)):
                        scopes.setdefault(id(node), scope)
            else:
                output = model(example_input)
    finally:
        if hasattr(model, "train"):
            model.train(was_training)
    scopes.pop(id(example_input), None)  # the input belongs to no layer
    return outputs_of(output), scopes


def graph_nodes(model_or_loss, example_input=None) -> list[dict]:
    """The graph as plain records ``{name, op, inputs, shape}`` in topological order
    (what `graph_def` turns into protocol buffers; useful without tensorboardX too).

    ``model_or_loss`` is a Module with an ``example_input`` to run it on, or the output
    of a computation (a loss Tensor or Value) whose recorded graph is taken as it is.
    """
    if isinstance(model_or_loss, Node):
        outputs, scopes, model = [model_or_loss], {}, None
    else:
        model = model_or_loss
        if example_input is None:
            raise ValueError("add_graph: a model needs an example input to trace, e.g. "
                             "writer.add_graph(model, x_batch); or pass a loss Tensor")
        if not isinstance(example_input, Tensor):
            example_input = Tensor(example_input)  # float32; text or objects refused
        outputs, scopes = _forward_with_scopes(model, example_input)
    parameters = dict(model.named_parameters()) if hasattr(model, "named_parameters") else {}
    parameter_names = {id(p): name for name, p in parameters.items()}
    module_of = {id(p): name.rpartition(".")[0] for name, p in parameters.items()}

    nodes = topo_order_of(outputs)
    names: dict[int, str] = {}
    records: list[dict] = []
    used: set[str] = set()

    def unique(name: str) -> str:
        candidate, count = name, 1
        while candidate in used:
            count += 1
            candidate = f"{name}_{count}"
        used.add(candidate)
        return candidate

    for node in nodes:
        if id(node) in parameter_names:
            module, _, leaf = parameter_names[id(node)].rpartition(".")
            scope = scopes.get(id(node)) or module.replace(".", "/")
            name, op = f"{scope}/{leaf}" if scope else leaf, "Parameter"
        elif node is example_input:
            name, op = "input", "Input"
        elif not node.parents:  # a leaf of a loss graph: a named input, or a constant
            name, op = (node.label, "Variable") if _plain(node.label) else ("constant", "Const")
        else:
            scope = scopes.get(id(node))
            if scope is None:  # not a Sequential: the module whose parameter it uses
                owners = [module_of[id(p)] for p in node.parents if id(p) in module_of]
                scope = owners[0].replace(".", "/") if owners else ""
            base = (node.label if model is None and _plain(node.label)
                    else _SYMBOL_NAMES.get(node.op, node.op).replace("/", "_"))
            name, op = (f"{scope}/{base}" if scope else base), node.op
        names[id(node)] = unique("/".join(_safe(part) for part in name.split("/")))
        records.append({"name": names[id(node)], "op": op,
                        "inputs": [names[id(parent)] for parent in node.parents],
                        "shape": _shape(node)})
    return records


def graph_def(model_or_loss, example_input=None):
    """A tensorboardX ``GraphDef``: one NodeDef per record of `graph_nodes`, with the
    output shape in ``_output_shapes`` (TensorBoard writes it on the edges)."""
    from tensorboardX.proto.attr_value_pb2 import AttrValue
    from tensorboardX.proto.graph_pb2 import GraphDef
    from tensorboardX.proto.node_def_pb2 import NodeDef
    from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboardX.proto.versions_pb2 import VersionDef

    node_defs = []
    for record in graph_nodes(model_or_loss, example_input):
        shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(size))
                                      for size in record["shape"]])
        attributes = {
            "_output_shapes": AttrValue(list=AttrValue.ListValue(shape=[shape])),
            "shape": AttrValue(s=str(record["shape"]).encode()),
        }
        node_defs.append(NodeDef(name=record["name"], op=record["op"], input=record["inputs"],
                                 attr=attributes))
    return GraphDef(node=node_defs, versions=VersionDef(producer=22))

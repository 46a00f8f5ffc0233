"""Hostile-input campaigns on the engine's extension point and edges, for
tests/support/hostile_counts.py: a learner's declarations and the gradients their rules
return, `apply`'s arguments, special files and symbolic links under every writer,
`add_graph` on odd models, one-line errors, `grad()` edge cases, losses and state dicts.

Each campaign returns a Counter of outcomes (see hostile_counts for their meaning); what
each bad outcome was goes to ``NOTES``. Seeded: the same run gives the same counts.
"""

from __future__ import annotations

import math
import os
import random
import stat
from collections import Counter
from pathlib import Path

import numpy as np
from hostile_campaigns import NOTES, Hang, one_line, watched

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, Value, cross_entropy, grad, ops, where

HOSTILE_TEXT = ["", " ", "a\\", "\\", "a\x00b", "<b>x</b>", "<", ">", "&amp;", "{x}", "{0}",
                "{5}", "{", "}", "{{}}", "{out}", "{args[0]:g}", "{args[0]}", "{0:g}", "σ({0})",
                "\n", "a\tb", "\\N", "'", '"', "%s", "∂", "x" * 300, "{args.x}", "{!r}"]


def _judge(counts: Counter, call, accepted_check=None) -> None:
    """Run ``call``: a one-line TypeError/ValueError is a clear error, another exception
    a traceback; when it returns, ``accepted_check(result)`` says if the result is right."""
    try:
        result = watched(call)
    except Hang:
        counts["hang"] += 1
        return
    except (TypeError, ValueError, OSError, RuntimeError) as error:  # RuntimeError: grad's
        if one_line(error):
            counts["clear error"] += 1
        else:
            NOTES.append(f"two lines: {type(error).__name__}: {error}")
            counts["traceback"] += 1
        return
    except Exception as error:  # noqa: BLE001 -- counted, not hidden
        NOTES.append(f"{type(error).__name__}: {error}")
        counts["traceback"] += 1
        return
    if accepted_check is None or accepted_check(result):
        counts["accepted"] += 1
    else:
        NOTES.append(f"wrong result: {result!r}"[:300])
        counts["wrong result"] += 1


# ---- declarations ----


def _drawable(spec, parents: int) -> bool:
    """An accepted declaration can be written out for a node of its op."""
    names = [f"p{i}" for i in range(parents)]
    for slot in range(parents):
        for lang in ("en", "ko"):
            text = spec.local_text(slot, names, "out", (0.5,), lang)
            if not isinstance(text, str):
                return False
    return True


def campaign_declarations(cases: int) -> Counter:
    counts, rng = Counter(), random.Random(7)
    for case in range(cases):
        parents = rng.randint(1, 3)
        fine = ["f", "σ", "{0}·{out}", "1", "{args[0]:g}", "{1}" if parents > 1 else "{0}"]

        def pick(fine=fine):
            return rng.choice(fine) if rng.random() < 0.6 else rng.choice(HOSTILE_TEXT)

        fields = {
            "symbol": pick() if rng.random() < 0.9 else rng.choice([3, None]),
            "math": rng.choice(["d/da = 1", "d/da = 1", 5, None, ""]),
            "local": tuple(pick() for _ in range(parents)),
        }
        if rng.random() < 0.3:
            fields["local"] = rng.choice([(), "1", 5, None, ("1", 2)])
        if rng.random() < 0.3:
            fields["local_ko"] = rng.choice([("{0}",) * parents, ("{x}",), "일", 3])
        if rng.random() < 0.2:
            fields["forward"] = rng.choice([3, "f", lambda args, *x: x[0]])
        if rng.random() < 0.1:
            fields["variadic"] = True
        good_rule = lambda node, upstream: (upstream,) * len(node.parents)  # noqa: E731
        rule = good_rule if rng.random() < 0.8 else rng.choice([5, None, "rule"])
        name = f"hostile_decl_{case}" if rng.random() < 0.8 else rng.choice(["", 7, None])

        def declare(fields=fields, rule=rule, name=name):
            return ops.declare(name, **fields)(rule)

        def check(declared, parents=parents):
            spec = ops.specs()[-1]
            return spec.rule is declared and _drawable(spec, len(spec.local) if not
                                                       spec.variadic else parents)

        _judge(counts, declare, check)
    return counts


# ---- what a rule returns ----

_RETURNS = {
    "right": lambda node, upstream, kind: tuple(upstream * 2 for _ in node.parents),
    "None": lambda node, upstream, kind: None,
    "one too many": lambda node, upstream, kind: tuple(upstream for _ in node.parents) + (
        upstream,),
    "one too few": lambda node, upstream, kind: tuple(upstream for _ in node.parents)[1:],
    "bare": lambda node, upstream, kind: upstream,
    "list": lambda node, upstream, kind: [upstream * 2 for _ in node.parents],
    "wrong shape": lambda node, upstream, kind: tuple(
        np.ones(7) if kind == "Tensor" else np.ones(2) for _ in node.parents),
    "int array": lambda node, upstream, kind: tuple(
        np.ones(np.shape(upstream), dtype=np.int64) for _ in node.parents),
    "bool": lambda node, upstream, kind: tuple(True for _ in node.parents),
    "text": lambda node, upstream, kind: tuple("g" for _ in node.parents),
    "node": lambda node, upstream, kind: tuple(node.parents[0] for _ in node.parents),
    "None for each": lambda node, upstream, kind: tuple(None for _ in node.parents),
    "raises": lambda node, upstream, kind: 1 / 0,
}


def _rule_returning(name: str, kind: str, case: int):
    @ops.declare(f"hostile_rule_{case}", symbol="h", math="m", local=("1", "1"),
                 forward=lambda args, *parents: sum(parents))
    def rule(node, upstream):
        return _RETURNS[name](node, upstream, kind)

    return rule


def campaign_rule_results(cases: int) -> Counter:
    counts, rng = Counter(), random.Random(8)
    for case in range(cases):
        name, kind = rng.choice(sorted(_RETURNS)), rng.choice(["Value", "Tensor"])
        how = rng.choice(["backward", "grad", "create_graph"])
        rule = _rule_returning(name, kind, case)
        if kind == "Value":
            leaves = [Value(rng.uniform(-2, 2)) for _ in range(2)]
            for leaf in leaves:
                leaf.grad = 3.0
        else:
            leaves = [Tensor(np.full((2, 3), rng.uniform(-2, 2)), requires_grad=True,
                             dtype=np.float64) for _ in range(2)]
            for leaf in leaves:
                leaf.grad = np.full((2, 3), 3.0)
        before = [np.copy(leaf.grad) for leaf in leaves]
        out = ops.apply(rule, leaves[0].data + leaves[1].data, tuple(leaves))
        loss = out * 1.0 if kind == "Value" else (out * 1.0).sum()
        try:
            if how == "backward":
                loss.backward()
                got = [leaf.grad for leaf in leaves]
            else:
                got = grad(loss, leaves, create_graph=how == "create_graph")
        except (TypeError, ValueError, ZeroDivisionError, RuntimeError) as error:
            unchanged = all(np.array_equal(leaf.grad, old) for leaf, old in zip(
                leaves, before, strict=True))
            if not unchanged:
                NOTES.append(f"a failed pass changed a gradient ({name})")
                counts["data lost"] += 1
            elif name in ("right", "list") or not one_line(error) or (
                    isinstance(error, RuntimeError) and "was not used" not in str(error)):
                NOTES.append(f"{name}: {type(error).__name__}: {error}")
                counts["traceback"] += 1
            else:
                counts["clear error"] += 1
            continue
        except Exception as error:  # noqa: BLE001
            NOTES.append(f"{name} {kind} {how}: {type(error).__name__}: {error}")
            counts["traceback"] += 1
            continue
        if name not in ("right", "list", "None for each"):
            NOTES.append(f"accepted a rule returning {name} ({kind}, {how})")
            counts["wrong result"] += 1
            continue
        factor = 0.0 if name == "None for each" else 2.0
        expected = [old + factor for old in before] if how == "backward" else None
        values = [np.asarray(getattr(g, "data", g), dtype=float) if g is not None else None
                  for g in got]
        if how != "backward":
            right = all(v is None if factor == 0.0 else np.allclose(v, factor) for v in values)
        else:
            right = all(np.allclose(v, e) for v, e in zip(values, expected, strict=True))
        counts["accepted" if right else "wrong result"] += 1
        if not right:
            NOTES.append(f"{name} {kind} {how}: got {values}")
    return counts


# ---- apply's arguments ----


def campaign_apply(cases: int) -> Counter:
    counts, rng = Counter(), random.Random(9)

    @ops.declare("hostile_apply", symbol="a", math="m", local=("1",), variadic=True)
    def rule(node, upstream):
        return tuple(upstream for _ in node.parents)

    datas = [2.5, 3, "3", None, np.ones(3), np.array(["a"]), np.array([1j]), [1.0, 2.0],
             np.array([None]), True, Value(1.0), Tensor([1.0]), np.float32(2.0), 1e400]
    for _ in range(cases):
        node = rng.choice([Value(1.5), Tensor([1.0, 2.0], requires_grad=True)])
        other = rng.choice([node, Value(2.0), Tensor([3.0]), 2.0, "x", None, [1.0, 2.0]])
        parents = rng.choice([(node,), (node, other), (other,), (), [node], node, (1.0, 2.0)])
        data = rng.choice(datas)

        def call(data=data, parents=parents):
            return ops.apply(rule, data, parents)

        def check(out, data=data):
            if isinstance(out, Value):
                return out.data == float(data) or math.isinf(out.data)
            return isinstance(out, Tensor) and out.data.dtype.kind in "biuf" and np.array_equal(
                out.data, np.asarray(data, dtype=out.data.dtype))

        _judge(counts, call, check)
    return counts


# ---- special files and symbolic links ----


def _writers() -> dict:
    import viz
    from tinygrad_edu.data.idx import write_idx
    from tinygrad_edu.loggers import CSVLogger, JSONLogger
    from tinygrad_edu.nn.serialization import save_npz

    def graph():
        f = Value(2.0, label="w") * Value(3.0)
        f.backward()
        return f

    def log(kind, path):
        logger = kind(path)
        logger.add_scalar("loss", 1.0, 0)
        logger.close()

    return {
        "Module.save": (lambda p: nn.Linear(2, 2).save(p), "m.npz"),
        "save_npz": (lambda p: save_npz({"w": np.ones(2)}, p), "s.npz"),
        "write_idx": (lambda p: write_idx(p, np.zeros((2, 2), np.uint8)), "x.idx"),
        "viz.render": (lambda p: viz.render(viz.draw(graph()), p), "g.dot"),
        "viz.html": (lambda p: viz.html(graph(), p), "g.html"),
        "CSVLogger": (lambda p: log(CSVLogger, p), "l.csv"),
        "JSONLogger": (lambda p: log(JSONLogger, p), "l.jsonl"),
    }


def _special(kind: str, path: Path) -> bool:
    """Make a special file of ``kind`` at ``path``; False when this machine cannot."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind in ("null", "full"):
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3 if kind == "null" else 7))
        except PermissionError:
            return False
    elif kind == "folder":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path.with_name(path.name + ".other"))
        path.with_name(path.name + ".other").symlink_to(path)
    return True


def campaign_special_files(folder: Path) -> Counter:
    counts = Counter()
    folder.mkdir(exist_ok=True)
    for writer, (write, filename) in _writers().items():
        for kind in ("fifo", "null", "full", "folder", "loop", "link", "link to fifo",
                     "dangling link"):
            where = folder / f"{writer}-{kind}".replace(" ", "_").replace(".", "_")
            where.mkdir()
            path = where / filename
            if kind.startswith("link") or kind == "dangling link":
                (where / "real").mkdir()
                target = where / "real" / filename
                if kind == "link":
                    target.write_bytes(b"old")
                elif kind == "link to fifo":
                    os.mkfifo(target)
                path.symlink_to(target)
            elif not _special(kind, path):
                continue
            mode_before = os.lstat(path).st_mode
            try:
                watched(lambda write=write, path=path: write(path), seconds=10)
                error = None
            except Hang:
                counts["hang"] += 1
                continue
            except Exception as caught:  # noqa: BLE001 -- judged below
                error = caught
            left = [name for _, _, names in os.walk(where) for name in names if ".tmp-" in name]
            if left:
                counts["partial file left"] += 1
                continue
            if kind in ("link", "dangling link"):
                real = where / "real" / filename
                ok = (error is None and path.is_symlink() and real.is_file()
                      and real.read_bytes() != b"old")
                if not ok:
                    NOTES.append(f"{writer} through a {kind}: {error!r}")
                counts["accepted" if ok else "wrong result"] += 1
                continue
            still = os.lstat(path).st_mode
            if stat.S_IFMT(still) != stat.S_IFMT(mode_before):
                NOTES.append(f"{writer} replaced a {kind}")
                counts["data lost"] += 1
            elif error is None:
                NOTES.append(f"{writer} wrote into a {kind}")
                counts["wrong result"] += 1
            elif isinstance(error, (ValueError, OSError)) and one_line(error):
                counts["clear error"] += 1
            else:
                NOTES.append(f"{writer} on a {kind}: {type(error).__name__}: {error}")
                counts["traceback"] += 1
    return counts


# ---- add_graph on odd models ----


class _Returns(nn.Module):
    def __init__(self, make):
        super().__init__()
        self.layer, self.make = nn.Linear(2, 2), make

    def forward(self, x):
        return self.make(self.layer(x))


def campaign_add_graph(folder: Path) -> Counter:
    from tinygrad_edu.graphdef import graph_nodes
    from tinygrad_edu.loggers import JSONLogger, graph_as_text

    counts = Counter()
    outputs = {"tensor": lambda y: y, "tuple": lambda y: (y, y.relu()), "list": lambda y: [y],
               "number": lambda y: 3.0, "dict": lambda y: {"y": y}, "None": lambda y: None,
               "array": lambda y: y.data, "empty tuple": lambda y: (),
               "tuple with a number": lambda y: (y, 2), "string": lambda y: "y",
               "value": lambda y: Value(1.0)}
    inputs = [np.ones((3, 2), np.float32), "abc", None, [[1.0, 2.0]], np.ones((3, 5))]
    for name, make in outputs.items():
        for example in inputs:
            model = _Returns(make)
            for who, call in (
                    ("graph_nodes", lambda model=model, example=example:
                        graph_nodes(model, example)),
                    ("graph_as_text", lambda model=model, example=example:
                        graph_as_text(model, example)),
                    ("JSONLogger", lambda model=model, example=example:
                        JSONLogger(folder / "graph.jsonl").add_graph(model, example))):
                traced = example is not None or who == "graph_nodes"  # text needs no trace
                good = not traced or (name in ("tensor", "tuple", "list", "value")
                                      and np.shape(example)[-1:] == (2,))
                _judge(counts, call, lambda result, good=good: good)
                if not model.training:
                    NOTES.append(f"add_graph left the model in eval mode ({name})")
                    counts["data lost"] += 1
    for thing in ("model", 5, None, lambda x: x):
        _judge(counts, lambda thing=thing: graph_nodes(thing, np.ones((1, 2))),
               lambda result, thing=thing: callable(thing))
    return counts


# ---- one-line errors ----


def campaign_one_liners() -> Counter:
    from tinygrad_edu.search import grid_search, random_search
    from viz.expr import parse_expression

    counts = Counter()

    def train(params, seed):
        return {"val_acc": 0.5}

    refused = [
        lambda: nn.Linear(0, 3), lambda: nn.Linear(2.5, 3), lambda: nn.Linear(-1, 3),
        lambda: nn.Linear("2", 3), lambda: nn.Linear(2, True), lambda: nn.Maxout(2, 2, 0),
        lambda: nn.PReLU(0), lambda: nn.Dropout(2), lambda: nn.Dropout("x"),
        lambda: nn.BatchNorm1d(0), lambda: nn.BatchNorm1d(2, eps=-1),
        lambda: nn.LeakyReLU(None), lambda: nn.ELU("1"), lambda: nn.RBM(0, 2),
        lambda: random_search({}, train, trials=0).best,
        lambda: random_search({}, train, trials=2.5),
        lambda: grid_search({"lr": []}, train, verbose=False).best,
        lambda: parse_expression(12345), lambda: parse_expression(None),
        lambda: grad(0, Value(1.0)), lambda: grad(Value(1.0) * 2, "x"),
        lambda: grad(Value(1.0) * 2, Value(1.0)),
        lambda: Tensor("abc"), lambda: Tensor([1j]), lambda: Tensor([None]),
        lambda: Tensor([1.0]) + np.array(["a"]), lambda: Tensor([1.0]).clip("a"),
        lambda: Tensor([1.0]) < "a", lambda: Tensor([1.0]).masked_fill([True], "x"),
    ]
    for call in refused:
        _judge(counts, call, lambda result: False)  # accepting any of them is wrong
    return counts


# ---- grad() edge cases ----


def campaign_grad_edges() -> Counter:
    counts = Counter()
    rng = np.random.default_rng(10)
    data = rng.normal(size=(3, 4))
    losses = {"cross_entropy": lambda x: cross_entropy(x, [1, 0, 3]),
              "mse": lambda x: F.mse_loss(x, np.zeros((3, 4))),
              "bce logits": lambda x: F.binary_cross_entropy_with_logits(x, np.full((3, 4),
                                                                                    0.5))}
    for loss_of in losses.values():
        x = Tensor(data, requires_grad=True, dtype=np.float64)
        (reference,) = grad(loss_of(x), x)
        for weight in (Tensor(2.0, dtype=np.float64), np.array(2.0), 2.0):
            for create_graph in (False, True):
                _judge(counts, lambda weight=weight, create_graph=create_graph, loss_of=loss_of,
                       x=x: grad(loss_of(x), x, grad_outputs=weight,
                                 create_graph=create_graph)[0],
                       lambda got, reference=reference: np.allclose(got.data,
                                                                    2 * reference.data))
    points = np.array([-1.5, -0.3, 0.4, 2.0])
    others = np.array([0.0, -0.8, 1.0, 1.5])
    piecewise = {"relu": lambda x: x.relu(), "leaky_relu": lambda x: x.leaky_relu(0.1),
                 "abs": lambda x: x.abs(), "clip": lambda x: x.clip(-1, 1),
                 "max": lambda x: x.max(), "min": lambda x: x.min(),
                 "maximum": lambda x: x.maximum(Tensor(others, dtype=np.float64)),
                 "where": lambda x: where(x.data > 0, x, x * 0.0),
                 "prelu": lambda x: F.prelu(x, Tensor([0.25], requires_grad=True,
                                                      dtype=np.float64)),
                 "elu at x > 0": lambda x: x.elu(), "relu times x": lambda x: x.relu() * x}
    expected = {"elu at x > 0": np.where(points > 0, 0.0, np.exp(points)),
                "relu times x": np.where(points > 0, 2.0, 0.0)}
    for name, fn in piecewise.items():
        def second(fn=fn):
            x = Tensor(points, requires_grad=True, dtype=np.float64)
            (first,) = grad(fn(x).sum(), x, create_graph=True)
            return grad(first.sum(), x)[0].data

        _judge(counts, second, lambda got, name=name: np.allclose(
            got, expected.get(name, np.zeros_like(points))))
    for point in (-0.5, 0.7):
        for name, fn in {"relu": lambda v: v.relu(), "elu": lambda v: v.elu(),
                         "abs": lambda v: v.abs(), "max": lambda v: v.max(Value(0.1)),
                         "leaky": lambda v: v.leaky_relu(0.2)}.items():
            def second_value(fn=fn, point=point):
                x = Value(point)
                (first,) = grad(fn(x), x, create_graph=True)
                return grad(first, x)[0].data

            want = math.exp(point) if name == "elu" and point < 0 else 0.0
            _judge(counts, second_value, lambda got, want=want: math.isclose(got, want,
                                                                              abs_tol=1e-12))
    return counts


# ---- losses and state dicts: no silent wrong number ----


def campaign_losses_and_states(cases: int) -> Counter:
    counts, rng = Counter(), np.random.default_rng(11)
    shapes = [((2,), np.array([1, 1])), ((2,), np.array([0, 0])), ((3, 4), np.zeros((3, 1),
                                                                                     int)),
              ((3, 4), np.array([0, 1])), ((1, 4), np.array(2)), ((3, 4), np.zeros((3, 4), int)),
              ((3, 4), np.array([0, 1, 5])), ((3, 4), np.array([0.0, 1.0, 2.0])),
              ((2, 2, 2), np.array([0, 1])), ((3, 4), np.array(["a", "b", "c"]))]
    for shape, target in shapes:
        _judge(counts, lambda shape=shape, target=target: cross_entropy(
            Tensor(np.zeros(shape)), target), lambda result: False)
    for shape, target in [((4,), np.array(2)), ((3, 4), np.array([0, 3, 1])),
                          ((3, 4), np.eye(4)[[0, 3, 1]]), ((3, 4), np.eye(4, dtype=int)[[0, 1,
                                                                                        2]])]:
        _judge(counts, lambda shape=shape, target=target: cross_entropy(
            Tensor(np.zeros(shape), dtype=np.float64), target).item(),
            lambda loss: math.isclose(loss, math.log(4)))
    values = [1e300, -1e300, np.nan, np.inf, 2.5, -1.0, 2.0 ** 70, 7.0, 0.1, True, 3]
    for _ in range(cases):
        model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        before = {k: v.copy() for k, v in model.state_dict().items()}
        state = model.state_dict()
        key = str(rng.choice(sorted(state)))
        value = values[rng.integers(len(values))]
        state[key] = np.full(state[key].shape, value)
        try:
            model.load_state_dict(state)
        except ValueError as error:
            same = all(np.array_equal(v, before[k], equal_nan=True)
                       for k, v in model.state_dict().items())
            counts[("clear error" if one_line(error) else "traceback") if same
                   else "data lost"] += 1
            continue
        loaded = model.state_dict()[key]
        source = np.asarray(state[key], dtype=np.float64)
        exact = np.allclose(loaded.astype(np.float64), source, rtol=1e-6, equal_nan=True)
        counts["accepted" if exact else "wrong result"] += 1
        if not exact:
            NOTES.append(f"load_state_dict cast {value!r} into {key} as {loaded.ravel()[:1]}")
    return counts

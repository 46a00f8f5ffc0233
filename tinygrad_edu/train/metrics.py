"""Metrics, ``f(output, target) -> float``, and `evaluate`: a model's loss and metrics
over a whole loader."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..autograd import no_grad
from ..nn.functional import accuracy
from .guards import loader_size_text

__all__ = ["METRICS", "metric_functions", "evaluate", "accuracy", "number"]

METRICS: dict[str, Callable] = {"accuracy": accuracy, "acc": accuracy}


def metric_functions(metrics) -> dict[str, Callable]:
    """Accept ``["accuracy"]``, ``[my_function]`` or ``{"name": function}``."""
    if metrics is None:
        return {}
    if isinstance(metrics, Mapping):
        return dict(metrics)
    functions = {}
    for metric in metrics:
        if isinstance(metric, str):
            if metric not in METRICS:
                raise ValueError(f"fit: unknown metric {metric!r}; known: {sorted(METRICS)}, "
                                 "or pass a function f(output, target) -> float")
            functions[metric] = METRICS[metric]
        else:
            functions[getattr(metric, "__name__", repr(metric))] = metric
    return functions


def number(loss) -> float:
    """A loss as a Python float: a one-element Tensor's item, or a Value's data."""
    return float(loss.item() if hasattr(loss, "item") else loss.data)


def evaluate(model, loss_fn, loader, metrics=None) -> dict[str, float]:
    """The loss and metrics of ``model`` over every batch of ``loader`` (averaged over
    samples), in evaluation mode and without building a graph."""
    functions = metric_functions(metrics)
    was_training = getattr(model, "training", True)
    if hasattr(model, "eval"):
        model.eval()
    totals = dict.fromkeys(["loss", *functions], 0.0)
    count = 0
    try:
        with no_grad():
            for x, y in loader:
                output = model(x)
                n = len(y)
                totals["loss"] += number(loss_fn(output, y)) * n
                for name, function in functions.items():
                    totals[name] += function(output, y) * n
                count += n
    finally:
        if hasattr(model, "train"):
            model.train(was_training)
    if count == 0:
        raise ValueError(f"evaluate: the loader gave no batch ({loader_size_text(loader)})")
    return {name: total / count for name, total in totals.items()}

"""The update step, narrated with numbers: what ``optimizer.step()`` did to each weight.

After backward, every parameter moves. `narrated_step(optimizer)` runs the optimizer's
own ``step()`` and explains it, one step per parameter, in the optimizer's own form
(PyTorch's, which `tinygrad_edu.optim` follows)::

    w ← w − η·∂L/∂w = 0.5 − 0.1 × 0.2 = 0.48

The numbers are written from the optimizer's state before the step (its momentum
buffer, AdaGrad's sum, Adam's m and v and the step count t) and the weight is read
again after it: the text's result is recomputed from the formula and compared with what
``step()`` actually left in the weight, so the page can never tell a different story
than the optimizer (``agrees`` says so for every entry). A tensor parameter shows a
few of its entries (the ones that moved most) and its whole Δw as heatmap data.

Each step has the explorer's step shape: ``{"phase": "update", "node", "title",
"lines", ...}`` plus ``param``, ``entries`` (numbers per shown entry) and ``delta``.
"""

from __future__ import annotations

import copy
import math
import re

import numpy as np

from ..graph import format_number
from ..words import words_of

__all__ = ["narrated_step"]


def _n(x: float) -> str:
    """A number in a formula: negative numbers in brackets after an operator."""
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text


def _f(x: float) -> str:
    return format_number(x)


def _entry_state(state: dict, index: int) -> dict:
    """One entry's buffers as floats (``step`` stays an int)."""
    out = {}
    for name, value in state.items():
        if isinstance(value, np.ndarray) and value.ndim:
            out[name] = float(value.reshape(-1)[index])
        else:
            out[name] = value
    return out


def _sgd(w, g, s, group, words):
    lines, q = [], {}
    lr, mu, damp, wd = group["lr"], group["momentum"], group["dampening"], group["weight_decay"]
    if wd:
        g2 = g + wd * w
        lines += [words["decay"], f"g ← g + λ·w = {_n(g)} + {_n(wd)} × {_n(w)} = {_f(g2)}"]
        g = g2
    if not mu:
        after = w - lr * g
        lines.append(f"w ← w − η·∂L/∂w = {_n(w)} − {_n(lr)} × {_n(g)} = {_f(after)}")
        return lines, after, q
    if "momentum_buffer" not in s:
        b = g
        lines += [words["first"], f"b ← g = {_f(b)}"]
    else:
        b0 = s["momentum_buffer"]
        b = mu * b0 + (1 - damp) * g
        damp_text = f"(1 − {_f(damp)})·" if damp else ""
        lines.append(f"b ← μ·b + {damp_text}g = {_n(mu)} × {_n(b0)} + "
                     f"{_n(1 - damp) + ' × ' if damp else ''}{_n(g)} = {_f(b)}")
    q["momentum_buffer"] = b
    if group["nesterov"]:
        step = g + mu * b
        after = w - lr * step
        lines.append(f"w ← w − η·(g + μ·b) = {_n(w)} − {_n(lr)} × ({_n(g)} + {_n(mu)} × "
                     f"{_n(b)}) = {_f(after)}")
    else:
        after = w - lr * b
        lines.append(f"w ← w − η·b = {_n(w)} − {_n(lr)} × {_n(b)} = {_f(after)}")
        if not damp:
            lines.append(words["lecture"].format(v=_f(-lr * b)))
    return lines, after, q


def _with_decay(w, g, group, words, lines):
    wd = group["weight_decay"]
    if not wd:
        return g
    g2 = g + wd * w
    lines += [words["decay"], f"g ← g + λ·w = {_n(g)} + {_n(wd)} × {_n(w)} = {_f(g2)}"]
    return g2


def _adagrad(w, g, s, group, words):
    lines = []
    g = _with_decay(w, g, group, words, lines)
    t = s.get("step", 0) + 1
    h0 = s.get("sum", group["initial_accumulator_value"])
    lr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
    if group["lr_decay"]:
        lines.append(f"η_t = η / (1 + (t − 1)·decay) = {_f(lr)}  ({words['step'].format(t=t)})")
    h = h0 + g * g
    after = w - lr * g / (math.sqrt(h) + group["eps"])
    lines += [f"h ← h + g² = {_n(h0)} + {_n(g)}² = {_f(h)}",
              f"w ← w − η·g / (√h + ε) = {_n(w)} − {_n(lr)} × {_n(g)} / (√{_f(h)} + "
              f"{_f(group['eps'])}) = {_f(after)}"]
    return lines, after, {"sum": h, "step": t}


def _rmsprop(w, g, s, group, words):
    lines = []
    g = _with_decay(w, g, group, words, lines)
    a, eps, lr, mu = group["alpha"], group["eps"], group["lr"], group["momentum"]
    h0 = s.get("square_avg", 0.0)
    h = a * h0 + (1 - a) * g * g
    q = {"square_avg": h, "step": s.get("step", 0) + 1}
    lines.append(f"h ← α·h + (1 − α)·g² = {_n(a)} × {_n(h0)} + {_n(1 - a)} × {_n(g)}² = {_f(h)}")
    if group["centered"]:
        m0 = s.get("grad_avg", 0.0)
        m = a * m0 + (1 - a) * g
        q["grad_avg"] = m
        denominator = math.sqrt(h - m * m) + eps
        lines += [f"ḡ ← α·ḡ + (1 − α)·g = {_n(a)} × {_n(m0)} + {_n(1 - a)} × {_n(g)} = {_f(m)}",
                  f"√(h − ḡ²) + ε = {_f(denominator)}"]
    else:
        denominator = math.sqrt(h) + eps
        lines.append(f"√h + ε = √{_f(h)} + {_f(eps)} = {_f(denominator)}")
    if mu > 0:
        b0 = s.get("momentum_buffer", 0.0)
        b = mu * b0 + g / denominator
        q["momentum_buffer"] = b
        after = w - lr * b
        lines += [f"b ← μ·b + g / (√h + ε) = {_n(mu)} × {_n(b0)} + {_n(g)} / {_f(denominator)}"
                  f" = {_f(b)}", f"w ← w − η·b = {_n(w)} − {_n(lr)} × {_n(b)} = {_f(after)}"]
    else:
        after = w - lr * g / denominator
        lines.append(f"w ← w − η·g / (√h + ε) = {_n(w)} − {_n(lr)} × {_n(g)} / "
                     f"{_f(denominator)} = {_f(after)}")
    return lines, after, q


def _adadelta(w, g, s, group, words):
    lines = []
    g = _with_decay(w, g, group, words, lines)
    rho, eps, lr = group["rho"], group["eps"], group["lr"]
    h0, u0 = s.get("square_avg", 0.0), s.get("acc_delta", 0.0)
    h = rho * h0 + (1 - rho) * g * g
    delta = math.sqrt(u0 + eps) / math.sqrt(h + eps) * g
    u = rho * u0 + (1 - rho) * delta * delta
    after = w - lr * delta
    lines += [f"h ← ρ·h + (1 − ρ)·g² = {_n(rho)} × {_n(h0)} + {_n(1 - rho)} × {_n(g)}² = {_f(h)}",
              f"Δ = √(u + ε) / √(h + ε) · g = √{_f(u0 + eps)} / √{_f(h + eps)} × {_n(g)}"
              f" = {_f(delta)}",
              f"u ← ρ·u + (1 − ρ)·Δ² = {_n(rho)} × {_n(u0)} + {_n(1 - rho)} × {_n(delta)}²"
              f" = {_f(u)}",
              f"w ← w − η·Δ = {_n(w)} − {_n(lr)} × {_n(delta)} = {_f(after)}"]
    return lines, after, {"square_avg": h, "acc_delta": u, "step": s.get("step", 0) + 1}


def _adam(w, g, s, group, words, decoupled):
    lines = []
    lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
    if decoupled and wd:
        w2 = w * (1 - lr * wd)
        lines += [words["decoupled"],
                  f"w ← (1 − η·λ)·w = (1 − {_n(lr)} × {_n(wd)}) × {_n(w)} = {_f(w2)}"]
        w = w2
    elif not decoupled:
        g = _with_decay(w, g, group, words, lines)
    t = s.get("step", 0) + 1
    m0, v0 = s.get("exp_avg", 0.0), s.get("exp_avg_sq", 0.0)
    m = b1 * m0 + (1 - b1) * g
    v = b2 * v0 + (1 - b2) * g * g
    q = {"exp_avg": m, "exp_avg_sq": v, "step": t}
    lines += [words["step"].format(t=t),
              f"m ← β₁·m + (1 − β₁)·g = {_n(b1)} × {_n(m0)} + {_n(1 - b1)} × {_n(g)} = {_f(m)}",
              f"v ← β₂·v + (1 − β₂)·g² = {_n(b2)} × {_n(v0)} + {_n(1 - b2)} × {_n(g)}² = {_f(v)}"]
    second = v
    if group["amsgrad"]:
        previous = s.get("max_exp_avg_sq", 0.0)
        second = max(previous, v)
        q["max_exp_avg_sq"] = second
        lines.append(f"v_max ← max(v_max, v) = max({_f(previous)}, {_f(v)}) = {_f(second)}")
    m_hat, v_hat = m / (1 - b1**t), second / (1 - b2**t)
    after = w - lr * m_hat / (math.sqrt(v_hat) + eps)
    lines += [f"m̂ = m / (1 − β₁ᵗ) = {_n(m)} / (1 − {_f(b1)}^{t}) = {_f(m_hat)}",
              f"v̂ = v / (1 − β₂ᵗ) = {_n(second)} / (1 − {_f(b2)}^{t}) = {_f(v_hat)}",
              f"w ← w − η·m̂ / (√v̂ + ε) = {_n(w)} − {_n(lr)} × {_n(m_hat)} / (√{_f(v_hat)} + "
              f"{_f(eps)}) = {_f(after)}"]
    return lines, after, q


def _rule_of(optimizer):
    """The narrating function for this optimizer's class (its nearest known base)."""
    from tinygrad_edu import optim

    for cls, rule in ((optim.AdamW, lambda *a: _adam(*a, decoupled=True)),
                      (optim.Adam, lambda *a: _adam(*a, decoupled=False)),
                      (optim.SGD, _sgd), (optim.Adagrad, _adagrad),
                      (optim.RMSprop, _rmsprop), (optim.Adadelta, _adadelta)):
        if isinstance(optimizer, cls):
            return rule
    raise TypeError(f"narrated_step: no narration for {type(optimizer).__name__}; known: "
                    "SGD, Momentum, Adagrad, RMSprop, Adadelta, Adam, AdamW")


WEIGHT = re.compile(r"(?<![\w.\[\]∂/])w(?![\w\[])")  # the rules' "w", not "w" in a word


def _named(line: str, name: str) -> str:
    """A rule's line about "w" said about the parameter itself: ``2.bias ← 2.bias − η·
    ∂L/∂2.bias`` (the lecture's w is whatever weight is being updated)."""
    return WEIGHT.sub(name, line.replace("∂L/∂w", f"∂L/∂{name}"))


def _entry_name(name: str, shape: tuple, flat: int) -> str:
    if not shape or int(np.prod(shape)) == 1:
        return name
    return f"{name}[{', '.join(str(int(i)) for i in np.unravel_index(flat, shape))}]"


def narrated_step(optimizer, names: dict[int, str] | None = None, lang: str = "en",
                  entries: int = 3, nodes: dict[int, str] | None = None) -> list[dict]:
    """Run ``optimizer.step()`` and return one explained update step per parameter.

    ``names`` maps ``id(parameter)`` to its name (else ``p0``, ``p1``, ...); ``nodes``
    maps it to the graph vertex the step is about (``"n3"``). ``entries``: how many
    entries of a tensor parameter are written out (those whose change is largest).
    """
    words, rule = words_of("updates", lang, who="narrated_step"), _rule_of(optimizer)
    names, nodes = names or {}, nodes or {}
    before, index = [], 0
    for group in optimizer.param_groups:
        for param in group["params"]:
            grad = None if param.grad is None else np.array(param.grad, dtype=np.float64)
            before.append((index, param, group, np.array(param.data, dtype=np.float64), grad,
                           copy.deepcopy(optimizer.state.get(index, {}))))
            index += 1
    optimizer.step()
    title_name = type(optimizer).__name__
    result = []
    for index, param, group, data, grad, state in before:
        name = names.get(id(param), f"p{index}")
        step = {"phase": "update", "node": nodes.get(id(param), ""), "param": name,
                "title": words["title"].format(param=name, optimizer=title_name),
                "lines": [], "entries": [], "agrees": True,
                # the explorer's step shape: an update reveals no new value or gradient
                "values": [], "grads": []}
        if grad is None:
            step["lines"].append(words["no_grad"].format(param=name))
            result.append(step)
            continue
        after = np.array(param.data, dtype=np.float64)
        delta = (after - data).reshape(-1)
        shown = np.argsort(-np.abs(delta), kind="stable")[:max(1, entries)]
        # float32 weights are updated in float32; the float64 recomputation may differ there
        tolerance = 1e-4 if param.data.dtype == np.float32 else 1e-9
        for flat in sorted(int(i) for i in shown):
            w, g = float(data.reshape(-1)[flat]), float(grad.reshape(-1)[flat])
            lines, computed, quantities = rule(w, g, _entry_state(state, flat), group, words)
            actual = float(after.reshape(-1)[flat])
            agrees = math.isclose(computed, actual, rel_tol=tolerance, abs_tol=tolerance * 1e-3)
            if not agrees:
                lines.append(words["mismatch"].format(actual=_f(actual)))
                step["agrees"] = False
            entry_name = _entry_name(name, data.shape, flat)
            step["lines"].append(f"{entry_name}: ∂L/∂{entry_name} = {_f(g)}")
            step["lines"] += ["  " + _named(line, entry_name) for line in lines]
            step["entries"].append({"name": entry_name, "index": flat, "before": w, "grad": g,
                                    "after": actual, "computed": computed, "agrees": agrees,
                                    "state": quantities})
        if data.size > 1:
            step["lines"].append(words["delta"].format(
                n=data.size, top=_f(float(np.max(np.abs(delta))))))
            step["delta"] = {"shape": list(data.shape) if data.ndim == 2 else [1, data.size],
                             "values": [float(f"{v:.4g}") for v in delta]}
        result.append(step)
    return result

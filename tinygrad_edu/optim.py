"""Optimizers: how the weights move once backpropagation has given their gradients.

Each optimizer takes the tensors to update (``model.parameters()``, or any Tensors
with ``requires_grad=True``, or PyTorch-style parameter groups: a list of dicts with a
"params" list and per-group options). Hyper-parameter names, defaults and update rules
are PyTorch's, so the same gradients give the same weights step after step. The
lecture's formulas are in each docstring, with the small ways they differ.

Updates change ``p.data`` in place (so nothing else holding the parameter needs to
know) and never build a graph; they never modify a ``.grad`` array (a gradient may be
shared with another tensor). ``g`` below is ``p.grad``, η the learning rate ``lr``.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from .nn.utils import clip_grad_norm_, clip_grad_value_
from .optim_checks import state_dict_problems
from .tensor import Tensor

__all__ = [
    "Optimizer", "SGD", "Momentum", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW",
    "clip_grad_norm_", "clip_grad_value_",
]


class Optimizer:
    """What every optimizer shares: parameter groups, per-parameter state, zero_grad,
    state_dict / load_state_dict. Subclasses define ``step()``."""

    def __init__(self, params, defaults: dict) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of Tensors "
                "(e.g. model.parameters() or [w, b]), got a single Tensor"
            )
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty list of parameters")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.defaults = dict(defaults)
        self.param_groups: list[dict] = []
        # state[i]: the buffers of the i-th parameter (counting across groups)
        self.state: dict[int, dict] = {}
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict) -> None:
        group = dict(group)
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for existing in self.param_groups for p in existing["params"]}
        for index, param in enumerate(params):
            if not isinstance(param, Tensor):
                raise TypeError(
                    f"{type(self).__name__}: parameter {index} is a {type(param).__name__}, "
                    "not a Tensor"
                )
            if not param.requires_grad:
                raise ValueError(
                    f"{type(self).__name__}: parameter {index} (shape {param.shape}) does not "
                    "require grad; create it with requires_grad=True"
                )
            if id(param) in seen:
                raise ValueError(f"{type(self).__name__}: parameter {index} appears twice")
            seen.add(id(param))
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown option(s) {sorted(unknown)}")
        for name, value in self.defaults.items():
            group.setdefault(name, value)
        group["params"] = params
        self.param_groups.append(group)

    def _indexed(self):
        """(global index, parameter, group) for every parameter, in order."""
        index = 0
        for group in self.param_groups:
            for param in group["params"]:
                yield index, param, group
                index += 1

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to None (PyTorch's default ``set_to_none``)."""
        for group in self.param_groups:
            for param in group["params"]:
                param.grad = None

    def step(self) -> None:
        raise NotImplementedError

    # ---- saving and resuming ----

    def state_dict(self) -> dict:
        """``{"state": {index: {name: array or number}}, "param_groups": [...]}``: the
        per-parameter buffers and the hyper-parameters, with parameters as indices
        (PyTorch's layout). A deep copy: later steps do not change it."""
        groups, start = [], 0
        for group in self.param_groups:
            options = {key: value for key, value in group.items() if key != "params"}
            options["params"] = list(range(start, start + len(group["params"])))
            start += len(group["params"])
            groups.append(options)
        return {"state": copy.deepcopy(self.state), "param_groups": copy.deepcopy(groups)}

    def load_state_dict(self, state_dict: dict) -> None:
        """Resume from ``state_dict()``. Everything is checked first -- keys, group
        sizes, buffer names, shapes and dtypes, hyper-parameter types and ranges -- so a
        refused state changes nothing and the error names each key and its problem."""
        problems = state_dict_problems(self, state_dict)
        if problems:
            shown = "; ".join(problems[:6]) + (f"; and {len(problems) - 6} more"
                                               if len(problems) > 6 else "")
            raise ValueError(f"load_state_dict: cannot load into {type(self).__name__} "
                             f"(nothing was changed): {shown}")
        groups = state_dict["param_groups"]
        self.state = copy.deepcopy(dict(state_dict["state"]))
        for saved, group in zip(groups, self.param_groups, strict=True):
            group.update({key: copy.deepcopy(value) for key, value in saved.items()
                          if key != "params"})

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for number, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {number}")
            lines += [f"    {key}: {value}" for key, value in group.items() if key != "params"]
        return "\n".join(lines) + "\n)"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and weight decay.

    Plain (the lecture's SGD):        W ← W - η ∂L/∂W

    With weight decay λ (L2 penalty ½λ‖W‖² added to the loss):  g ← g + λ W

    With momentum μ, PyTorch's form (buffer b, dampening d)::

        b ← g                     on the first step
        b ← μ b + (1 - d) g       afterwards
        W ← W - η b               (nesterov: W ← W - η (g + μ b))

    The lecture writes momentum as v ← α v - η ∂L/∂W, W ← W + v. With a constant η and
    d = 0 this is the same walk: v = -η b.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError(f"SGD: lr, momentum and weight_decay must be >= 0, got "
                             f"{lr}, {momentum}, {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening = 0")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def step(self) -> None:
        index = 0
        for group in self.param_groups:
            lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
            if momentum == 0 and weight_decay == 0:  # the plain rule: W ← W - η g
                for param in group["params"]:
                    if param.grad is not None:
                        param.data -= lr * param.grad
                index += len(group["params"])
                continue
            dampening, nesterov = group["dampening"], group["nesterov"]
            for param in group["params"]:
                grad = param.grad
                if grad is not None:
                    if weight_decay:
                        grad = grad + weight_decay * param.data
                    if momentum:
                        state = self.state.setdefault(index, {})
                        buffer = state.get("momentum_buffer")
                        if buffer is None:
                            buffer = state["momentum_buffer"] = np.array(grad, copy=True)
                        else:
                            buffer *= momentum
                            buffer += (1 - dampening) * grad
                        grad = grad + momentum * buffer if nesterov else buffer
                    param.data -= lr * grad
                index += 1


class Momentum(SGD):
    """SGD with momentum (μ = 0.9 unless told otherwise): the lecture's "Momentum"."""

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.9, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov)


def _with_weight_decay(grad: np.ndarray, param: Tensor, weight_decay: float) -> np.ndarray:
    """g + λ W as a new array (the L2 penalty's gradient); g itself when λ = 0."""
    return grad + weight_decay * param.data if weight_decay else grad


class Adagrad(Optimizer):
    """AdaGrad (Duchi et al. 2011): each weight's step shrinks with its gradient history.

    Lecture::   h ← h + g ⊙ g,    W ← W - η g / √h

    PyTorch (and here) put ε outside the root and allow a decaying learning rate::

        h ← h + g ⊙ g,    W ← W - η_t g / (√h + ε),    η_t = η / (1 + (t - 1) lr_decay)
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def step(self) -> None:
        for index, param, group in self._indexed():
            if param.grad is None:
                continue
            grad = _with_weight_decay(param.grad, param, group["weight_decay"])
            state = self.state.setdefault(index, {})
            if not state:
                state["step"] = 0
                state["sum"] = np.full_like(param.data, group["initial_accumulator_value"])
            state["step"] += 1
            lr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
            state["sum"] += grad * grad  # h
            param.data -= lr * grad / (np.sqrt(state["sum"]) + group["eps"])


class RMSprop(Optimizer):
    """RMSProp (Hinton's lecture notes): AdaGrad with a leaky memory, so steps stop
    shrinking forever::

        h ← α h + (1 - α) g ⊙ g,    W ← W - η g / (√h + ε)

    ``centered=True`` divides by an estimate of the gradient's standard deviation
    instead, √(h - ḡ²) with ḡ ← α ḡ + (1 - α) g; ``momentum`` μ keeps a buffer
    b ← μ b + g / (√h + ε) and steps W ← W - η b.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def step(self) -> None:
        for index, param, group in self._indexed():
            if param.grad is None:
                continue
            grad = _with_weight_decay(param.grad, param, group["weight_decay"])
            alpha = group["alpha"]
            state = self.state.setdefault(index, {})
            if not state:
                state["step"] = 0
                state["square_avg"] = np.zeros_like(param.data)
                if group["momentum"] > 0:
                    state["momentum_buffer"] = np.zeros_like(param.data)
                if group["centered"]:
                    state["grad_avg"] = np.zeros_like(param.data)
            state["step"] += 1
            square_avg = state["square_avg"]
            square_avg *= alpha
            square_avg += (1 - alpha) * grad * grad  # h
            if group["centered"]:
                grad_avg = state["grad_avg"]
                grad_avg *= alpha
                grad_avg += (1 - alpha) * grad
                denominator = np.sqrt(square_avg - grad_avg * grad_avg) + group["eps"]
            else:
                denominator = np.sqrt(square_avg) + group["eps"]
            if group["momentum"] > 0:
                buffer = state["momentum_buffer"]
                buffer *= group["momentum"]
                buffer += grad / denominator
                param.data -= group["lr"] * buffer
            else:
                param.data -= group["lr"] * grad / denominator


class Adadelta(Optimizer):
    """AdaDelta (Zeiler 2012): RMSProp that also tracks the size of its own steps, so
    the step has the units of the weight and needs no real learning rate::

        h  ← ρ h + (1 - ρ) g ⊙ g
        Δ  = √(u + ε) / √(h + ε) ⊙ g
        u  ← ρ u + (1 - ρ) Δ ⊙ Δ
        W  ← W - η Δ                    (η = lr = 1.0 by default)
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def step(self) -> None:
        for index, param, group in self._indexed():
            if param.grad is None:
                continue
            grad = _with_weight_decay(param.grad, param, group["weight_decay"])
            rho, eps = group["rho"], group["eps"]
            state = self.state.setdefault(index, {})
            if not state:
                state["step"] = 0
                state["square_avg"] = np.zeros_like(param.data)
                state["acc_delta"] = np.zeros_like(param.data)
            state["step"] += 1
            square_avg, acc_delta = state["square_avg"], state["acc_delta"]
            square_avg *= rho
            square_avg += (1 - rho) * grad * grad
            delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
            acc_delta *= rho
            acc_delta += (1 - rho) * delta * delta
            param.data -= group["lr"] * delta


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): momentum plus RMSProp, with bias correction::

        m ← β₁ m + (1 - β₁) g              first moment (momentum)
        v ← β₂ v + (1 - β₂) g ⊙ g          second moment (RMSProp)
        m̂ = m / (1 - β₁ᵗ),  v̂ = v / (1 - β₂ᵗ)     m and v start at 0: undo that bias
        W ← W - η m̂ / (√v̂ + ε)

    ``weight_decay`` adds λ W to g (L2, as PyTorch's Adam); see `AdamW` for decoupled
    decay. ``amsgrad=True`` divides by the largest v̂ seen so far.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        if not (0.0 <= betas[0] < 1.0 and 0.0 <= betas[1] < 1.0):
            raise ValueError(f"{type(self).__name__}: betas must be in [0, 1), got {betas}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad))

    _decoupled = False  # AdamW: decay the weights directly instead of through g

    def step(self) -> None:
        for index, param, group in self._indexed():
            if param.grad is None:
                continue
            lr, (beta1, beta2), weight_decay = group["lr"], group["betas"], group["weight_decay"]
            if self._decoupled:
                param.data *= 1 - lr * weight_decay  # W ← W - η λ W
                grad = param.grad
            else:
                grad = _with_weight_decay(param.grad, param, weight_decay)
            state = self.state.setdefault(index, {})
            if not state:
                state["step"] = 0
                state["exp_avg"] = np.zeros_like(param.data)  # m
                state["exp_avg_sq"] = np.zeros_like(param.data)  # v
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = np.zeros_like(param.data)
            state["step"] += 1
            step = state["step"]
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            exp_avg *= beta1
            exp_avg += (1 - beta1) * grad
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * grad * grad
            if group["amsgrad"]:
                np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
                second = state["max_exp_avg_sq"]
            else:
                second = exp_avg_sq
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            denominator = np.sqrt(second) / math.sqrt(bias_correction2) + group["eps"]
            param.data -= (lr / bias_correction1) * exp_avg / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019)::

        W ← W - η λ W        first, straight on the weights
        then the Adam step with the plain gradient g

    so the decay is not rescaled by Adam's per-weight step sizes. ``weight_decay``
    defaults to 0.01, as in PyTorch.
    """

    _decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)

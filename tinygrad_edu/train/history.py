"""`History`: the record of one training run, as the `Recorder` fills it.

Every step: ``steps["loss"]`` and each metric (on that step's batch). Every epoch:
``epochs[...]``, validation included. What the watching needs, when the `Recorder` is
asked for it: each layer's gradient norm at every step (``layer_grad_norms``), a few
weights at every step (``traces``), the weights and the optimizer's state at chosen
iterations (``snapshots``), the model's output on a grid at chosen iterations
(``grid``, ``frame_iterations``, ``frames``), and -- every ``record_every`` steps --
each parameter's gradient norm and each layer's output statistics. A run that ended
early says why (``stopped``, ``non_finite``, ``dead_layer``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["History", "Snapshot"]


@dataclass
class Snapshot:
    """The weights (copies, in ``parameters()`` order) and the optimizer's
    ``state_dict()`` as they were when iteration ``iteration`` ran its forward pass (and,
    when kept, the gradients that step computed)."""

    iteration: int
    weights: list[np.ndarray]
    optimizer_state: dict
    gradients: list[np.ndarray] | None = None


@dataclass
class History:
    """Everything one run measured; see the module's docstring. Use the methods to get
    numpy arrays: ``per_step("loss")``, ``per_epoch("val_loss")``, ``gradient_norms()``,
    ``activation_stats("std")``."""

    steps: dict[str, list[float]] = field(default_factory=dict)
    epochs: dict[str, list[float]] = field(default_factory=dict)
    # every step, when the Recorder watches layers
    layer_grad_norms: dict[str, list[float]] = field(default_factory=dict)
    traces: dict[str, list[float]] = field(default_factory=dict)
    # at chosen iterations
    snapshots: list[Snapshot] = field(default_factory=list, repr=False)
    grid: dict = field(default_factory=dict)
    frame_iterations: list[int] = field(default_factory=list)
    frames: list[list[int]] = field(default_factory=list, repr=False)
    # every record_every steps
    recorded_steps: list[int] = field(default_factory=list)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    activation_mean: dict[str, list[float]] = field(default_factory=dict)
    activation_std: dict[str, list[float]] = field(default_factory=dict)
    activation_zero_fraction: dict[str, list[float]] = field(default_factory=dict)
    activation_samples: dict[str, list[np.ndarray]] = field(default_factory=dict)
    # how the run ended
    stopped_early: bool = False
    best_epoch: int | None = None
    interrupted: bool = False  # Ctrl-C / SIGTERM ended the run: see `FitInterrupted`
    stopped: str | None = None  # why the run stopped before its last step, in words
    non_finite: dict | None = None  # {"step", "parameter"}: the first non-finite gradient
    dead_layer: dict | None = None  # {"layer", "since"}: a layer that passes no gradient

    def per_step(self, name: str = "loss") -> np.ndarray:
        """One value per training step, e.g. ``per_step("loss")``."""
        return np.asarray(self.steps[name], dtype=np.float64)

    def per_epoch(self, name: str = "loss") -> np.ndarray:
        """One value per epoch, e.g. ``per_epoch("val_accuracy")``."""
        if name not in self.epochs:
            raise KeyError(f"History: no per-epoch {name!r}; have {sorted(self.epochs)}")
        return np.asarray(self.epochs[name], dtype=np.float64)

    @property
    def num_epochs(self) -> int:
        return len(self.epochs.get("loss", []))

    @property
    def num_steps(self) -> int:
        return len(self.steps.get("loss", []))

    def gradient_norms(self, weights_only: bool = False) -> tuple[list[str], np.ndarray]:
        """Parameter names and an array of shape (records, parameters): row r holds the
        gradient norms at step ``recorded_steps[r]``. ``weights_only`` skips biases."""
        names = [n for n in self.grad_norms if not (weights_only and n.endswith("bias"))]
        return names, self._matrix(self.grad_norms, names)

    def activation_stats(self, stat: str = "std") -> tuple[list[str], np.ndarray]:
        """Layer names and an array (records, layers) of ``stat``: "mean", "std" or
        "zero_fraction" of each layer's output."""
        table = {"mean": self.activation_mean, "std": self.activation_std,
                 "zero_fraction": self.activation_zero_fraction}
        if stat not in table:
            raise ValueError(f"activation_stats: stat must be one of {sorted(table)}, got {stat!r}")
        names = list(table[stat])
        return names, self._matrix(table[stat], names)

    def _matrix(self, columns: dict[str, list[float]], names: list[str]) -> np.ndarray:
        if not names:
            return np.zeros((len(self.recorded_steps), 0))
        return np.array([columns[name] for name in names], dtype=np.float64).T

    def __repr__(self) -> str:
        last = {name: round(values[-1], 4) for name, values in self.epochs.items() if values}
        return (f"History({self.num_epochs} epochs, {self.num_steps} steps, "
                f"{len(self.recorded_steps)} recordings, last epoch {last})")

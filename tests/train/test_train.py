"""The training loop: History contents, recordings, callbacks, early stopping, progress."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import DataLoader, TensorDataset, spiral, train_val_test_split, xor
from tinygrad_edu.train import Callback, EarlyStopping, History, evaluate, fit


def spiral_loaders(seed=0):
    X, y = spiral(n=60, classes=3, seed=seed)
    (X_train, y_train), (X_val, y_val), _ = train_val_test_split(X, y, seed=seed)
    train = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True, seed=seed)
    val = DataLoader(TensorDataset(X_val, y_val), batch_size=64)
    return train, val


def mlp(*sizes, activation=nn.ReLU, seed=0):
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out, generator=rng))
        if i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def test_history_contents_and_learning():
    train, val = spiral_loaders()
    model = mlp(2, 32, 3)
    history = fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=0.02), train, val,
                  epochs=15, metrics=["accuracy"], progress=False)
    assert isinstance(history, History) and history.num_epochs == 15
    assert sorted(history.epochs) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert sorted(history.steps) == ["accuracy", "loss"]
    assert len(history.per_step("loss")) == 15 * len(train)
    # the epoch's loss is the sample-weighted mean of its steps' losses
    sizes = np.array([len(idx) for idx in DataLoader(train.dataset, 16).batch_indices()])
    first_epoch = history.per_step("loss")[: len(train)]
    assert history.per_epoch("loss")[0] == pytest.approx(np.sum(first_epoch * sizes) / sizes.sum())
    # the last validation numbers are those of the final model
    final = evaluate(model, F.cross_entropy, val, ["accuracy"])
    assert history.per_epoch("val_loss")[-1] == pytest.approx(final["loss"])
    assert history.per_epoch("val_accuracy")[-1] == pytest.approx(final["accuracy"])
    assert history.per_epoch("loss")[-1] < 0.6 * history.per_epoch("loss")[0]
    assert history.per_epoch("val_accuracy")[-1] > 0.6  # chance is 1/3
    assert not history.recorded_steps and "15 epochs" in repr(history)
    with pytest.raises(KeyError, match="val_acc"):
        history.per_epoch("val_acc")


def test_same_seeds_same_history():
    runs = []
    for _ in range(2):
        train, val = spiral_loaders(seed=1)
        model = mlp(2, 8, 3, seed=1)
        runs.append(fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train,
                        val, epochs=3, progress=False).per_step("loss"))
    assert np.array_equal(runs[0], runs[1])


def test_gradient_norms_and_activation_statistics_every_n_steps():
    train, _ = spiral_loaders()
    model = mlp(2, 16, 16, 3)
    reference = mlp(2, 16, 16, 3)  # the same initial weights, to check step 0 by hand
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train,
                  epochs=2, record_every=3, activation_sample_size=50, progress=False)
    steps = 2 * len(train)
    assert history.recorded_steps == list(range(0, steps, 3))
    names, norms = history.gradient_norms()
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert norms.shape == (len(history.recorded_steps), 6) and norms.dtype == np.float64
    assert history.gradient_norms(weights_only=True)[1].shape[1] == 3

    x, y = next(iter(DataLoader(train.dataset, batch_size=16, shuffle=True, seed=0)))
    F.cross_entropy(reference(x), y).backward()
    assert norms[0] == pytest.approx([np.linalg.norm(p.grad) for p in reference.parameters()],
                                     rel=1e-5)

    layers, stds = history.activation_stats("std")
    assert layers == ["0.Linear", "1.ReLU", "2.Linear", "3.ReLU", "4.Linear"]
    assert stds.shape == (len(history.recorded_steps), 5)
    _, zeros = history.activation_stats("zero_fraction")
    assert zeros[:, 1].min() > 0.05 and zeros[:, 0].max() == 0.0  # ReLU zeroes, Linear not
    samples = history.activation_samples["1.ReLU"]
    assert len(samples) == len(history.recorded_steps) and samples[0].shape == (50,)
    assert samples[0].min() >= 0.0


def test_vanishing_gradient_shows_in_the_recorded_norms():
    """Seed 002: with sigmoids and N(0, 1) weights, gradients shrink toward the input."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 10)).astype(np.float32)
    y = rng.integers(0, 2, 64)
    model = mlp(10, 50, 50, 50, 50, 50, 2, activation=nn.Sigmoid)
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, std=1.0, generator=rng)
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.01),
                  DataLoader(TensorDataset(X, y), 64), epochs=1, record_every=1, progress=False)
    names, norms = history.gradient_norms(weights_only=True)
    assert norms[0, 0] < 0.1 * norms[0, -1]
    _, means = history.activation_stats("mean")
    layer_names = history.activation_stats("mean")[0]
    sigmoid_columns = [i for i, name in enumerate(layer_names) if name.endswith("Sigmoid")]
    saturated = [np.mean((s < 0.05) | (s > 0.95)) for s in
                 (history.activation_samples[layer_names[i]][0] for i in sigmoid_columns)]
    assert np.mean(saturated) > 0.4  # N(0, 1) weights push sigmoids to 0 and 1


def test_early_stopping_and_restoring_the_best_weights():
    X, y = xor()
    train = DataLoader(TensorDataset(X, y), batch_size=4)
    flipped = DataLoader(TensorDataset(X, 1 - y), batch_size=4)  # better on train = worse here
    model = mlp(2, 8, 2, activation=nn.Tanh, seed=3)

    class Snapshots(Callback):
        def __init__(self):
            self.states = []

        def on_epoch_end(self, state):
            self.states.append(state.model.state_dict())

    snapshots = Snapshots()
    stopper = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=0.05), train,
                  flipped, epochs=100, callbacks=[snapshots, stopper], progress=False)
    assert history.stopped_early and history.num_epochs < 100
    best = history.best_epoch
    assert best == int(np.argmin(history.per_epoch("val_loss")))
    assert history.num_epochs == best + 1 + 3  # three epochs without improvement
    for name, value in model.state_dict().items():
        assert np.array_equal(value, snapshots.states[best][name])


def test_early_stopping_on_accuracy_and_missing_monitor():
    assert EarlyStopping(monitor="val_accuracy").mode == "max"
    train, _ = spiral_loaders()
    model = mlp(2, 4, 3)
    with pytest.raises(KeyError, match="needs a val_loader"):
        fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train, epochs=2,
            callbacks=[EarlyStopping()], progress=False)


def test_metrics_as_functions_and_callbacks_per_step():
    train, val = spiral_loaders()
    model = mlp(2, 8, 3)

    def mean_output(output, target):
        return float(np.mean(output.numpy()))

    class CountSteps(Callback):
        steps = 0

        def on_step_end(self, state):
            CountSteps.steps += 1
            assert set(state.logs) == {"loss", "top1", "mean_output"}

    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train, val,
                  epochs=2, metrics={"top1": F.accuracy, "mean_output": mean_output},
                  callbacks=[CountSteps()], progress=False)
    assert CountSteps.steps == 2 * len(train)
    assert "val_top1" in history.epochs and "val_mean_output" in history.epochs
    with pytest.raises(ValueError, match="unknown metric"):
        fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train,
            metrics=["f1"], progress=False)


def test_a_model_that_is_not_sequential_still_records_gradients():
    class TwoLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(2, 4, generator=np.random.default_rng(0))
            self.out = nn.Linear(4, 3, generator=np.random.default_rng(1))

        def forward(self, x):
            return self.out(self.hidden(x).tanh())

    train, _ = spiral_loaders()
    model = TwoLayer()
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train,
                  epochs=1, record_every=2, progress=False)
    names, norms = history.gradient_norms()
    assert names == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert np.all(norms > 0) and history.activation_stats()[0] == []


def test_progress_bar_on_and_off(capsys):
    train, _ = spiral_loaders()
    model = mlp(2, 4, 3)
    fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train, epochs=1,
        progress=False)
    assert capsys.readouterr().err == ""
    fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train, epochs=1,
        progress=True)
    assert "step" in capsys.readouterr().err
    fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), train, epochs=1)
    assert capsys.readouterr().err == ""  # automatic: captured stderr is not a terminal

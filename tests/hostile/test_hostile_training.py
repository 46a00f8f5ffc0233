"""Training guards: loaders without batches, bad batch sizes, labels outside the classes,
a loss that turns NaN, arrays handed to DataLoader, and an axis that is not an int."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor
from tinygrad_edu.data import DataLoader, TensorDataset
from tinygrad_edu.search import grid_search
from tinygrad_edu.train import NonFiniteLossError, evaluate, fit


def model_and_optimizer(seed=0):
    model = nn.Sequential(nn.Linear(2, 3, generator=np.random.default_rng(seed)), nn.ReLU(),
                          nn.Linear(3, 2, generator=np.random.default_rng(seed + 1)))
    return model, optim.SGD(model.parameters(), lr=0.1)


def data(n=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)).astype(np.float32), rng.integers(0, 2, size=n)


def test_a_loader_without_batches_is_refused_when_fit_starts():
    X, y = data(10)
    empty = DataLoader(TensorDataset(X, y), batch_size=32, drop_last=True)
    assert len(empty) == 0
    model, optimizer = model_and_optimizer()
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit: train_loader gives no batch per epoch \(10 "
                                         r"samples in batches of 32 with drop_last=True\); use "
                                         r"a smaller batch_size or drop_last=False"):
        fit(model, F.cross_entropy, optimizer, empty, progress=False)
    full = DataLoader(TensorDataset(X, y), batch_size=4)
    with pytest.raises(ValueError, match="fit: val_loader gives no batch"):
        fit(model, F.cross_entropy, optimizer, full, val_loader=empty, progress=False)
    with pytest.raises(ValueError, match="evaluate: the loader gave no batch"):
        evaluate(model, F.cross_entropy, empty)
    assert all(np.array_equal(a, before[k]) for k, a in model.state_dict().items())


def test_a_generator_loader_that_yields_nothing_is_refused_too():
    model, optimizer = model_and_optimizer()

    class NoBatches:  # says it has one batch, then yields none
        def __len__(self):
            return 1

        def __iter__(self):
            return iter(())

    with pytest.raises(ValueError, match="train_loader gave no batch in epoch 1"):
        fit(model, F.cross_entropy, optimizer, NoBatches(), epochs=1, progress=False)


@pytest.mark.parametrize("batch_size", [2.5, 0, -1, True, "4", None])
def test_batch_size_must_be_a_positive_whole_number(batch_size):
    X, y = data()
    with pytest.raises(ValueError, match=f"batch_size must be a whole number >= 1, got "
                                         f"{batch_size!r}"):
        DataLoader(TensorDataset(X, y), batch_size=batch_size)


@pytest.mark.parametrize("epochs", [-1, 2.5, "3"])
def test_epochs_must_be_a_whole_number(epochs):
    X, y = data()
    model, optimizer = model_and_optimizer()
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        fit(model, F.cross_entropy, optimizer, DataLoader(TensorDataset(X, y), 4), epochs=epochs)


def test_a_label_outside_the_classes_is_named():
    X, y = data(8)
    y[5] = 200
    model, optimizer = model_and_optimizer()
    with pytest.raises(ValueError, match="target 200 is out of range for 2 classes"):
        fit(model, F.cross_entropy, optimizer, DataLoader(TensorDataset(X, y), 4),
            progress=False)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_a_nan_loss_stops_fit_naming_the_step_and_parameter_without_updating():
    X, y = data(12)
    X[9, 1] = np.nan  # the third batch of four
    model, optimizer = model_and_optimizer()
    seen = {}

    def loss_fn(output, target):
        seen["weights"] = {k: a.copy() for k, a in model.state_dict().items()}
        return F.cross_entropy(output, target)

    with pytest.raises(NonFiniteLossError, match=r"fit: the loss became nan at step 2 \(epoch "
                                                  r"1\); the first parameter whose gradient is "
                                                  r"not finite is '0.weight'\. The weights were "
                                                  r"not updated"):
        fit(model, loss_fn, optimizer, DataLoader(TensorDataset(X, y), 4), epochs=3,
            progress=False)
    for name, array in model.state_dict().items():  # the NaN step changed nothing
        np.testing.assert_array_equal(array, seen["weights"][name])
    assert np.all(np.isfinite(model.state_dict()["0.weight"]))


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_a_nan_loss_fails_its_trial_in_a_search_and_the_others_finish():
    def train(params, seed):
        X, y = data(8, seed=1)
        if params["poison"]:
            X[:] = np.inf
        model, optimizer = model_and_optimizer()
        return fit(model, F.cross_entropy, optimizer, DataLoader(TensorDataset(X, y), 4),
                   val_loader=DataLoader(TensorDataset(X, y), 8), epochs=2, progress=False,
                   metrics=["acc"])

    result = grid_search({"poison": [False, True, False]}, train, verbose=False)
    assert [t.index for t in result.failed] == [1]
    assert result.failed[0].error.startswith("NonFiniteLossError: fit: the loss became nan")
    assert result.best.index in (0, 2)


def test_dataloader_takes_arrays_or_a_tuple_of_them():
    X, y = data(10)
    reference = [tuple(t.data for t in batch) for batch in DataLoader(TensorDataset(X, y), 4)]
    for given in ((X, y), (Tensor(X), y)):
        batches = [tuple(t.data for t in batch) for batch in DataLoader(given, 4)]
        assert len(batches) == len(reference) == 3
        for got, want in zip(batches, reference, strict=True):
            np.testing.assert_array_equal(got[0], want[0])
            np.testing.assert_array_equal(got[1], want[1])
    (only,) = next(iter(DataLoader(X, 10)))
    np.testing.assert_array_equal(only.data, X)
    samples = [(X[i], y[i]) for i in range(10)]  # a list of samples is a dataset already
    assert len(DataLoader(samples, 5)) == 2


def test_dataloader_says_what_to_pass():
    X, y = data(10)
    with pytest.raises(TypeError, match=r"cannot take samples from a int; pass a Dataset "
                                        r"such as TensorDataset\(X, y\), or the arrays as "
                                        r"\(X, y\)"):
        DataLoader(5)
    with pytest.raises(ValueError, match="same first dimension"):
        DataLoader((X, y[:7]))


@pytest.mark.parametrize("axis", [1.5, "0", object()])
def test_an_axis_that_is_not_an_int_is_named(axis):
    with pytest.raises(TypeError, match=r"sum: axis must be None, an int or a tuple of ints, "
                                        f"got {axis!r}"[:60].replace("(", r"\(")):
        Tensor(np.ones((2, 3))).sum(axis=axis)


def test_fit_given_arrays_instead_of_a_loader_says_what_to_pass():
    X, y = data(8)
    model, optimizer = model_and_optimizer()
    for wrong in ((X, y), TensorDataset(X, y), X):
        with pytest.raises(TypeError, match=r"fit: train_loader must give batches \(x, y\), "
                                            r"e.g. DataLoader\(TensorDataset\(X, y\)"):
            fit(model, F.cross_entropy, optimizer, wrong, progress=False)
    batches = list(DataLoader((X, y), 4))  # a list of batches is a loader
    assert len(fit(model, F.cross_entropy, optimizer, batches, epochs=1,
                   progress=False).steps["loss"]) == 2

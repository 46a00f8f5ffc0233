"""nn.Module: registration order, names, modes, state_dict, save/load."""

import os

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor, no_grad


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.norm = nn.BatchNorm1d(4)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        return self.out(self.drop(self.norm(self.hidden(x)).relu()))


def make_mlp(seed=0):
    np.random.seed(seed)
    return nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))


def test_parameters_are_registered_in_definition_order_with_dotted_names():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Sequential(nn.Linear(3, 3), nn.Tanh()),
                          nn.Linear(3, 1))
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.0.weight", "2.0.bias", "3.weight", "3.bias"]
    assert [p.shape for p in model.parameters()] == [(3, 2), (3,), (3, 3), (3,), (1, 3), (1,)]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())


def test_custom_module_names_children_and_buffers():
    model = TwoLayer()
    assert [name for name, _ in model.named_children()] == ["hidden", "norm", "drop", "out"]
    assert list(model.children())[0] is model.hidden
    assert [name for name, _ in model.named_parameters()] == [
        "hidden.weight", "hidden.bias", "norm.weight", "norm.bias", "out.weight", "out.bias"]
    assert list(model.state_dict()) == [
        "hidden.weight", "hidden.bias", "norm.weight", "norm.bias", "norm.running_mean",
        "norm.running_var", "norm.num_batches_tracked", "out.weight", "out.bias"]
    assert [name for name, _ in model.named_modules()] == ["", "hidden", "norm", "drop", "out"]


def test_shared_parameter_is_listed_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2


def test_reassigning_an_attribute_unregisters_it():
    model = TwoLayer()
    model.out = None
    assert "out.weight" not in dict(model.named_parameters())
    model.extra = nn.Parameter(np.zeros(3))
    # a module's own parameters come before its children's, as in PyTorch
    assert list(dict(model.named_parameters()))[0] == "extra"


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_train_and_eval_propagate_to_every_submodule():
    model = nn.Sequential(TwoLayer(), nn.Linear(2, 2))
    assert model.eval() is model
    assert all(not module.training for module in model.modules())
    model.train()
    assert all(module.training for module in model.modules())


def test_zero_grad_clears_every_gradient():
    model = make_mlp()
    F.cross_entropy(model(Tensor(np.ones((4, 3)))), np.array([0, 1, 0, 1])).backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_repr_shows_the_architecture():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.1), nn.Dropout(0.25)))
    assert text == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): LeakyReLU(negative_slope=0.1)\n"
        "  (2): Dropout(p=0.25)\n"
        ")"
    )
    assert "(hidden): Linear(in_features=3, out_features=4, bias=True)" in repr(TwoLayer())


def test_state_dict_round_trip_restores_parameters_and_buffers():
    source, target = TwoLayer(), TwoLayer()
    source.train()
    source(Tensor(np.random.default_rng(0).standard_normal((8, 3))))  # moves running stats
    state = source.state_dict()
    result = target.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for name, array in target.state_dict().items():
        np.testing.assert_array_equal(array, state[name])
        assert array.dtype == state[name].dtype
    assert int(target.norm.num_batches_tracked) == 1


def test_state_dict_is_a_snapshot():
    model = make_mlp()
    state = model.state_dict()
    before = state["0.weight"].copy()
    model[0].weight.data += 1
    np.testing.assert_array_equal(state["0.weight"], before)


def test_failed_load_changes_nothing_and_names_the_key_and_shapes():
    model = TwoLayer()
    before = model.state_dict()
    bad = TwoLayer().state_dict()
    bad["out.weight"] = np.zeros((3, 4))  # wrong shape, listed after good entries
    with pytest.raises(ValueError) as error:
        model.load_state_dict(bad)
    message = str(error.value)
    assert "'out.weight'" in message and "(3, 4)" in message and "(2, 4)" in message
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name])


def test_missing_and_unexpected_keys_are_errors_unless_not_strict():
    model = make_mlp()
    state = model.state_dict()
    del state["2.bias"]
    state["3.weight"] = np.zeros(2)
    with pytest.raises(ValueError, match="missing keys: '2.bias'.*unexpected keys: '3.weight'"):
        model.load_state_dict(state)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["2.bias"] and result.unexpected_keys == ["3.weight"]


def test_save_and_load_give_identical_predictions(tmp_path):
    np.random.seed(1)
    x = Tensor(np.random.randn(16, 3))
    y = np.random.randint(0, 2, 16)
    model = make_mlp(1)
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(20):
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
    path = tmp_path / "model.npz"
    model.save(path)
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind
    fresh = make_mlp(2)
    assert fresh.load(path) is fresh
    with no_grad():
        np.testing.assert_array_equal(fresh(x).data, model(x).data)


def test_save_replaces_an_existing_file_atomically(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"old contents")
    model = make_mlp()
    model.save(str(path))
    make_mlp(5).load(path)  # the old file was replaced by a complete archive
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]


def test_load_of_a_corrupt_or_foreign_file_is_a_clear_error(tmp_path):
    model = make_mlp()
    before = model.state_dict()
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    with pytest.raises(ValueError, match="not an .npz archive"):
        model.load(text)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.zeros(3))
    with pytest.raises(ValueError, match="not one written by Module.save"):
        model.load(foreign)
    good = tmp_path / "good.npz"
    model.save(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:200])
    with pytest.raises(ValueError, match="cannot read"):
        model.load(truncated)
    with pytest.raises(FileNotFoundError):
        model.load(tmp_path / "missing.npz")
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name])


def test_load_into_a_different_architecture_fails_cleanly(tmp_path):
    path = tmp_path / "small.npz"
    make_mlp().save(path)
    other = nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 2))
    before = other.state_dict()
    with pytest.raises(ValueError, match="'0.weight': the state has shape \\(5, 3\\) but the model "
                                         "has shape \\(6, 3\\)"):
        other.load(path)
    np.testing.assert_array_equal(other[0].weight.data, before["0.weight"])


def test_parameter_repr_and_default_requires_grad():
    param = nn.Parameter([1.0, 2.0])
    assert param.requires_grad and param.dtype == np.float32
    assert repr(param).startswith("Parameter containing:\nTensor(")
    assert not nn.Parameter([1.0], requires_grad=False).requires_grad


def test_double_converts_parameters_and_buffers_and_freezing_stops_gradients():
    model = TwoLayer().double()
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model.norm.running_mean.dtype == np.float64
    assert model.norm.num_batches_tracked.dtype == np.int64
    assert model.float().out.weight.dtype == np.float32
    model.hidden.requires_grad_(False)
    model(Tensor(np.ones((4, 3)))).sum().backward()
    assert model.hidden.weight.grad is None and model.out.weight.grad is not None


def test_a_deep_copy_is_independent():
    import copy

    model = make_mlp()
    clone = copy.deepcopy(model)
    clone[0].weight.data += 1
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert not np.array_equal(clone[0].weight.data, model[0].weight.data)
    assert clone[0]._parameters["weight"] is clone[0].weight


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path):
    from tinygrad_edu.nn import serialization

    path = tmp_path / "model.npz"
    make_mlp().save(path)
    before = path.read_bytes()
    with pytest.raises(ValueError):  # object arrays are refused: a file holds numbers only
        serialization.save_npz({"weight": np.array([object()])}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def test_replacing_a_parameter_keeps_its_place():
    layer = nn.Linear(2, 3)
    layer.weight = nn.Parameter(np.zeros((3, 2)))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert not layer.weight.data.any()


# ---- load_state_dict never casts silently (PyTorch would) ----


@pytest.mark.parametrize("key, value, message", [
    ("0.weight", np.full((2, 2), 1e300), "'0.weight': 1e+300 does not fit float32 (it would "
                                         "become inf)"),
    ("1.num_batches_tracked", np.array(np.nan), "'1.num_batches_tracked': nan cannot be stored "
                                                "in an int64 buffer"),
    ("1.num_batches_tracked", np.array(2.5), "2.5 is not a whole number"),
    ("1.num_batches_tracked", np.array(1e30), "outside the range of int64"),
    ("0.bias", np.array([-1e39, 0.0]), "-1e+39 does not fit float32"),
])
def test_a_number_that_does_not_fit_the_models_dtype_is_refused_naming_the_key(key, value,
                                                                              message):
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    before = {name: array.copy() for name, array in model.state_dict().items()}
    state = model.state_dict()
    state[key] = value
    with pytest.raises(ValueError) as raised:
        model.load_state_dict(state)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert all(np.array_equal(array, before[name], equal_nan=True)
               for name, array in model.state_dict().items())


def test_numbers_that_fit_are_loaded_as_the_models_dtype():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    state = model.state_dict()
    state["0.weight"] = np.full((2, 2), 0.1, dtype=np.float64)  # rounding is not a loss
    state["1.num_batches_tracked"] = np.array(7.0)
    state["0.bias"] = np.array([3, -4], dtype=np.int64)
    model.load_state_dict(state)
    loaded = model.state_dict()
    assert loaded["0.weight"].dtype == np.float32 and loaded["0.weight"][0, 0] == np.float32(0.1)
    assert loaded["1.num_batches_tracked"].dtype == np.int64
    assert loaded["1.num_batches_tracked"] == 7
    np.testing.assert_array_equal(loaded["0.bias"], [3.0, -4.0])

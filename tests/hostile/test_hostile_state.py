"""Optimizer and model state fuzzing: a state is either refused with a message naming
the key, leaving everything byte-identical, or it loads and the next step works."""

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor

OPTIMIZERS = {
    "SGD": lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    "Adagrad": lambda p: optim.Adagrad(p),
    "RMSprop": lambda p: optim.RMSprop(p, momentum=0.5, centered=True),
    "Adadelta": lambda p: optim.Adadelta(p),
    "Adam": lambda p: optim.Adam(p, amsgrad=True),
    "AdamW": lambda p: optim.AdamW(p),
}


def trained(kind: str):
    params = [Tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True),
              Tensor(np.array([0.5]), requires_grad=True)]
    optimizer = OPTIMIZERS[kind](params)
    for _ in range(2):
        for param in params:
            param.grad = np.ones_like(param.data) * 0.1
        optimizer.step()
    return params, optimizer


def snapshot(optimizer) -> dict:
    return copy.deepcopy(optimizer.state_dict())


def same(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("state, message", [
    ({"param_groups": []}, "missing key.s. 'state'"),
    ("fast", "expected the dict that state_dict.. returns, got a str"),
])
def test_shapeless_states_are_refused(state, message):
    _, optimizer = trained("Adam")
    with pytest.raises(ValueError, match=message):
        optimizer.load_state_dict(state)


@pytest.mark.parametrize("edit, message", [
    (lambda s: s["param_groups"][0].update(lr="fast"), r"\['lr'\]: 'fast' is not a finite"),
    (lambda s: s["param_groups"][0].update(betas=(2, 2)), r"\['betas'\]: \(2, 2\) is not two"),
    (lambda s: s["param_groups"][0].update(eps=-1.0), r"\['eps'\]: -1.0 is negative"),
    (lambda s: s["param_groups"][0].update(amsgrad="yes"), r"\['amsgrad'\]: 'yes' is not True"),
    (lambda s: s["param_groups"][0].pop("lr"), r"param_groups\[0\] lacks 'lr'"),
    (lambda s: s["param_groups"][0].update(momentum=0.9), r"unknown option.s. 'momentum'"),
    (lambda s: s["state"][0].update(exp_avg=np.array(1.0)),
     r"state\[0\]\['exp_avg'\] has shape \(\) but the parameter has shape \(2, 3\)"),
    (lambda s: s["state"][0].update(exp_avg=np.zeros((2, 3), int)), "holds int64, not floating"),
    (lambda s: s["state"][1].update(exp_avg_sq=np.array([np.nan])), "holds NaN or infinite"),
    (lambda s: s["state"][0].pop("exp_avg"), r"state\[0\] lacks 'exp_avg'"),
    (lambda s: s["state"][0].update(step=-3), r"\['step'\]: -3 is not a whole number"),
    (lambda s: s["state"].update({7: {}}), "parameter 7, which does not exist here"),
])
def test_adam_state_problems_are_named_and_change_nothing(edit, message):
    params, optimizer = trained("Adam")
    before, weights = snapshot(optimizer), [p.data.copy() for p in params]
    state = optimizer.state_dict()
    edit(state)
    with pytest.raises(ValueError, match="load_state_dict: cannot load into Adam .nothing was "
                                         "changed.: .*" + message):
        optimizer.load_state_dict(state)
    assert same(snapshot(optimizer), before)
    assert all(np.array_equal(p.data, w) for p, w in zip(params, weights, strict=True))


def corrupt(value, choice: int, draw_number: float):
    """One of the ways a saved value goes wrong."""
    options = [
        lambda: draw_number, lambda: "fast", lambda: None, lambda: -abs(draw_number) - 1,
        lambda: np.array(draw_number), lambda: np.zeros((5,)), lambda: [draw_number] * 2,
        lambda: float("nan"), lambda: True, lambda: (draw_number, 2.0),
        lambda: np.asarray(value).astype(np.int8) if isinstance(value, np.ndarray) else 7,
    ]
    return options[choice % len(options)]()


@given(kind=st.sampled_from(sorted(OPTIMIZERS)), data=st.data())
def test_fuzzed_optimizer_states_are_refused_cleanly_or_work(kind, data):
    params, optimizer = trained(kind)
    before = snapshot(optimizer)
    state = optimizer.state_dict()
    slots = [("group", key) for key in state["param_groups"][0] if key != "params"]
    slots += [("state", (index, key)) for index, buffers in state["state"].items()
              for key in buffers]
    for _ in range(data.draw(st.integers(1, 3))):
        where, key = data.draw(st.sampled_from(slots))
        choice = data.draw(st.integers(0, 20))
        number = data.draw(st.floats(-10, 10, allow_nan=False))
        if where == "group":
            if choice == 20:
                state["param_groups"][0].pop(key, None)
            else:
                state["param_groups"][0][key] = corrupt(state["param_groups"][0].get(key),
                                                        choice, number)
        else:
            index, name = key
            if choice == 20:
                state["state"][index].pop(name, None)
            else:
                state["state"][index][name] = corrupt(state["state"][index].get(name), choice,
                                                      number)
    try:
        optimizer.load_state_dict(state)
    except ValueError as error:
        kind_name = type(optimizer).__name__
        assert str(error).startswith(f"load_state_dict: cannot load into {kind_name}")
        assert "\n" not in str(error)
        assert same(snapshot(optimizer), before)
        return
    for param in params:  # accepted: it must be a state the next step can use
        param.grad = np.ones_like(param.data)
    with np.errstate(all="ignore"):
        optimizer.step()
    assert all(p.data.shape == s for p, s in zip(params, [(2, 3), (1,)], strict=True))


@given(data=st.data())
def test_fuzzed_model_states_are_refused_cleanly_or_load(data):
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    before = model.state_dict()
    state = model.state_dict()
    name = data.draw(st.sampled_from(sorted(state)))
    change = data.draw(st.sampled_from(["shape", "dtype", "drop", "extra", "scalar", "text"]))
    if change == "shape":
        state[name] = np.zeros(data.draw(st.lists(st.integers(0, 5), max_size=3)))
    elif change == "dtype":
        state[name] = state[name].astype(data.draw(st.sampled_from(["int8", "bool", "U3",
                                                                     "complex64", "float16"])))
    elif change == "drop":
        del state[name]
    elif change == "extra":
        state["2.gamma"] = np.ones(2)
    elif change == "scalar":
        state[name] = 1.5
    else:
        state[name] = "weights"
    strict = data.draw(st.booleans())
    try:
        model.load_state_dict(state, strict=strict)
    except ValueError as error:
        assert "nothing was changed" in str(error) and "\n" not in str(error)
        for key, array in model.state_dict().items():
            assert array.dtype == before[key].dtype and array.tobytes() == before[key].tobytes()
        return
    for key, array in model.state_dict().items():  # loaded: still the model's shapes/dtypes
        assert array.shape == before[key].shape and array.dtype == before[key].dtype

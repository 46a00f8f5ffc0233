"""The narrated update step: its numbers are the optimizer's, before and after, and the
same as PyTorch's optimizer on the same gradients (when torch is installed)."""

import re

import numpy as np
import pytest

import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor
from viz.graph import format_number
from viz.training.updates import narrated_step

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, weight_decay=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.2)),
    ("Adagrad", dict(lr=0.3)),
    ("Adagrad", dict(lr=0.3, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, weight_decay=0.05)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3)),
]

# our state names -> PyTorch's (the same where they agree)
TORCH_STATE = {"momentum_buffer": "momentum_buffer", "sum": "sum", "square_avg": "square_avg",
               "grad_avg": "grad_avg", "acc_delta": "acc_delta", "exp_avg": "exp_avg",
               "exp_avg_sq": "exp_avg_sq", "max_exp_avg_sq": "max_exp_avg_sq"}


def _numbers(line: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", line)]


def test_plain_sgd_reads_like_the_lecture():
    w = Tensor([0.5], requires_grad=True, dtype=np.float64)
    w.grad = np.array([0.2])
    steps = narrated_step(optim.SGD([w], lr=0.1), names={id(w): "w"})
    assert "w ← w − η·∂L/∂w = 0.5 − 0.1 × 0.2 = 0.48" in [s.strip() for s in steps[0]["lines"]]
    assert w.data[0] == pytest.approx(0.48)
    assert steps[0]["entries"][0]["after"] == w.data[0] and steps[0]["agrees"]


def test_each_parameter_is_called_by_its_own_name():
    bias = Tensor([0.5, -1.0], requires_grad=True, dtype=np.float64)
    bias.grad = np.array([0.2, 0.4])
    (step,) = narrated_step(optim.SGD([bias], lr=0.1, momentum=0.9), names={id(bias): "2.bias"})
    text = "\n".join(step["lines"])
    assert "2.bias[0]: ∂L/∂2.bias[0] = 0.2" in text
    assert "2.bias[1] ← 2.bias[1] − η·b = (-1) − 0.1 × 0.4 = -1.04" in text
    assert not re.search(r"(?<![\w.])w(?![\w])", text)  # no bare "w" is left


def test_korean_words_and_unknown_language():
    w = Tensor([0.5], requires_grad=True, dtype=np.float64)
    w.grad = np.array([0.2])
    optimizer = optim.Adam([w], lr=0.1)
    assert narrated_step(optimizer, lang="ko")[0]["title"].startswith("갱신")
    with pytest.raises(ValueError, match="lang"):
        narrated_step(optimizer, lang="fr")
    assert w.data[0] != 0.5  # only the first call stepped


@pytest.mark.parametrize("name, options", CONFIGS)
def test_text_numbers_are_the_recorded_before_and_after(name, options):
    rng = np.random.default_rng(3)
    w = Tensor(rng.standard_normal((3, 2)), requires_grad=True, dtype=np.float64)
    optimizer = getattr(optim, name)([w], **options)
    for _ in range(4):
        w.grad = rng.standard_normal((3, 2))
        before = w.data.copy()
        (step,) = narrated_step(optimizer, names={id(w): "W"}, entries=2)
        assert step["agrees"] and len(step["entries"]) == 2
        for entry in step["entries"]:
            flat = entry["index"]
            assert entry["before"] == before.reshape(-1)[flat]
            assert entry["after"] == w.data.reshape(-1)[flat]
            assert entry["computed"] == pytest.approx(entry["after"], rel=1e-9, abs=1e-12)
        # the update line ends with the new weight; the old one is written out
        text = "\n".join(step["lines"])
        update_lines = [line for entry in step["entries"] for line in step["lines"]
                        if line.strip().startswith(f"{entry['name']} ← {entry['name']} −")]
        for entry, line in zip(step["entries"], update_lines, strict=True):
            assert line.endswith(format_number(entry["after"]))
            assert format_number(entry["before"]) in text
        delta = np.array(step["delta"]["values"])
        np.testing.assert_allclose(delta, (w.data - before).reshape(-1), rtol=1e-3, atol=1e-12)


def test_float32_parameters_agree_within_their_precision():
    rng = np.random.default_rng(0)
    w = Tensor(rng.standard_normal(5).astype(np.float32), requires_grad=True)
    optimizer = optim.Adam([w], lr=0.05)
    for _ in range(3):
        w.grad = rng.standard_normal(5).astype(np.float32)
        assert narrated_step(optimizer)[0]["agrees"]


def test_parameter_without_gradient_is_said_unchanged():
    a = Tensor([1.0], requires_grad=True)
    b = Tensor([2.0], requires_grad=True)
    a.grad = np.array([0.5], dtype=np.float32)
    steps = narrated_step(optim.SGD([a, b], lr=0.1), names={id(a): "a", id(b): "b"})
    assert "b" in steps[1]["lines"][0] and steps[1]["entries"] == []
    assert b.data[0] == 2.0


@pytest.mark.parametrize("name, options", CONFIGS)
def test_narration_equals_pytorch(name, options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    start = rng.standard_normal((2, 3))
    ours = Tensor(start.copy(), requires_grad=True, dtype=np.float64)
    theirs = torch.tensor(start.copy(), requires_grad=True)
    our_optimizer = getattr(optim, name)([ours], **options)
    their_optimizer = getattr(torch.optim, name)([theirs], **options)
    for number in range(5):
        grad = rng.standard_normal((2, 3))
        ours.grad, theirs.grad = grad.copy(), torch.tensor(grad.copy())
        (step,) = narrated_step(our_optimizer, entries=6)
        their_optimizer.step()
        expected = theirs.detach().numpy().reshape(-1)
        their_state = their_optimizer.state[theirs]
        for entry in step["entries"]:
            assert entry["computed"] == pytest.approx(expected[entry["index"]], rel=1e-9,
                                                      abs=1e-12), f"{name} step {number + 1}"
            for ours_name, value in entry["state"].items():
                if ours_name == "step":
                    assert value == int(their_state["step"])
                    continue
                theirs_value = their_state[TORCH_STATE[ours_name]].numpy().reshape(-1)
                assert value == pytest.approx(theirs_value[entry["index"]], rel=1e-9, abs=1e-12)


def test_a_step_that_differs_from_its_formula_is_flagged():
    class DoubleSGD(optim.SGD):  # claims to be SGD, moves twice as far
        def step(self):
            super().step()
            super().step()

    w = Tensor([0.5], requires_grad=True, dtype=np.float64)
    w.grad = np.array([0.2])
    (step,) = narrated_step(DoubleSGD([w], lr=0.1))
    assert not step["agrees"] and step["entries"][0]["after"] == pytest.approx(0.46)
    assert step["entries"][0]["computed"] == pytest.approx(0.48)
    assert any(line.strip().startswith("(!)") and "0.46" in line for line in step["lines"])


def test_unknown_optimizer_is_named():
    class Mine(optim.Optimizer):
        def step(self):
            pass

    w = Tensor([0.5], requires_grad=True)
    with pytest.raises(TypeError, match="Mine"):
        narrated_step(Mine([w], {}))


def test_update_steps_have_the_explorer_step_shape():
    from viz import steps as graph_steps

    w = Tensor([0.5, -1.0], requires_grad=True, dtype=np.float64)
    loss = (w * w).sum()
    loss.backward()
    backward = graph_steps(loss)[-1]
    (update,) = narrated_step(optim.SGD([w], lr=0.1), nodes={id(w): backward.node})
    for key in ("phase", "node", "title", "lines", "values", "grads"):
        assert key in update
    assert update["phase"] == "update" and isinstance(update["lines"], list)

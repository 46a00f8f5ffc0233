"""Optimizers: several steps against each update rule written out here in numpy."""

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor

STEPS = 5
SHAPE = (3, 2)


def gradients(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(SHAPE) for _ in range(STEPS)]


def start():
    return np.random.default_rng(99).standard_normal(SHAPE)


def run(make_optimizer, grads):
    """Weights after each step, feeding the given gradients to a float64 parameter."""
    param = Tensor(start(), requires_grad=True, dtype=np.float64)
    optimizer = make_optimizer([param])
    history = []
    for grad in grads:
        param.grad = grad.copy()
        optimizer.step()
        history.append(param.data.copy())
    return history


def assert_same_walk(make_optimizer, reference):
    grads = gradients()
    got = run(make_optimizer, grads)
    expected = reference(start(), grads)
    for step, (a, b) in enumerate(zip(got, expected, strict=True)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=f"step {step + 1}")


# ---- SGD and momentum ----


def test_sgd_plain():
    def reference(w, grads):  # W ← W - η g
        out = []
        for g in grads:
            w = w - 0.1 * g
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.SGD(p, lr=0.1), reference)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_weight_decay(nesterov):
    lr, mu, wd = 0.05, 0.9, 0.01

    def reference(w, grads):
        out, b = [], None
        for g in grads:
            g = g + wd * w
            b = g.copy() if b is None else mu * b + g
            w = w - lr * (g + mu * b if nesterov else b)
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.SGD(p, lr=lr, momentum=mu, weight_decay=wd,
                                         nesterov=nesterov), reference)


def test_sgd_dampening():
    def reference(w, grads):
        out, b = [], None
        for g in grads:
            b = g.copy() if b is None else 0.8 * b + (1 - 0.3) * g
            w = w - 0.1 * b
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.SGD(p, lr=0.1, momentum=0.8, dampening=0.3), reference)


def test_momentum_is_the_lectures_velocity_form():
    """v ← α v - η ∂L/∂W, W ← W + v (the lecture) walks the same path."""
    def reference(w, grads):
        out, v = [], np.zeros_like(w)
        for g in grads:
            v = 0.9 * v - 0.1 * g
            w = w + v
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.Momentum(p, lr=0.1), reference)
    assert optim.Momentum([Tensor([1.0], requires_grad=True)]).param_groups[0]["momentum"] == 0.9


# ---- adaptive methods ----


@pytest.mark.parametrize("lr_decay, weight_decay", [(0.0, 0.0), (0.1, 0.05)])
def test_adagrad(lr_decay, weight_decay):
    def reference(w, grads):
        out, h = [], np.full_like(w, 0.1)
        for t, g in enumerate(grads, start=1):
            g = g + weight_decay * w
            h = h + g * g  # h ← h + g ⊙ g
            w = w - 0.5 / (1 + (t - 1) * lr_decay) * g / (np.sqrt(h) + 1e-10)
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.Adagrad(p, lr=0.5, lr_decay=lr_decay,
                                             weight_decay=weight_decay,
                                             initial_accumulator_value=0.1), reference)


@pytest.mark.parametrize("momentum, centered", [(0.0, False), (0.9, False), (0.5, True)])
def test_rmsprop(momentum, centered):
    lr, alpha, eps = 0.01, 0.9, 1e-8

    def reference(w, grads):
        out, h, mean, b = [], np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
        for g in grads:
            h = alpha * h + (1 - alpha) * g * g
            mean = alpha * mean + (1 - alpha) * g
            denominator = np.sqrt(h - mean * mean if centered else h) + eps
            if momentum:
                b = momentum * b + g / denominator
                w = w - lr * b
            else:
                w = w - lr * g / denominator
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.RMSprop(p, lr=lr, alpha=alpha, momentum=momentum,
                                             centered=centered), reference)


def test_adadelta():
    rho, eps, lr = 0.9, 1e-6, 1.0

    def reference(w, grads):
        out, h, u = [], np.zeros_like(w), np.zeros_like(w)
        for g in grads:
            h = rho * h + (1 - rho) * g * g
            delta = np.sqrt(u + eps) / np.sqrt(h + eps) * g
            u = rho * u + (1 - rho) * delta * delta
            w = w - lr * delta
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.Adadelta(p), reference)


@pytest.mark.parametrize("weight_decay, amsgrad", [(0.0, False), (0.1, False), (0.0, True)])
def test_adam(weight_decay, amsgrad):
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8

    def reference(w, grads):
        out, m, v, v_max = [], np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
        for t, g in enumerate(grads, start=1):
            g = g + weight_decay * w
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            v_max = np.maximum(v_max, v)
            m_hat = m / (1 - beta1**t)
            v_hat = (v_max if amsgrad else v) / (1 - beta2**t)
            w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.Adam(p, lr=lr, weight_decay=weight_decay, amsgrad=amsgrad),
                     reference)


def test_adamw_decays_the_weights_directly():
    lr, beta1, beta2, eps, wd = 0.01, 0.8, 0.99, 1e-8, 0.1

    def reference(w, grads):
        out, m, v = [], np.zeros_like(w), np.zeros_like(w)
        for t, g in enumerate(grads, start=1):
            w = w - lr * wd * w
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            w = w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
            out.append(w)
        return out
    assert_same_walk(lambda p: optim.AdamW(p, lr=lr, betas=(beta1, beta2), weight_decay=wd),
                     reference)
    assert optim.AdamW([Tensor([1.0], requires_grad=True)]).param_groups[0]["weight_decay"] == 0.01


# ---- what every optimizer must respect ----

ALL = [
    lambda p: optim.SGD(p, lr=0.1),
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
    lambda p: optim.Adagrad(p, weight_decay=0.1),
    lambda p: optim.RMSprop(p, momentum=0.5, centered=True, weight_decay=0.1),
    lambda p: optim.Adadelta(p, weight_decay=0.1),
    lambda p: optim.Adam(p, weight_decay=0.1, amsgrad=True),
    lambda p: optim.AdamW(p),
]


@pytest.mark.parametrize("make", ALL)
def test_step_builds_no_graph_and_leaves_grads_alone(make):
    shared = np.ones(4)  # two parameters whose gradients are views of one array
    a = Tensor(np.zeros(2), requires_grad=True)
    b = Tensor(np.zeros(2), requires_grad=True)
    skipped = Tensor(np.full(3, 7.0), requires_grad=True)  # no gradient: not moved
    a.grad, b.grad = shared[:2], shared[2:]
    optimizer = make([a, b, skipped])
    for _ in range(3):
        optimizer.step()
    np.testing.assert_array_equal(shared, 1.0)
    assert a.is_leaf and a.parents == () and a.requires_grad
    assert not np.array_equal(a.data, 0) and np.array_equal(skipped.data, [7.0, 7.0, 7.0])
    assert a.dtype == np.float32  # updates keep the dtype


@pytest.mark.parametrize("make", ALL)
def test_state_dict_resumes_the_same_walk(make):
    grads = gradients(3)
    straight = run(make, grads)[-1]
    param = Tensor(start(), requires_grad=True, dtype=np.float64)
    first = make([param])
    for grad in grads[:2]:
        param.grad = grad
        first.step()
    saved = first.state_dict()
    for grad in grads[2:3]:  # moving on must not change the snapshot
        param.grad = grad
        first.step()
    resumed_param = Tensor(start(), requires_grad=True, dtype=np.float64)
    resumed_param.data[...] = run(make, grads[:2])[-1]
    resumed = make([resumed_param])
    resumed.load_state_dict(saved)
    for grad in grads[2:]:
        resumed_param.grad = grad
        resumed.step()
    np.testing.assert_allclose(resumed_param.data, straight, rtol=1e-12)


def test_load_state_dict_checks_before_changing():
    param = Tensor(np.zeros(3), requires_grad=True)
    optimizer = optim.Adam([param])
    param.grad = np.ones(3)
    optimizer.step()
    other = optim.Adam([Tensor(np.zeros(4), requires_grad=True)])
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(4,\)"):
        other.load_state_dict(optimizer.state_dict())
    assert other.state == {}
    two = optim.Adam([Tensor(np.zeros(3), requires_grad=True), Tensor([1.0], requires_grad=True)])
    with pytest.raises(ValueError, match="1 parameters in the state but 2 here"):
        two.load_state_dict(optimizer.state_dict())


def test_parameter_groups_have_their_own_options():
    a = Tensor(np.zeros(2), requires_grad=True)
    b = Tensor(np.zeros(2), requires_grad=True)
    optimizer = optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    a.grad, b.grad = np.ones(2), np.ones(2)
    optimizer.step()
    np.testing.assert_allclose(a.data, -0.1)
    np.testing.assert_allclose(b.data, -1.0)
    assert optimizer.state_dict()["param_groups"][1]["params"] == [1]


def test_optimizer_input_errors():
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="does not require grad"):
        optim.SGD([Tensor([1.0])], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(Tensor([1.0], requires_grad=True), lr=0.1)
    with pytest.raises(TypeError, match="not a Tensor"):
        optim.Adam([np.zeros(2)])
    with pytest.raises(ValueError, match="nesterov"):
        optim.SGD([Tensor([1.0], requires_grad=True)], lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="unknown option"):
        optim.SGD([{"params": [Tensor([1.0], requires_grad=True)], "betas": (0.9, 0.9)}])


def test_zero_grad_and_plain_tensors_work():
    w = Tensor(np.ones(3), requires_grad=True)  # not a Parameter
    optimizer = optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    optimizer.step()
    np.testing.assert_allclose(w.data, 0.0)  # 1 - 0.5 * 2
    optimizer.zero_grad()
    assert w.grad is None


# ---- gradient clipping ----


def test_clip_grad_norm_scales_all_gradients_together():
    a = Tensor(np.zeros(2), requires_grad=True)
    b = Tensor(np.zeros(1), requires_grad=True)
    original = np.array([3.0, 0.0])
    a.grad, b.grad = original, np.array([4.0])
    total = optim.clip_grad_norm_([a, b], max_norm=1.0)
    assert total == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad, [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(b.grad, [0.8], rtol=1e-5)
    np.testing.assert_array_equal(original, [3.0, 0.0])  # replaced, not changed in place
    assert optim.clip_grad_norm_([a, b], max_norm=10.0) == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(b.grad, [0.8], rtol=1e-5)  # under the limit: unchanged
    assert optim.clip_grad_norm_([a, b], 0.4, norm_type=float("inf")) == pytest.approx(0.8)


def test_clip_grad_value():
    w = Tensor(np.zeros(3), requires_grad=True)
    w.grad = np.array([-5.0, 0.5, 2.0])
    optim.clip_grad_value_([w], 1.0)
    np.testing.assert_array_equal(w.grad, [-1.0, 0.5, 1.0])


def test_every_optimizer_trains_a_small_regression():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    for make in [lambda p: optim.SGD(p, lr=0.1), lambda p: optim.Momentum(p, lr=0.05),
                 lambda p: optim.Adagrad(p, lr=0.3), lambda p: optim.RMSprop(p, lr=0.02),
                 lambda p: optim.Adadelta(p, eps=1e-2), lambda p: optim.Adam(p, lr=0.05),
                 lambda p: optim.AdamW(p, lr=0.05, weight_decay=0.0)]:
        np.random.seed(0)
        model = nn.Linear(3, 1)
        optimizer = make(model.parameters())
        first = None
        for _ in range(150):
            optimizer.zero_grad()
            loss = F.mse_loss(model(Tensor(x)), y)
            loss.backward()
            optimizer.step()
            first = first if first is not None else loss.item()
        assert loss.item() < 0.1 * first, type(optimizer).__name__

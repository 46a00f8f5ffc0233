"""The course, cell by cell: ``("md", english, korean)`` and ``("code", source)``.

Code is shared by both languages; ``{LANG}`` in a code cell becomes ``en`` or ``ko``.
Each lesson runs in a few seconds (the tests execute all of them).
"""

from __future__ import annotations

PAGE_HELPER = '''
from html import escape


class Page:
    """The step-through page of viz.html, shown inside the notebook in its own frame."""

    def __init__(self, root, lang="{LANG}"):
        self.page = viz.html_page(root, lang=lang)

    def _repr_html_(self):
        return (f'<iframe srcdoc="{escape(self.page)}" title="backward, step by step" '
                'style="width: 100%; height: 560px; border: 0"></iframe>')
'''

CHAIN_RULE = [
    ("md", """
# 1. The chain rule, and the sigmoid in four gates

The lecture's first graph is **f = w·x + b** with w = −2, x = 5, b = 3. Backpropagation
walks it from f back to the inputs: at every node, *upstream gradient × local gradient
= downstream gradient*. Because f = g + b with g = w·x:

* ∂f/∂b = 1 (a plus gate passes the gradient through),
* ∂f/∂w = ∂f/∂g · ∂g/∂w = 1 · x = 5,
* ∂f/∂x = ∂f/∂g · ∂g/∂x = 1 · w = −2.
""", """
# 1. 연쇄 법칙(chain rule)과 네 개의 게이트로 나눈 시그모이드

강의의 첫 그래프는 w = −2, x = 5, b = 3 일 때의 **f = w·x + b** 입니다. 역전파는 f 에서
입력 쪽으로 거슬러 가며, 각 노드에서 *위에서 온 기울기(upstream) × 로컬 기울기(local)
= 아래로 보낼 기울기(downstream)* 를 계산합니다. g = w·x 라 하면 f = g + b 이므로

* ∂f/∂b = 1 (덧셈 게이트는 기울기를 그대로 흘려보냅니다),
* ∂f/∂w = ∂f/∂g · ∂g/∂w = 1 · x = 5,
* ∂f/∂x = ∂f/∂g · ∂g/∂x = 1 · w = −2 입니다.
"""),
    ("code", '''
import viz
from tinygrad_edu import Value

w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
g = w * x
g.label = "g"
f = g + b
f.label = "f"
f.backward()
print(f"f = {f.data:g}")
for leaf in (w, x, b):
    print(f"∂f/∂{leaf.label} = {leaf.grad:g}")
'''),
    ("md", """
The same numbers on the graph: forward values in blue, gradients in red. A drawing is
an object that Jupyter shows by itself (no system Graphviz needed).
""", """
같은 숫자를 그래프 위에서 봅니다. 파란색은 순전파 값, 빨간색은 기울기입니다. 그림은
주피터가 스스로 보여 주는 객체입니다(시스템에 Graphviz 가 없어도 됩니다).
"""),
    ("code", "viz.draw(f)"),
    ("md", """
Every step of the backward pass, in words, then as a page you can step through
(buttons or ← / →).
""", """
역전파의 모든 단계를 글로 보고, 이어서 한 단계씩 넘겨 볼 수 있는 페이지로 봅니다
(버튼이나 ← / → 키).
"""),
    ("code", 'print(viz.format_steps(viz.steps(f, lang="{LANG}")))'),
    ("code", PAGE_HELPER + "\nPage(f)"),
    ("md", """
## The sigmoid, decomposed

σ(z) = 1 / (1 + e^(−z)) is one node with local derivative σ(1 − σ), or four gates as the
lecture draws it: ×(−1) → exp → +1 → 1/x. Both give the same gradients.
""", """
## 시그모이드를 게이트로 나누기

σ(z) = 1 / (1 + e^(−z)) 는 로컬 기울기가 σ(1 − σ) 인 노드 하나이기도 하고, 강의 그림처럼
네 개의 게이트 ×(−1) → exp → +1 → 1/x 이기도 합니다. 두 방법의 기울기는 같습니다.
"""),
    ("code", '''
def sigmoid_graph(decompose):
    w, x, b = Value(2.0, label="w"), Value(-1.0, label="x"), Value(3.0, label="b")
    z = w * x + b
    z.label = "z"
    out = z.sigmoid(decompose=decompose)
    out.label = "σ"
    out.backward()
    return out, (w, x, b)


fused, fused_inputs = sigmoid_graph(decompose=False)
gates, gate_inputs = sigmoid_graph(decompose=True)
print(f"σ(z) = {fused.data:.4f}; σ(1 - σ) = {fused.data * (1 - fused.data):.4f}")
pairs = list(zip(fused_inputs, gate_inputs, strict=True))
for one, other in pairs:
    print(f"∂σ/∂{one.label}: fused {one.grad:.6f}, four gates {other.grad:.6f}")
print("same gradients:", all(abs(one.grad - other.grad) < 1e-12 for one, other in pairs))
'''),
    ("code", "viz.draw(gates)"),
]

XOR = [
    ("md", """
# 2. XOR: one layer cannot, two layers can

XOR's four points are not separable by one straight line, so a single sigmoid unit
stays at 75 % accuracy at best. A hidden layer of two units bends the boundary. `fit`
trains either; in Jupyter its progress is a notebook bar, and every epoch leaves one
summary line (loss, accuracy, time).
""", """
# 2. XOR: 한 층으로는 안 되고 두 층이면 된다

XOR 의 네 점은 직선 하나로 나눌 수 없어서, 시그모이드 유닛 하나로는 정확도가 많아야
75 % 입니다. 유닛 두 개짜리 은닉층이 경계를 구부립니다. 둘 다 `fit` 으로 학습하며,
주피터에서는 진행 막대가 노트북 위젯으로 나오고, 에포크마다 요약 한 줄(손실, 정확도,
시간)이 남습니다.
"""),
    ("code", '''
import numpy as np

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import DataLoader, TensorDataset, xor
from tinygrad_edu.train import fit
from viz import plots

X, labels = xor()
Y = labels.reshape(-1, 1).astype(np.float32)
# 50 copies of the four points, in order: an epoch is 50 full-batch steps
loader = DataLoader(TensorDataset(np.tile(X, (50, 1)), np.tile(Y, (50, 1))), batch_size=4)
'''),
    ("code", '''
np.random.seed(0)
one_layer = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
history = fit(one_layer, F.binary_cross_entropy, optim.SGD(one_layer.parameters(), lr=0.5),
              loader, epochs=5, verbose=0)
print(f"one layer: accuracy {history.per_epoch('accuracy')[-1]:.2f}")
'''),
    ("code", '''
np.random.seed(0)
two_layers = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
history = fit(two_layers, F.binary_cross_entropy,
              optim.SGD(two_layers.parameters(), lr=0.5, momentum=0.9), loader, epochs=20)
'''),
    ("code", '''
print(f"two layers: accuracy {history.per_epoch('accuracy')[-1]:.2f}")
plots.training_curves({"loss": {"train": history.per_epoch("loss")},
                       "accuracy": {"train": history.per_epoch("accuracy")}})
'''),
]

VANISHING = [
    ("md", """
# 3. Vanishing gradients and weight initialisation

In a deep sigmoid network each layer multiplies the gradient by σ′ ≤ 1/4, so the first
layers learn almost nothing. ReLU passes the gradient unchanged where it is active.
Below: the gradient norm of every layer's weight, for 6 hidden layers on the 8×8
digits that ship with the package.
""", """
# 3. 기울기 소실과 가중치 초기화

깊은 시그모이드 신경망에서는 층마다 기울기에 σ′ ≤ 1/4 가 곱해져서 앞쪽 층은 거의
배우지 못합니다. ReLU 는 켜져 있는 곳에서 기울기를 그대로 전달합니다. 아래는 패키지에
들어 있는 8×8 손글씨 숫자로 은닉층 6개짜리 신경망을 학습할 때 층별 가중치 기울기의
크기입니다.
"""),
    ("code", '''
import numpy as np

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor, no_grad
from tinygrad_edu.data import DataLoader, TensorDataset, digits
from tinygrad_edu.train import fit
from viz import plots

X, y = digits()
loader = DataLoader(TensorDataset(X[:400], y[:400]), batch_size=50, shuffle=True, seed=0)


def deep_net(activation, init, width=32, hidden=6, seed=0):
    rng = np.random.default_rng(seed)
    sizes = [64] + [width] * hidden
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(n_in, n_out, init=init, generator=rng), activation()]
    return nn.Sequential(*layers, nn.Linear(width, 10, init=init, generator=rng))


ratios = {}
for name, activation, init in (("sigmoid", nn.Sigmoid, "xavier"), ("relu", nn.ReLU, "he")):
    model = deep_net(activation, init)
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), loader,
                  epochs=1, record_every=2, verbose=0)
    names, norms = history.gradient_norms(weights_only=True)
    ratios[name] = norms[0, 0] / norms[0, -1]
    print(f"{name}: first/last layer gradient norm ratio {ratios[name]:.2e}")
'''),
    ("code", '''
plots.gradient_norms(dict(zip(names, norms.T, strict=True)), history.recorded_steps,
                     title="ReLU + He: gradient norm per layer")
'''),
    ("md", """
## Initialisation decides what the layers see

Five sigmoid layers of 100 units, one batch of random inputs. With N(0, 1) weights the
outputs pile up at 0 and 1 (saturated: σ′ ≈ 0); with N(0, 0.01) they all collapse to 0.5
(every unit the same); Xavier's 1/√fan_in keeps them spread.
""", """
## 초기화가 각 층의 출력을 정한다

100 유닛짜리 시그모이드 층 다섯 개에 무작위 입력 한 배치를 넣어 봅니다. N(0, 1) 가중치면
출력이 0 과 1 에 몰리고(포화: σ′ ≈ 0), N(0, 0.01) 이면 모두 0.5 로 모여 버리며(모든 유닛이
같아짐), Xavier 의 1/√fan_in 은 고르게 퍼진 분포를 유지합니다.
"""),
    ("code", '''
def layer_outputs(init, layers=5, width=100):
    rng = np.random.default_rng(0)
    x = Tensor(np.random.default_rng(1).standard_normal((500, width)).astype(np.float32))
    outputs = {}
    with no_grad():
        for i in range(layers):
            x = nn.Linear(width, width, init=init, generator=rng)(x).sigmoid()
            outputs[f"layer {i + 1}"] = x.data
    return outputs


runs = {"N(0, 1)": layer_outputs("normal"), "N(0, 0.01)": layer_outputs("small"),
        "Xavier": layer_outputs("xavier")}
for name, outputs in runs.items():
    print(f"{name}: std of layer 5's outputs {outputs['layer 5'].std():.4f}")
plots.activation_histograms(runs, value_range=(0, 1))
'''),
]

OPTIMIZERS = [
    ("md", """
# 4. Optimizers

On f(x, y) = x²/20 + y², a long flat valley, plain SGD zig-zags across the steep
direction and crawls along the flat one. Momentum remembers the direction it has been
going; AdaGrad and RMSProp scale each coordinate by its own gradient history; Adam
does both. Each starts at (−7, 2) and takes 30 steps. Look at the shapes of the paths:
which one ends lowest after 30 steps depends on the learning rates chosen here as much
as on the method (try others).
""", """
# 4. 옵티마이저

길고 평평한 골짜기 f(x, y) = x²/20 + y² 에서 그냥 SGD 는 가파른 방향으로 지그재그하며
평평한 방향으로는 아주 천천히 갑니다. 모멘텀은 지금까지 가던 방향을 기억하고, AdaGrad 와
RMSProp 은 좌표마다 지난 기울기로 보폭을 조절하며, Adam 은 둘 다 합니다. 모두 (−7, 2)
에서 출발해 30 걸음을 갑니다.
"""),
    ("code", '''
import numpy as np

import tinygrad_edu.optim as optim
from tinygrad_edu import Tensor
from viz import plots


def valley(x, y):
    return x ** 2 / 20 + y ** 2


def path(make_optimizer, steps=30):
    point = Tensor(np.array([-7.0, 2.0]), requires_grad=True, dtype=np.float64)
    optimizer = make_optimizer([point])
    visited = [point.data.copy()]
    for _ in range(steps):
        loss = valley(point[0], point[1])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        visited.append(point.data.copy())
    return np.array(visited)


paths = {
    "SGD": path(lambda p: optim.SGD(p, lr=0.95)),
    "Momentum": path(lambda p: optim.SGD(p, lr=0.1, momentum=0.9)),
    "AdaGrad": path(lambda p: optim.Adagrad(p, lr=1.5)),
    "RMSProp": path(lambda p: optim.RMSprop(p, lr=0.15)),
    "Adam": path(lambda p: optim.Adam(p, lr=0.3)),
}
for name, points in paths.items():
    print(f"{name:9s} final loss {valley(*points[-1]):.5f}")
'''),
    ("code", "plots.optimizer_paths(paths, loss=valley, minimum=(0, 0))"),
]

OWN_OP = [
    ("md", """
# 5. Write your own op

An op is a forward computation plus its local derivative. The quickest way to a new
op is a **composite**: build it from ops that exist, and its backward pass comes for
free. softplus(x) = log(1 + eˣ) has derivative σ(x); `gradcheck` compares the backward
pass with central differences (f(x + ε) − f(x − ε)) / 2ε.
""", """
# 5. 나만의 연산 만들기

연산은 순전파 계산과 그 로컬 기울기로 이루어집니다. 새 연산을 만드는 가장 빠른 방법은
**합성(composite)** 입니다. 이미 있는 연산으로 만들면 역전파는 저절로 따라옵니다.
softplus(x) = log(1 + eˣ) 의 도함수는 σ(x) 이고, `gradcheck` 는 역전파 결과를 중심 차분
(f(x + ε) − f(x − ε)) / 2ε 과 비교합니다.
"""),
    ("code", '''
import numpy as np

from tinygrad_edu import Tensor, gradcheck
from tinygrad_edu.gradcheck import GradcheckError


def softplus(x):
    return (x.exp() + 1).log()


x = Tensor(np.linspace(-3, 3, 7), requires_grad=True, dtype=np.float64)
print("gradcheck(softplus):", gradcheck(softplus, x))
softplus(x).sum().backward()
print("∂softplus/∂x == σ(x):", np.allclose(x.grad, 1 / (1 + np.exp(-x.data))))
'''),
    ("md", """
## An op with a derivative you write yourself

Sometimes you know the derivative and want to give it directly. With public Tensor
operations only: the value is `forward(x)`, and `x - x.detach()` is zero going forward
but has gradient 1 going back, so multiplying it by the derivative makes the backward
pass use exactly the rule you wrote. `gradcheck` then tells a right rule from a wrong one.
""", """
## 도함수를 직접 적어 주는 연산

도함수를 알고 있어서 직접 주고 싶을 때도 있습니다. 공개된 Tensor 연산만으로 가능합니다.
값은 `forward(x)` 이고, `x - x.detach()` 는 순전파에서는 0 이지만 역전파에서는 기울기가 1
이므로, 여기에 도함수를 곱하면 역전파가 정확히 우리가 적은 규칙을 씁니다. 규칙이 맞는지
틀린지는 `gradcheck` 가 알려 줍니다.
"""),
    ("code", '''
def make_op(forward, derivative):
    """An op from numpy functions: value forward(x), local gradient derivative(x)."""
    def op(x):
        value = Tensor(forward(x.data), dtype=x.dtype)
        local = Tensor(derivative(x.data), dtype=x.dtype)
        return value + local * (x - x.detach())
    return op


my_softplus = make_op(lambda a: np.log1p(np.exp(a)), lambda a: 1 / (1 + np.exp(-a)))
print("gradcheck(my_softplus):", gradcheck(my_softplus, x))

wrong_softplus = make_op(lambda a: np.log1p(np.exp(a)), lambda a: np.exp(a))  # wrong rule
try:
    gradcheck(wrong_softplus, x)
except GradcheckError as error:
    print("caught:", error)
'''),
    ("md", """
## The lecture's sigmoid as a composite

The four gates of lesson 1, on a Tensor: same values and gradients as the fused op.
""", """
## 강의의 시그모이드를 합성으로

1강의 네 게이트를 Tensor 로 만들면, 하나로 된 연산과 값도 기울기도 같습니다.
"""),
    ("code", '''
def sigmoid_in_gates(x):
    return 1 / ((x * -1).exp() + 1)


print("gradcheck(sigmoid_in_gates):", gradcheck(sigmoid_in_gates, x))
print("same values as x.sigmoid():", np.allclose(sigmoid_in_gates(x).data, x.sigmoid().data))
'''),
]

LESSONS = {
    "01_chain_rule": CHAIN_RULE,
    "02_xor": XOR,
    "03_vanishing_gradients": VANISHING,
    "04_optimizers": OPTIMIZERS,
    "05_write_your_own_op": OWN_OP,
}

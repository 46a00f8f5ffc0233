"""The course, cell by cell: ``("md", english, korean)`` and ``("code", source)``.

Code is shared by both languages; ``{LANG}`` in a code cell becomes ``en`` or ``ko``.
Each lesson runs in a few seconds (the tests execute all of them).
"""

from __future__ import annotations

from lesson_own_op import OWN_OP  # lesson 5 sits in its own file beside this one

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
Every step of the backward pass, in words, then in the explorer: `viz.show(f)` puts the
page of `viz.html` inline, in its own frame. Step with the buttons or ← / →, click a
node, zoom the graph.
""", """
역전파의 모든 단계를 글로 보고, 이어서 탐색기로 봅니다. `viz.show(f)` 는 `viz.html` 의
페이지를 노트북 안에 자기만의 틀(frame)로 보여 줍니다. 버튼이나 ← / → 키로 한 단계씩
넘기고, 노드를 누르고, 그래프를 확대해 보세요.
"""),
    ("code", 'print(viz.format_steps(viz.steps(f, lang="{LANG}")))'),
    ("code", 'viz.show(f, lang="{LANG}")'),
    ("md", """
Now compute it yourself: with `practice=True` each step hides its result until you type
it into *Answer* (`5`, `-2/3`); a wrong answer shows the worked line, and the page keeps
the score.
""", """
이제 직접 계산해 봅니다. `practice=True` 이면 각 단계의 결과가 가려지고, *답* 칸에 값을
입력해야(`5`, `-2/3`) 보입니다. 틀리면 계산 과정을 보여 주고, 페이지가 점수를 셉니다.
"""),
    ("code", 'viz.show(f, lang="{LANG}", practice=True)'),
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
    ("md", """
## Watching it learn

`viz.LiveView` is a `fit` callback: in a notebook it is a widget that redraws while the
kernel trains (the loss curve, the decision boundary over the four points, each layer's
gradient norm and the graph of one forward pass). It redraws at most every quarter
second and spends at most a tenth of the training time drawing, so watching costs little.
""", """
## 배우는 모습 지켜보기

`viz.LiveView` 는 `fit` 의 콜백입니다. 노트북에서는 커널이 학습하는 동안 다시 그려지는
위젯(손실 곡선, 네 점 위의 결정 경계, 층마다 기울기 크기, 순전파 한 번의 그래프)이 됩니다.
0.25 초에 많아야 한 번 다시 그리고, 그리는 데 학습 시간의 10 % 넘게 쓰지 않으므로
지켜보는 비용은 작습니다.
"""),
    ("code", '''
import viz

np.random.seed(0)
watched = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
view = viz.LiveView(data=(X, labels))
history = fit(watched, F.binary_cross_entropy,
              optim.SGD(watched.parameters(), lr=0.5, momentum=0.9), loader, epochs=20,
              callbacks=[view], verbose=0)
print(f"watched: {len(view.losses)} steps, last loss {view.losses[-1]:.4f}, "
      f"accuracy {history.per_epoch('accuracy')[-1]:.2f}")
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
    "RMSProp": path(lambda p: optim.RMSprop(p, lr=0.1)),
    "Adam": path(lambda p: optim.Adam(p, lr=0.3)),
}
for name, points in paths.items():
    print(f"{name:9s} final loss {valley(*points[-1]):.5f}")
'''),
    ("code", "plots.optimizer_paths(paths, loss=valley, minimum=(0, 0))"),
    ("md", """
## One step, written out

What does `optimizer.step()` do with a gradient? `viz.narrated_step(optimizer)` runs the
step and writes each weight's update out in numbers. Here is the first step of Momentum
and of Adam from (−7, 2): Adam's first step moves each coordinate by about η, whatever
the size of its gradient, because m̂ / √v̂ = g / |g| at t = 1.
""", """
## 한 걸음을 글로 풀어 보기

`optimizer.step()` 은 기울기로 무엇을 할까요? `viz.narrated_step(optimizer)` 는 한 걸음을
실행하고 가중치마다 갱신 과정을 숫자로 적어 줍니다. (−7, 2) 에서 모멘텀과 Adam 의 첫
걸음입니다. t = 1 에서는 m̂ / √v̂ = g / |g| 이므로, Adam 의 첫 걸음은 기울기의 크기와
상관없이 좌표마다 약 η 만큼 움직입니다.
"""),
    ("code", '''
import viz

for name, make_optimizer in (("Momentum", lambda p: optim.SGD(p, lr=0.1, momentum=0.9)),
                             ("Adam", lambda p: optim.Adam(p, lr=0.3))):
    point = Tensor(np.array([-7.0, 2.0]), requires_grad=True, dtype=np.float64)
    optimizer = make_optimizer([point])
    optimizer.zero_grad()
    valley(point[0], point[1]).backward()
    for step in viz.narrated_step(optimizer, names={id(point): "point"}, lang="{LANG}"):
        print(step["title"])
        print("\\n".join(step["lines"]))
    print(f"{name}: point after one step {point.data}")
'''),
]

LESSONS = {
    "01_chain_rule": CHAIN_RULE,
    "02_xor": XOR,
    "03_vanishing_gradients": VANISHING,
    "04_optimizers": OPTIMIZERS,
    "05_write_your_own_op": OWN_OP,
}

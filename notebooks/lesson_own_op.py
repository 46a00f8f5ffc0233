"""Lesson 5, cell by cell (see lessons.py): an op declared with `ops.declare` and
`ops.apply`, checked with `gradcheck` and `gradgradcheck`, drawn with its own symbol;
then gradients of gradients (`grad(..., create_graph=True)`) and Newton's method."""

from __future__ import annotations

OWN_OP = [
    ("md", """
# 5. Write your own op

An op is a forward computation plus its local derivative. The quickest way to a new
op is a **composite**: build it from ops that exist, and its backward pass comes for
free. softplus(x) = ln(1 + eˣ) has derivative σ(x); `gradcheck` compares the backward
pass with central differences (f(x + ε) − f(x − ε)) / 2ε.
""", """
# 5. 나만의 연산 만들기

연산은 순전파 계산과 그 로컬 기울기로 이루어집니다. 새 연산을 만드는 가장 빠른 방법은
**합성(composite)** 입니다. 이미 있는 연산으로 만들면 역전파는 저절로 따라옵니다.
softplus(x) = ln(1 + eˣ) 의 도함수는 σ(x) 이고, `gradcheck` 는 역전파 결과를 중심 차분
(f(x + ε) − f(x − ε)) / 2ε 과 비교합니다.
"""),
    ("code", '''
import numpy as np

import viz
from tinygrad_edu import GradcheckError, Tensor, Value, grad, gradcheck, gradgradcheck, ops


def softplus_composite(x):
    return (x.exp() + 1).log()


x = Tensor(np.linspace(-3, 3, 7), requires_grad=True, dtype=np.float64, label="x")
print("gradcheck(softplus_composite):", gradcheck(softplus_composite, x))
'''),
    ("md", """
## Declaring an op: `ops.declare` and `ops.apply`

A composite draws as its pieces (exp, +, log). To make softplus **one** node, with its
own symbol in the drawing, write its rule yourself. A rule `rule(node, upstream)`
returns one gradient per parent: *upstream × local derivative*. `ops.declare` registers
it with its math, the symbol a drawing shows and the local derivative of each parent
(`{0}` is the parent's name); `ops.apply` makes the result node from the forward value
and the parents. The engine's own ops are written exactly this way.
""", """
## 연산 선언하기: `ops.declare` 와 `ops.apply`

합성 연산은 조각(exp, +, log)으로 그려집니다. softplus 를 그림에 자기 기호가 있는 노드
**하나**로 만들려면 규칙을 직접 씁니다. 규칙 `rule(node, upstream)` 은 부모마다 기울기
하나, 곧 *위에서 온 기울기 × 로컬 기울기* 를 돌려줍니다. `ops.declare` 는 이 규칙을 수식,
그림에 들어갈 기호, 부모마다의 로컬 기울기(`{0}` 은 부모의 이름)와 함께 등록하고,
`ops.apply` 는 순전파 값과 부모로 결과 노드를 만듭니다. 엔진에 들어 있는 연산도 모두 이렇게
만들어져 있습니다.
"""),
    ("code", '''
@ops.declare("softplus", symbol="softplus", math="d/dx ln(1 + eˣ) = σ(x)", local=("σ({0})",))
def softplus_rule(node, upstream):
    (x,) = node.parents
    return (upstream * ops.sigmoid(x.data),)  # ops.sigmoid: floats, arrays and Tensors


def softplus(x):
    return ops.apply(softplus_rule, np.logaddexp(0.0, x.data), (x,))


y = softplus(x)
y.label = "y"
loss = y.sum()
loss.label = "loss"
loss.backward(keep_all_grads=True)
print("∂loss/∂x == σ(x):", np.allclose(x.grad, 1 / (1 + np.exp(-x.data))))
print("gradcheck(softplus):", gradcheck(softplus, x))
print("gradgradcheck(softplus):", gradgradcheck(softplus, x))
spec = ops.spec_of(y)
print(f"spec_of(y): {spec.name!r}, symbol {spec.symbol!r}, math {spec.math!r}")
print("local derivative for x:", spec.local_text(0, ["x"], "y"))
'''),
    ("md", """
Drawn like any built-in op: one node with its own symbol. `viz.steps` (and the explorer,
`viz.show(loss)`) narrates its backward step with the local derivative you declared.
""", """
그림에서도 내장 연산과 똑같이 자기 기호가 있는 노드 하나로 나옵니다. `viz.steps` (그리고
탐색기 `viz.show(loss)`) 는 우리가 선언한 로컬 기울기로 역전파 단계를 설명합니다.
"""),
    ("code", "viz.draw(loss)"),
    ("code", '''
backward_steps = [step for step in viz.steps(loss, lang="{LANG}") if "softplus" in step.title]
print(viz.format_steps(backward_steps))
'''),
    ("md", """
## `gradcheck` finds a wrong rule

Suppose the rule said eˣ instead of σ(x). The forward values are right, so nothing looks
wrong until the gradient is checked: `gradcheck` names the input, the worst element,
and the two values.
""", """
## 틀린 규칙은 `gradcheck` 가 찾아낸다

규칙에 σ(x) 대신 eˣ 를 적었다고 해 봅시다. 순전파 값은 맞으므로 기울기를 검사하기
전까지는 아무것도 이상해 보이지 않습니다. `gradcheck` 는 입력, 가장 많이 틀린 원소, 두
값을 알려 줍니다.
"""),
    ("code", '''
@ops.declare("wrong_softplus", symbol="softplus", math="d/dx ln(1 + eˣ) = eˣ (wrong)",
             local=("e^{0}",))
def wrong_rule(node, upstream):
    (x,) = node.parents
    return (upstream * ops.exp(x.data),)


def wrong_softplus(x):
    return ops.apply(wrong_rule, np.logaddexp(0.0, x.data), (x,))


try:
    gradcheck(wrong_softplus, x)
except GradcheckError as error:
    print("caught:", error)
'''),
    ("md", """
## One rule, two passes

In an ordinary `backward()`, `x.data` in the rule is the parent's array (a float for a
`Value`). When a gradient of the gradient is asked for, the same rule receives the
Tensors themselves, so its arithmetic is recorded as a graph: that is why the rule calls
`ops.sigmoid` and not a numpy function, and why `gradgradcheck` passed above. A rule
written with numpy only is declared `differentiable=False`; its first derivative is
fine, and asking for a second one says so.
""", """
## 규칙 하나로 두 가지 역전파

보통의 `backward()` 에서 규칙 안의 `x.data` 는 부모의 배열(`Value` 라면 실수)입니다.
기울기의 기울기를 구할 때는 같은 규칙이 Tensor 자체를 받으므로, 규칙의 계산이 그래프로
기록됩니다. 그래서 규칙은 numpy 함수가 아니라 `ops.sigmoid` 를 부르고, 위에서
`gradgradcheck` 가 통과했습니다. numpy 로만 쓴 규칙은 `differentiable=False` 로 선언합니다.
1차 미분은 문제없고, 2차 미분을 구하려 하면 그렇다고 알려 줍니다.
"""),
    ("code", '''
@ops.declare("numpy_softplus", symbol="softplus", math="d/dx ln(1 + eˣ) = σ(x)",
             local=("σ({0})",), differentiable=False)
def numpy_rule(node, upstream):
    (x,) = node.parents
    return (upstream / (1 + np.exp(-x.data)),)  # numpy: plain numbers only


def numpy_softplus(x):
    return ops.apply(numpy_rule, np.logaddexp(0.0, x.data), (x,))


print("gradcheck(numpy_softplus):", gradcheck(numpy_softplus, x))
try:
    gradgradcheck(numpy_softplus, x)
except RuntimeError as error:
    print("second derivative:", error)
'''),
    ("md", """
## Higher-order gradients

The backward pass is itself made of ops, so `tinygrad_edu.grad(output, x,
create_graph=True)` returns the gradient as a Value with a graph of its own, which can be
differentiated again. The derivatives of tanh, written with t = tanh(x):
tanh′ = 1 − t², tanh″ = −2t(1 − t²), tanh‴ = (6t² − 2)(1 − t²).
""", """
## 고차 미분

역전파 자체도 연산으로 이루어지므로, `tinygrad_edu.grad(output, x, create_graph=True)` 는
기울기를 자기 그래프를 가진 Value 로 돌려주고, 이것을 다시 미분할 수 있습니다. t = tanh(x)
로 쓴 tanh 의 도함수는 tanh′ = 1 − t², tanh″ = −2t(1 − t²), tanh‴ = (6t² − 2)(1 − t²)
입니다.
"""),
    ("code", '''
point = Value(0.5, label="x")
derivatives = [point.tanh()]
for _ in range(3):  # tanh′, tanh″, tanh‴: each the derivative of the last
    (derivative,) = grad(derivatives[-1], point, create_graph=True)
    derivatives.append(derivative)

t = np.tanh(0.5)
closed_form = [t, 1 - t**2, -2 * t * (1 - t**2), (6 * t**2 - 2) * (1 - t**2)]
for order, (value, expected) in enumerate(zip(derivatives, closed_form, strict=True)):
    name = "tanh" + "′" * order
    print(f"{name}(0.5) = {value.data:+.6f}, closed form {expected:+.6f}")
print("all equal:", np.allclose([d.data for d in derivatives], closed_form))
'''),
    ("md", """
The first derivative is an ordinary graph: draw it (values only; it has not been
differentiated yet).
""", """
1차 도함수도 평범한 그래프이므로 그려 볼 수 있습니다(아직 미분하지 않았으니 값만).
"""),
    ("code", "viz.draw(derivatives[1], show_grad=False)"),
    ("md", """
## Newton's method

On f(x) = x⁴ − 2x² (minima at x = ±1), Newton's method steps x ← x − f′(x) / f″(x), with
f″ from a second `grad`. From x = 2 it lands on the minimum in a handful of steps;
gradient descent with learning rate 0.01 needs hundreds.
""", """
## 뉴턴 방법

f(x) = x⁴ − 2x² (최솟값은 x = ±1) 에서 뉴턴 방법은 x ← x − f′(x) / f″(x) 로 움직이고, f″ 는
`grad` 를 한 번 더 불러 얻습니다. x = 2 에서 출발하면 몇 걸음 만에 최솟값에 닿지만,
학습률 0.01 인 경사 하강법은 수백 걸음이 필요합니다.
"""),
    ("code", '''
def quartic(x):
    return x**4 - 2 * x**2


x_now, newton_steps = 2.0, 0
while abs(x_now - 1.0) > 1e-10:
    here = Value(x_now)
    (slope,) = grad(quartic(here), here, create_graph=True)
    (curvature,) = grad(slope, here)
    x_now -= slope.data / curvature.data
    newton_steps += 1
    print(f"Newton step {newton_steps}: x = {x_now:.10f}")

x_now, descent_steps = 2.0, 0
while abs(x_now - 1.0) > 1e-10:
    here = Value(x_now)
    (slope,) = grad(quartic(here), here)
    x_now -= 0.01 * slope.data
    descent_steps += 1
print(f"Newton: {newton_steps} steps; gradient descent (lr 0.01): {descent_steps} steps")
'''),
]

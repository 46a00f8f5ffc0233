"""The words of the walk-through, in English and Korean, and each op's local derivative
written in symbols (``∂g/∂w = x``)."""

from __future__ import annotations

from tinygrad_edu.autograd import Node

__all__ = ["TEXTS", "local_symbol"]

TEXTS = {
    "en": {
        "forward": "Forward: {name}",
        "input": "an input",
        "constant": "a constant",
        "shape": "shape",
        "seed_title": "Backward: start at {root}",
        "seed": "∂{root}/∂{root} = {grad}: the output's gradient with respect to itself",
        "backward": "Backward through {symbol} at {name} into {parents}",
        "upstream": "upstream:   ∂{root}/∂{name} = {up}",
        "local": "local:      ∂{name}/∂{parent} = {symbol}",
        "downstream": "downstream: ∂{root}/∂{parent} = upstream × local = {product}",
        "downstream_tensor": "downstream: ∂{root}/∂{parent} = {product}",
        "skipped": "{parent} does not require grad: the engine skips it",
        "partial": "{parent} is used {k} times: {m} of {k} gradients have arrived; they add up",
        "sum": "{parent} is used {k} times, so its gradients add: "
               "∂{root}/∂{parent} = {parts} = {total}",
        "released": "intermediate tensors did not keep their gradients (as in PyTorch); "
                    "call backward(keep_all_grads=True) to see every step",
    },
    "ko": {
        "forward": "순전파: {name}",
        "input": "입력",
        "constant": "상수",
        "shape": "모양",
        "seed_title": "역전파 시작: {root}",
        "seed": "∂{root}/∂{root} = {grad}: 출력의 자기 자신에 대한 기울기",
        "backward": "역전파: {name}의 {symbol} 게이트 → {parents}",
        "upstream": "상위 기울기(upstream):   ∂{root}/∂{name} = {up}",
        "local": "국소 기울기(local):      ∂{name}/∂{parent} = {symbol}",
        "downstream": "하위 기울기(downstream): ∂{root}/∂{parent} = 상위 × 국소 = {product}",
        "downstream_tensor": "하위 기울기(downstream): ∂{root}/∂{parent} = {product}",
        "skipped": "{parent}는 기울기가 필요 없어 엔진이 건너뜁니다",
        "partial": "{parent}는 {k}번 쓰입니다: {k}개 중 {m}개의 기울기가 도착했고, "
                   "모두 더해집니다",
        "sum": "{parent}는 {k}번 쓰이므로 기울기를 더합니다: "
               "∂{root}/∂{parent} = {parts} = {total}",
        "released": "중간 텐서는 기울기를 보관하지 않았습니다 (PyTorch와 같음); 모든 단계를 "
                    "보려면 backward(keep_all_grads=True)를 호출하세요",
    },
}


def _w(name: str) -> str:
    return f"({name})" if name.startswith("-") or " " in name else name


def local_symbol(node: Node, slot: int, names: list[str], position: dict) -> str:
    """The local derivative of ``node`` with respect to its parent number ``slot``, in
    the names of the graph: ``∂(a*b)/∂a = b`` is written ``b``."""
    parents = [_w(names[position[p]]) for p in node.parents]
    out = _w(names[position[node]])
    a = parents[0]
    b = parents[1] if len(parents) > 1 else ""
    op = node.op
    if op.startswith("**") and len(op) > 2:  # a constant exponent n: n a^(n-1)
        n = node.args[0]
        return f"{n:g}·{a}" if n == 2 else f"{n:g}·{a}^{n - 1:g}"
    table = {  # each entry is only evaluated for its own op
        "+": lambda: ("1", "1"),
        "-": lambda: ("1", "-1"),
        "*": lambda: (b, a),
        "/": lambda: (f"1/{b}", f"-{a}/{b}²"),
        "**": lambda: (f"{b}·{a}^({b}-1)", f"{a}^{b}·ln {a}"),
        "neg": lambda: ("-1",),
        "exp": lambda: (f"e^{a} = {out}",),
        "log": lambda: (f"1/{a}",),
        "1/x": lambda: (f"-1/{a}²",),
        "sqrt": lambda: (f"1/(2·{out})",),
        "abs": lambda: (f"sign({a})",),
        "tanh": lambda: (f"1 - {out}²",),
        "sigmoid": lambda: (f"{out}·(1 - {out})",),
        "relu": lambda: (f"1 if {a} > 0 else 0",),
        "leaky_relu": lambda: (f"1 if {a} > 0 else {node.args[0]:g}",),
        "elu": lambda: (f"1 if {a} > 0 else {out} + {node.args[0]:g}",),
        "@": lambda: (f"upstream @ {b}ᵀ", f"{a}ᵀ @ upstream"),
        "sum": lambda: ("1, copied back to every summed element",),
        "mean": lambda: ("1/N, copied back to every averaged element",),
        "max": lambda: ("1 where the maximum is, else 0",),
        "min": lambda: ("1 where the minimum is, else 0",),
        "reshape": lambda: ("1, reshaped back",),
        "transpose": lambda: ("1, transposed back",),
        "index": lambda: ("1 at the picked elements, else 0",),
        "softmax": lambda: (f"{out}·(upstream - Σ upstream·{out})",),
        "log_softmax": lambda: (f"upstream - softmax({a})·Σ upstream",),
        "cross_entropy": lambda: (f"softmax({a}) - target",),
        "linear": lambda: (f"upstream @ {b}", f"upstreamᵀ @ {a}", "upstream summed over rows"),
        "prelu": lambda: (f"1 if {a} > 0 else {b}", f"{a} where {a} ≤ 0, else 0"),
        "binary_cross_entropy": lambda: (f"({a} - target) / ({a}·(1 - {a}))",),
        "binary_cross_entropy_with_logits": lambda: (f"σ({a}) - target",),
    }
    try:
        row = table[op]()
    except (KeyError, IndexError, TypeError, ValueError):
        return f"the {op} rule"
    if slot >= len(row):
        return f"the {op} rule"
    return row[slot]

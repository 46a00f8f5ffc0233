"""What the ops of both engines say about themselves, written once.

Twenty ops exist on `Value` and on `Tensor` (``+``, ``exp``, ``relu``, ``maximum``, ...).
Each engine declares its own rule and forward (a float is not an array), but what a
learner reads about the op -- the symbol in its circle, its one-line math, its local
derivative for each parent in English and, where that derivative is said in words, in
Korean -- is the same op and is written here once; both declarations read it::

    @declare("tanh", **text_of("tanh"), forward=...)

The templates use the graph's names: ``{0}``, ``{1}`` the parents, ``{out}`` the result,
``{args[0]}`` a setting (see `ops.declare`).
"""

from __future__ import annotations

__all__ = ["text_of", "SHARED"]

SHARED: dict[str, dict] = {
    "+": {"symbol": "+", "math": "∂(a+b)/∂a = 1, ∂(a+b)/∂b = 1", "local": ("1", "1")},
    "-": {"symbol": "−", "math": "∂(a−b)/∂a = 1, ∂(a−b)/∂b = −1", "local": ("1", "−1")},
    "*": {"symbol": "×", "math": "∂(a·b)/∂a = b, ∂(a·b)/∂b = a", "local": ("{1}", "{0}")},
    "/": {"symbol": "÷", "math": "∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²",
          "local": ("1/{1}", "−{0}/{1}²")},
    "neg": {"symbol": "−x", "math": "d(−a)/da = −1", "local": ("−1",)},
    "**n": {"symbol": "xⁿ", "math": "d(aⁿ)/da = n·aⁿ⁻¹",
            "local": ("{args[0]:g}·{0}^({args[0]:g}−1)",)},
    "**": {"symbol": "xʸ", "math": "∂(aᵇ)/∂a = b·aᵇ⁻¹, ∂(aᵇ)/∂b = aᵇ·ln a",
           "local": ("{1}·{0}^({1}−1)", "{0}^{1}·ln {0}")},
    "exp": {"symbol": "exp", "math": "d(eᵃ)/da = eᵃ", "local": ("e^{0} = {out}",)},
    "log": {"symbol": "log", "math": "d(ln a)/da = 1/a", "local": ("1/{0}",)},
    "sqrt": {"symbol": "√", "math": "d√a/da = 1/(2√a)", "local": ("1/(2·{out})",)},
    "sin": {"symbol": "sin", "math": "d sin(a)/da = cos(a)", "local": ("cos({0})",)},
    "cos": {"symbol": "cos", "math": "d cos(a)/da = −sin(a)", "local": ("−sin({0})",)},
    "tanh": {"symbol": "tanh", "math": "d tanh(a)/da = 1 − tanh(a)²", "local": ("1 − {out}²",)},
    "sigmoid": {"symbol": "σ", "math": "d σ(a)/da = σ(a)(1 − σ(a))",
                "local": ("{out}·(1 − {out})",)},
    "abs": {"symbol": "|x|", "math": "d|a|/da = sign(a) (0 at a = 0)", "local": ("sign({0})",)},
    "relu": {"symbol": "ReLU", "math": "d relu(a)/da = 1 if a > 0, else 0",
             "local": ("1 if {0} > 0 else 0",),
             "local_ko": ("{0} > 0이면 1, 아니면 0",)},
    "leaky_relu": {"symbol": "LeakyReLU", "math": "d/da = 1 if a > 0, else the slope",
                   "local": ("1 if {0} > 0 else {args[0]:g}",),
                   "local_ko": ("{0} > 0이면 1, 아니면 {args[0]:g}",)},
    "elu": {"symbol": "ELU", "math": "d/da = 1 if a > 0, else α·eᵃ = out + α",
            "local": ("1 if {0} > 0 else {out} + {args[0]:g}",),
            "local_ko": ("{0} > 0이면 1, 아니면 {out} + {args[0]:g}",)},
    "maximum": {"symbol": "max", "math": "∂max(a,b)/∂a = 1 if a > b, ½ on a tie, else 0",
                "local": ("1 if {0} > {1} else 0", "1 if {1} > {0} else 0"),
                "local_ko": ("{0} > {1}이면 1, 아니면 0", "{1} > {0}이면 1, 아니면 0")},
    "minimum": {"symbol": "min", "math": "∂min(a,b)/∂a = 1 if a < b, ½ on a tie, else 0",
                "local": ("1 if {0} < {1} else 0", "1 if {1} < {0} else 0"),
                "local_ko": ("{0} < {1}이면 1, 아니면 0", "{1} < {0}이면 1, 아니면 0")},
}


def text_of(name: str) -> dict:
    """The ``symbol``, ``math``, ``local`` (and ``local_ko``) of op ``name``, as keyword
    arguments for `ops.declare`."""
    return SHARED[name]

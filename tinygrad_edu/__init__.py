"""tinygrad_edu: a reverse-mode autograd engine to learn backpropagation with.

Two engines on one graph core (`autograd.Node`): `Value` holds one float per node,
`Tensor` one numpy array. Both share the backward driver, `no_grad()`, `grad` (gradients
of gradients) and `gradcheck`; `ops` is where every op is declared, and how you write one.
"""

from . import ops
from .autograd import (
    Node,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
    topo_order,
)
from .backprop import grad
from .creation import (
    arange,
    eye,
    full,
    full_like,
    one_hot,
    ones,
    ones_like,
    rand,
    rand_like,
    randn,
    randn_like,
    zeros,
    zeros_like,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_grad
from .scalar import Value
from .tensor import Tensor
from .tensor_functions import cat, stack, where
from .tensor_losses import cross_entropy

__version__ = "0.1.0"

__all__ = [
    "Node",
    "Value",
    "Tensor",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "set_grad_enabled",
    "grad",
    "ops",
    "topo_order",
    "gradcheck",
    "gradgradcheck",
    "numerical_grad",
    "GradcheckError",
    "cat",
    "stack",
    "where",
    "cross_entropy",
    # creation functions (tinygrad_edu.creation)
    "zeros", "ones", "full", "arange", "eye", "rand", "randn",
    "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "one_hot",
]

"""tinygrad_edu: a reverse-mode autograd engine to learn backpropagation with.

Two engines on one graph core (`autograd.Node`): `Value` holds one float per node,
`Tensor` one numpy array. Both share the backward driver, `no_grad()` and `gradcheck`.
"""

from .autograd import Node, enable_grad, is_grad_enabled, no_grad, topo_order
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
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .scalar import Value
from .tensor import Tensor
from .tensor_functions import cat, cross_entropy, stack, where

__version__ = "0.1.0"

__all__ = [
    "Node",
    "Value",
    "Tensor",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "topo_order",
    "gradcheck",
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

"""`tinygrad_edu.nn`: building blocks of neural networks, named as in ``torch.nn``.

>>> import tinygrad_edu.nn as nn
>>> model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
>>> [name for name, _ in model.named_parameters()]
['0.weight', '0.bias', '2.weight', '2.bias']
"""

# Nothing imported here may import `tinygrad_edu.optim`: optim imports nn.utils, so
# that would be a cycle. nn.rbm uses optim.SGD, so `nn.RBM` and `nn.pretrain_dbn` are
# loaded on first use (see __getattr__ below).
from . import functional, init, utils
from .activations import ELU, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid, Softmax, Tanh
from .conv import AvgPool2d, Conv2d, Flatten, MaxPool2d
from .embedding import Embedding
from .ensemble import Ensemble, average_probabilities
from .layers import Identity, Linear, Maxout, ModuleList, Sequential
from .module import LoadResult, Module, Parameter
from .recurrent import GRU, LSTM, RNN
from .recurrent_cells import GRUCell, LSTMCell, RNNCell
from .regularization import BatchNorm1d, BatchNorm2d, Dropout, Dropout2d
from .value_mlp import VALUE_ACTIVATIONS, ValueMLP, ValueParameter, logistic_cost

__all__ = [
    "functional", "init", "utils",
    "Module", "Parameter", "LoadResult",
    "Linear", "Maxout", "Sequential", "ModuleList", "Identity",
    "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax", "LogSoftmax",
    "Dropout", "BatchNorm1d", "Ensemble", "average_probabilities", "RBM", "pretrain_dbn",
    "ValueMLP", "ValueParameter", "logistic_cost", "VALUE_ACTIVATIONS",
    # layers for images
    "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "BatchNorm2d", "Dropout2d",
    # recurrent networks
    "Embedding", "RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU",
]


def __getattr__(name: str):
    """`nn.RBM` and `nn.pretrain_dbn`, imported when first asked for (PEP 562)."""
    if name in ("RBM", "pretrain_dbn"):
        from . import rbm

        return getattr(rbm, name)
    raise AttributeError(f"module 'tinygrad_edu.nn' has no attribute {name!r}")

"""The examples in the core docstrings run and print what they show."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["tinygrad_edu.scalar", "tinygrad_edu.tensor",
                                    "tinygrad_edu.nn", "tinygrad_edu.tensor_conv",
                                    "tinygrad_edu.tensor_pool",
                                    "tinygrad_edu.nn.embedding", "tinygrad_edu.nn.recurrent"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0

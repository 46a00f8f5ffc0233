"""What a `Tensor` may hold, and which dtype a result gets.

Dtypes follow numpy's promotion (int ⊕ float → float, bool arithmetic → int) between
tensors and arrays. A Python number is "weak", as in numpy 2 and PyTorch: it takes the
tensor's dtype when that can hold it, and a Python float beside an int or bool tensor
gives float32, the engine's default float (`weak_dtype`).
"""

from __future__ import annotations

import numpy as np

from .autograd import Node

__all__ = ["DEFAULT_DTYPE", "REAL_KINDS", "as_array", "checked_dtype", "weak_dtype",
           "real_setting"]

DEFAULT_DTYPE = np.dtype(np.float32)
REAL_KINDS = "biuf"  # bool, signed and unsigned ints, floats: the dtypes a Tensor holds


def checked_dtype(dtype, who: str) -> np.dtype:
    try:
        wanted = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{who}: dtype {dtype!r} is not a numpy dtype") from None
    if wanted.kind not in REAL_KINDS:
        raise TypeError(f"{who}: dtype must be a real number type (bool, int or float), "
                        f"got {wanted} ({dtype!r}); complex numbers, strings and objects "
                        "are not supported")
    return wanted


def as_array(data, dtype=None, who: str = "Tensor") -> np.ndarray:
    """Turn ``data`` (array, nested lists, number, Tensor) into an ndarray of numbers.

    Float32 unless ``dtype`` says otherwise. An ndarray that already has the wanted
    dtype is used as it is, without a copy (as ``torch.from_numpy`` does).
    """
    wanted = DEFAULT_DTYPE if dtype is None else checked_dtype(dtype, who)
    if isinstance(data, Node):
        data = data.data
    if isinstance(data, (str, bytes)):
        raise TypeError(f"{who}: data must be numbers, got {type(data).__name__} {data!r}")
    try:
        array = np.asarray(data)
    except ValueError as error:  # ragged nested lists
        raise ValueError(
            f"{who}: data is not a rectangular array of numbers "
            f"(rows of different lengths?): {error}"
        ) from None
    if array.dtype.kind not in REAL_KINDS:
        # name the first element that is not a real number, e.g. the None in [1.0, None]
        numbers = (bool, int, float, np.bool_, np.integer, np.floating)
        example = next((item for item in array.flat if not isinstance(item, numbers)),
                       array.flat[0] if array.size else None)
        raise TypeError(
            f"{who}: data must be real numbers, got an array of {array.dtype} "
            f"(first non-number: {type(example).__name__} {example!r})"
        )
    if array.dtype != wanted:
        array = array.astype(wanted)
    return array


def weak_dtype(dtype: np.dtype, number) -> np.dtype:
    """The dtype a Python number takes beside a tensor of ``dtype`` (see the module)."""
    if isinstance(number, (bool, np.bool_)):
        return dtype
    if isinstance(number, (int, np.integer)):
        return dtype if dtype.kind != "b" else np.dtype(np.int64)
    return dtype if dtype.kind == "f" else DEFAULT_DTYPE


def real_setting(who: str, name: str, value, arrays: bool = False):
    """An op's setting (a slope, a bound, a fill value) when it is a real number (or, with
    ``arrays``, an array of them); one clear error otherwise."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, (bool, np.bool_)):
        return value
    if arrays and isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return value
    raise TypeError(f"{who}: {name} must be a real number, got {type(value).__name__} "
                    f"{value!r}"[:200])

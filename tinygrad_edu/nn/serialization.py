"""Saving a state dict to a ``.npz`` file and reading it back, safely.

* Written atomically: the arrays go to a temporary file in the destination folder,
  which is flushed to disk and then renamed over the destination (``os.replace`` is
  atomic), so a crash or a full disk never leaves a half-written model behind.
* Read without pickle (``allow_pickle=False``): a file can hold numbers only, never code.
* Marked: a small ``__tinygrad_edu__`` entry says the file came from ``Module.save``, so
  that a foreign ``.npz`` or a corrupt file gets a clear error instead of a confusing one.
"""

from __future__ import annotations

import os
import tempfile
import zipfile

import numpy as np

__all__ = ["save_npz", "load_npz", "FORMAT_KEY"]

FORMAT_KEY = "__tinygrad_edu__"
FORMAT_VERSION = 1


def save_npz(state: dict[str, np.ndarray], path) -> None:
    """Write ``state`` (name -> array) to ``path`` exactly (no suffix is added)."""
    path = os.fspath(path)
    if FORMAT_KEY in state:
        raise ValueError(f"save: {FORMAT_KEY!r} is reserved and cannot be a state name")
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            # What np.savez does, minus its keyword arguments (a state named "file"
            # would collide with them): one .npy member per array in a zip archive.
            with zipfile.ZipFile(file, "w") as archive:
                entries = [(FORMAT_KEY, np.array(FORMAT_VERSION)), *state.items()]
                for name, array in entries:
                    with archive.open(f"{name}.npy", "w") as member:
                        np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load_npz(path) -> dict[str, np.ndarray]:
    """Read a file written by `save_npz`; a clear ValueError for anything else."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such file: {path}")
    try:
        with open(path, "rb") as file:
            if file.read(4) != b"PK\x03\x04":  # every .npz is a zip archive
                raise ValueError("it is not an .npz archive (it does not start like a zip file)")
        archive = np.load(path, allow_pickle=False)
        with archive:
            names = list(archive.files)
            if FORMAT_KEY not in names:
                raise ValueError(
                    f"it is an .npz archive but not one written by Module.save() "
                    f"(no {FORMAT_KEY!r} entry; it holds {names[:5]})"
                )
            state = {name: archive[name] for name in names if name != FORMAT_KEY}
    except (OSError, EOFError, zipfile.BadZipFile, ValueError) as error:
        raise ValueError(f"load: cannot read {path} as a saved model: {error}") from None
    return state

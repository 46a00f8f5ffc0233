"""Saving a state dict to a ``.npz`` file and reading it back, safely.

* Written atomically (`tinygrad_edu.files`): the arrays go to a temporary file in the
  destination folder, which is flushed to disk and then renamed over the destination,
  so a crash or a full disk never leaves a half-written model behind; a symbolic link
  is followed and the file it points to replaced; a FIFO or a device is refused, never
  replaced. A new file gets the permissions the umask gives; a file saved over keeps
  its own.
* Read without pickle (``allow_pickle=False``): a file can hold numbers only, never code.
  Every array's header is checked before its data is read, against the archive and
  against the model, so a hostile file cannot make us inflate gigabytes first.
* Marked: a small ``__tinygrad_edu__`` entry says the file came from ``Module.save``, so
  that a foreign ``.npz`` or a corrupt file gets a clear error instead of a confusing one.
"""

from __future__ import annotations

import math
import os
import struct
import zipfile
import zlib

import numpy as np

from ..files import remove_stale_temporaries, write_atomically

__all__ = ["save_npz", "load_npz", "remove_stale_temporaries", "FORMAT_KEY"]

FORMAT_KEY = "__tinygrad_edu__"
FORMAT_VERSION = 1


def save_npz(state: dict[str, np.ndarray], path) -> None:
    """Write ``state`` (name -> array) to ``path`` exactly (no suffix is added), whole or
    not at all (`tinygrad_edu.files.write_atomically`)."""
    if FORMAT_KEY in state:
        raise ValueError(f"save: {FORMAT_KEY!r} is reserved and cannot be a state name")

    def write(file) -> None:
        # What np.savez does, minus its keyword arguments (a state named "file" would
        # collide with them): one .npy member per array in a zip archive.
        with zipfile.ZipFile(file, "w") as archive:
            entries = [(FORMAT_KEY, np.array(FORMAT_VERSION)), *state.items()]
            for entry, array in entries:
                with archive.open(f"{entry}.npy", "w") as member:
                    np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)

    write_atomically(path, write, "save")


def _member_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[tuple, np.dtype]:
    """(shape, dtype) of one ``.npy`` member from its first bytes, checked against the
    member's size in the archive: nothing of the data is read or inflated."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise ValueError(f"{info.filename}: .npy format version {version} is not supported")
        header_size = member.tell()
    if dtype.hasobject:
        raise ValueError(f"{info.filename}: it holds Python objects (pickles), which are "
                         "never loaded: a saved model holds numbers only")
    if dtype.kind not in "biuf":
        raise ValueError(f"{info.filename}: it holds {dtype}, not numbers")
    declared = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
    if header_size + declared != info.file_size:
        raise ValueError(f"{info.filename}: its header announces shape {shape} ({declared} "
                         f"bytes) but the archive holds {info.file_size - header_size}")
    return tuple(shape), dtype


def load_npz(path, expected: dict[str, tuple] | None = None, strict: bool = True,
             owner: str = "the model") -> dict[str, np.ndarray]:
    """Read a file written by `save_npz`; a clear ValueError for anything else.

    Every member's header is read and checked first; with ``expected`` (name -> shape:
    what the model holds) a file whose shapes -- or, when ``strict``, whose names --
    do not fit is refused before any array is read. A file too big for the memory
    gives one line saying so.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such file: {path}")
    declared = 0
    try:
        with open(path, "rb") as file:
            if file.read(4) != b"PK\x03\x04":  # every .npz is a zip archive
                raise ValueError("it is not an .npz archive (it does not start like a zip file)")
        with zipfile.ZipFile(path) as archive:
            members = {info.filename[:-4]: info for info in archive.infolist()
                       if info.filename.endswith(".npy")}
            if FORMAT_KEY not in members:
                raise ValueError(
                    f"it is an .npz archive but not one written by Module.save() "
                    f"(no {FORMAT_KEY!r} entry; it holds {list(members)[:5]})"
                )
            del members[FORMAT_KEY]
            headers = {name: _member_header(archive, info) for name, info in members.items()}
            declared = sum(math.prod(shape) * dtype.itemsize for shape, dtype in headers.values())
            if expected is not None:
                _check_fits(headers, expected, strict)
            return {name: _read_member(archive, info) for name, info in members.items()}
    except MemoryError:
        raise ValueError(f"load: not enough memory to read {path}: its arrays take "
                         f"{declared / 1e6:.1f} MB; free memory and try again") from None
    except _DoesNotFit as error:
        raise ValueError(f"load: {path} does not fit {owner} (nothing was changed): "
                         f"{error}") from None
    except (OSError, EOFError, zipfile.BadZipFile, ValueError, struct.error, zlib.error,
            NotImplementedError, RuntimeError) as error:  # zip: unknown method, encrypted
        raise ValueError(f"load: cannot read {path} as a saved model: {error}") from None


class _DoesNotFit(ValueError):
    pass


def _check_fits(headers: dict, expected: dict[str, tuple], strict: bool) -> None:
    problems = [f"{name!r}: the state has shape {headers[name][0]} but the model has shape "
                f"{tuple(shape)}" for name, shape in expected.items()
                if name in headers and headers[name][0] != tuple(shape)]
    if strict:
        missing = [name for name in expected if name not in headers]
        unexpected = [name for name in headers if name not in expected]
        if missing:
            problems.append("missing keys: " + ", ".join(map(repr, missing)))
        if unexpected:
            problems.append("unexpected keys: " + ", ".join(map(repr, unexpected[:10])))
    if problems:
        raise _DoesNotFit("; ".join(problems))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    # read_array fills one preallocated array chunk by chunk from the zip stream, and
    # the stream stops at the member's declared size, already checked against the header
    with archive.open(info) as member:
        return np.lib.format.read_array(member, allow_pickle=False)

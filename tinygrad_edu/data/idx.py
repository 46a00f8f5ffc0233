"""MNIST and its file format, IDX.

An IDX file is a tiny header followed by the raw numbers, big-endian::

    bytes 0-1   0x00 0x00
    byte  2     the type of the numbers (0x08 = unsigned byte, ... see IDX_DTYPES)
    byte  3     the number of dimensions d
    then        d sizes, each a 4-byte big-endian unsigned integer
    then        prod(sizes) numbers

MNIST is four such files, usually gzipped. `mnist()` reads them from a folder and, only
when asked with ``download=True``, fetches them first and checks each file's SHA-256
so that a broken or tampered download is never used.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import struct
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from ..files import destination, write_bytes

__all__ = ["IDXError", "read_idx", "write_idx", "mnist", "download", "MNIST_FILES", "MNIST_MIRRORS",
           "MNIST_CLASSES", "LabelledImages", "read_image_set", "find_file",
           "download_from_mirrors"]

IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_TYPE_CODES = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}

# The four files and the SHA-256 of their gzipped form as published by the mirrors.
MNIST_FILES = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
# yann.lecun.com, the original home, often refuses downloads; these mirror it exactly.
MNIST_MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)


class IDXError(ValueError):
    """An IDX file that is truncated, corrupt or not IDX at all."""


# Deflate cannot shrink data more than about 1032 to 1, so a gzip file of n bytes holds
# at most ~1032 n bytes: a header announcing more is refused before anything is inflated.
GZIP_MAX_RATIO = 1100
_CHUNK = 1 << 20


def _open(path: Path):
    """The file as a stream of its content: un-gzipped on the fly when it starts with
    the gzip signature (nothing is inflated before it is read)."""
    with open(path, "rb") as file:
        gzipped = file.read(2) == b"\x1f\x8b"
    return (gzip.open(path, "rb") if gzipped else open(path, "rb")), gzipped


def _read_exactly(stream, size: int, path: Path, what: str) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise IDXError(f"{path.name}: truncated inside the {what} ({len(data)} of {size} bytes)")
    return data


def _read_header(stream, path: Path) -> tuple[np.dtype, tuple[int, ...], int]:
    """(dtype, shape, header size) from the first bytes, or an IDXError."""
    magic = stream.read(4)
    if len(magic) < 4:
        raise IDXError(f"{path.name}: only {len(magic)} bytes, too short for an IDX header")
    zero, type_code, ndim = struct.unpack(">HBB", magic)
    if zero != 0 or type_code not in IDX_DTYPES:
        raise IDXError(
            f"{path.name}: not an IDX file (magic bytes {magic.hex()}; expected "
            "00 00, a type code such as 08 for bytes, and the number of dimensions)"
        )
    shape = struct.unpack(f">{ndim}I", _read_exactly(stream, 4 * ndim, path, "header"))
    return IDX_DTYPES[type_code], shape, 4 + 4 * ndim


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (raw or gzipped) into an ndarray of its shape and type.

    Raises `IDXError` naming the file and what is wrong when the header is not IDX or
    the file holds fewer (or more) bytes than its header announces. The header is
    checked before any data is read or inflated, so a hostile file (a gzip "bomb", a
    header announcing terabytes) is refused after a few bytes; a real file too big for
    the memory gives one line saying so.
    """
    path = Path(path)
    stream, gzipped = _open(path)
    try:
        with stream:
            dtype, shape, header_size = _read_header(stream, path)
            count = math.prod(shape)  # Python ints: (65536,)*4 does not overflow
            expected = count * dtype.itemsize
            stored = path.stat().st_size
            if not gzipped and stored - header_size != expected:
                found = stored - header_size
                what = "truncated" if found < expected else "corrupt (extra bytes after the data)"
                raise IDXError(
                    f"{path.name}: {what}: the header announces shape {shape}, i.e. "
                    f"{expected} bytes of data, but the file holds {found}"
                )
            if gzipped and expected > GZIP_MAX_RATIO * stored:
                raise IDXError(
                    f"{path.name}: the header announces shape {shape}, i.e. {expected} bytes "
                    f"of data, more than a {stored}-byte gzip file can hold; it is corrupt"
                )
            data = _read_data(stream, path, dtype, count, shape)
    except (EOFError, OSError, zlib.error) as error:  # cut short, or damaged bytes
        if not gzipped:
            raise
        raise IDXError(
            f"{path.name}: the gzip data is truncated or corrupt ({error}); "
            "delete the file and download it again"
        ) from None
    except MemoryError:
        raise IDXError(
            f"{path.name}: not enough memory for its {math.prod(shape)} numbers of shape "
            f"{shape}; free memory or read a smaller file"
        ) from None
    native = dtype.newbyteorder("=")
    if native.str != dtype.str:  # swap in place: no second copy of a big array
        data.byteswap(inplace=True)
    return data.view(native).reshape(shape)


def _read_data(stream, path: Path, dtype: np.dtype, count: int, shape) -> np.ndarray:
    """Read exactly ``count`` numbers into one array, a chunk at a time (never more
    than the header announced), and refuse missing or extra bytes."""
    data = np.empty(count, dtype=dtype)
    buffer = memoryview(data.view(np.uint8).reshape(-1))
    filled = 0
    while filled < len(buffer):
        got = stream.readinto(buffer[filled:filled + _CHUNK])
        if not got:
            raise IDXError(
                f"{path.name}: truncated: the header announces shape {shape}, i.e. "
                f"{len(buffer)} bytes of data, but the file holds {filled}"
            )
        filled += got
    if stream.read(1):
        raise IDXError(f"{path.name}: corrupt (extra bytes after the data of shape {shape})")
    return data


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file, gzipped when the name ends in ``.gz``."""
    array = np.asarray(array)
    code = _TYPE_CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(f"write_idx: IDX cannot store {array.dtype}; use uint8, int8, int16, "
                        "int32, float32 or float64")
    header = struct.pack(f">HBB{array.ndim}I", 0, code, array.ndim, *array.shape)
    content = header + array.astype(IDX_DTYPES[code]).tobytes()
    gzipped = Path(path).suffix == ".gz"
    write_bytes(path, gzip.compress(content, mtime=0) if gzipped else content, "write_idx")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, path: str | os.PathLike, sha256: str | None = None,
             timeout: float = 30.0) -> Path:
    """Fetch ``url`` into ``path``; with ``sha256``, keep the file only if it matches.

    The bytes go to a ``.part`` file first, so an interrupted download never leaves a
    half file under the real name. Raises ``ConnectionError`` when the URL cannot be
    reached and ``IDXError`` on a checksum mismatch.
    """
    path = Path(path)
    target = Path(destination(path, "download"))  # a link followed, a FIFO refused
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
            for block in iter(lambda: response.read(1 << 20), b""):
                out.write(block)
    except (urllib.error.URLError, OSError) as error:
        partial.unlink(missing_ok=True)
        reason = getattr(error, "reason", error)
        raise ConnectionError(
            f"could not download {url}: {reason}. Are you offline? You can also put the "
            f"file there yourself: {path}"
        ) from None
    if sha256 is not None:
        found = _sha256(partial)
        if found != sha256.lower():
            partial.unlink()
            raise IDXError(
                f"{path.name}: downloaded from {url} but its SHA-256 is {found}, expected "
                f"{sha256}; the download is incomplete or not the expected file (deleted)"
            )
    partial.replace(target)
    return path


def find_file(root: Path, gz_name: str) -> Path | None:
    """The file under ``root``, gzipped or raw, or None."""
    for name in (gz_name, gz_name[: -len(".gz")]):
        if (root / name).is_file():
            return root / name
    return None


class LabelledImages(tuple):
    """``((x_train, y_train), (x_test, y_test))`` -- a plain pair of pairs, as `mnist`
    always returned -- that also names its classes: ``.classes[label]``; ``.train``
    and ``.test`` are the two halves."""

    classes: tuple[str, ...]

    def __new__(cls, train: tuple, test: tuple, classes) -> LabelledImages:
        images = super().__new__(cls, (train, test))
        images.classes = tuple(classes)
        return images

    @property
    def train(self) -> tuple[np.ndarray, np.ndarray]:
        return self[0]

    @property
    def test(self) -> tuple[np.ndarray, np.ndarray]:
        return self[1]


MNIST_CLASSES = tuple(str(digit) for digit in range(10))


def mnist(
    root: str | os.PathLike,
    download: bool = False,
    *,
    flatten: bool = False,
    normalize: bool = False,
    mirrors: tuple[str, ...] | list[str] = MNIST_MIRRORS,
    checksums: dict[str, str] | None = None,
) -> LabelledImages:
    """The MNIST handwritten digits: ``((x_train, y_train), (x_test, y_test))``.

    Reads the four standard files (``train-images-idx3-ubyte`` etc., each gzipped or
    raw) from the folder ``root``. With ``download=True`` the missing ones are fetched
    from ``mirrors`` and checked against ``checksums`` (default: the published SHA-256
    of each ``.gz``). Images are uint8 of shape (N, 28, 28), or (N, 784) with
    ``flatten``; ``normalize`` turns them into float32 in [0, 1]. Labels are int64.
    ``.classes`` names the labels ("0" to "9").
    """
    root = Path(root)
    checksums = MNIST_FILES if checksums is None else checksums
    paths = []
    for gz_name in MNIST_FILES:
        path = find_file(root, gz_name)
        if path is None:
            if not download:
                raise FileNotFoundError(
                    f"mnist: {gz_name} (or its unzipped form) is not in {root}; call "
                    "mnist(root, download=True) to fetch it, or copy the four files there"
                )
            path = download_from_mirrors("mnist", root, gz_name, mirrors, checksums.get(gz_name))
        paths.append(path)
    return read_image_set("mnist", paths, MNIST_CLASSES, flatten, normalize)


def read_image_set(name: str, paths: list[Path], classes, flatten: bool = False,
                   normalize: bool = False) -> LabelledImages:
    """Read the four IDX files of an MNIST-like set (train images, train labels, test
    images, test labels) and check that they belong together."""
    x_train, y_train, x_test, y_test = (read_idx(path) for path in paths)
    for images, labels, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if len(images) != len(labels):
            raise IDXError(f"{name}: {len(images)} {split} images but {len(labels)} labels")
        _check_labels(name, labels, split, classes)
    if flatten:
        x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    if normalize:
        x_train, x_test = x_train.astype(np.float32) / 255, x_test.astype(np.float32) / 255
    return LabelledImages((x_train, y_train.astype(np.int64)), (x_test, y_test.astype(np.int64)),
                          classes)


def _check_labels(name: str, labels: np.ndarray, split: str, classes: tuple) -> None:
    """Labels are the class numbers 0-9; anything else means a corrupt or foreign file."""
    if labels.ndim != 1:
        raise IDXError(f"{name}: the {split} labels have shape {labels.shape}, expected (N,)")
    wrong = np.flatnonzero((labels < 0) | (labels >= len(classes)))
    if len(wrong):
        kind = "digit" if tuple(classes) == MNIST_CLASSES else "class"
        raise IDXError(f"{name}: {split} label {int(labels[wrong[0]])} at index {wrong[0]} is "
                       f"not a {kind} 0-{len(classes) - 1} ({len(wrong)} such labels); the "
                       f"labels file is corrupt or not {name}'s")


def download_from_mirrors(name: str, root: Path, gz_name: str, mirrors,
                          sha256: str | None) -> Path:
    """Fetch ``gz_name`` into ``root`` from the first mirror that has it (checked by
    ``sha256``); one error listing every mirror's failure otherwise."""
    root.mkdir(parents=True, exist_ok=True)
    failures: list[Exception] = []
    for mirror in mirrors:
        url = mirror if mirror.endswith("/") else mirror + "/"
        try:
            return download(url + gz_name, root / gz_name, sha256)
        except (ConnectionError, IDXError) as error:
            failures.append(error)
    message = f"{name}: every mirror failed for {gz_name}:\n  " + "\n  ".join(map(str, failures))
    # Only bad checksums: the network works but the files are wrong -- not a connection issue.
    if failures and all(isinstance(error, IDXError) for error in failures):
        raise IDXError(message)
    raise ConnectionError(message)

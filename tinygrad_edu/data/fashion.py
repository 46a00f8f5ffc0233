"""Fashion-MNIST: 70,000 greyscale 28×28 pictures of clothes in ten classes (Zalando
Research, MIT licence), stored exactly as MNIST is (four IDX files, see `idx`).

It is harder than the handwritten digits -- a shirt and a T-shirt differ in details a
dense net on raw pixels hardly sees -- which is what makes it worth a convolutional
net. Nothing is downloaded unless asked: the files are read from

1. the folder ``root``, when given and it holds the four files;
2. Debian's package ``dataset-fashion-mnist`` (``apt-get install dataset-fashion-mnist``),
   which installs them under ``/usr/share/datasets/fashion-mnist``;
3. the folder a previous ``download=True`` filled (``~/.cache/tinygrad-edu/fashion-mnist``,
   or ``$XDG_CACHE_HOME/tinygrad-edu/fashion-mnist``);

and only with ``download=True`` fetched from Zalando's servers, each file kept only if
its SHA-256 is the published one.
"""

from __future__ import annotations

import os
from pathlib import Path

from .idx import LabelledImages, download_from_mirrors, find_file, read_image_set

__all__ = ["fashion_mnist", "FASHION_MNIST_CLASSES", "FASHION_MNIST_FILES",
           "FASHION_MNIST_DEBIAN_FILES", "FASHION_MNIST_MIRRORS", "FASHION_MNIST_SYSTEM_DIR",
           "fashion_mnist_cache"]

FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                         "Shirt", "Sneaker", "Bag", "Ankle boot")

# SHA-256 of the four .gz files as Zalando publishes them (their MD5s are in Zalando's
# README: 8d4fb7e6..., 25c81989..., bef4ecab..., bb300cfd...).
FASHION_MNIST_FILES = {
    "train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
# Debian's package (version 0.0~git20200523.55506a9-1) holds the same compressed bytes
# with a different gzip header (no file name, another time stamp), hence other hashes.
FASHION_MNIST_DEBIAN_FILES = {
    "train-images-idx3-ubyte.gz":
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz":
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz":
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz":
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}
FASHION_MNIST_MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)
FASHION_MNIST_SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")  # Debian's package


def fashion_mnist_cache() -> Path:
    """Where ``fashion_mnist(download=True)`` puts the files when no ``root`` is given."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tinygrad-edu" / "fashion-mnist"


def _complete(folder: Path | None) -> list[Path] | None:
    """The four files in ``folder`` (each gzipped or raw), or None if any is missing."""
    if folder is None or not folder.is_dir():
        return None
    paths = [find_file(folder, name) for name in FASHION_MNIST_FILES]
    return None if any(path is None for path in paths) else paths


def _what_is_missing(given: Path | None) -> str:
    if given is not None and given.is_dir():
        missing = [name for name in FASHION_MNIST_FILES if find_file(given, name) is None]
        if len(missing) < len(FASHION_MNIST_FILES):
            return (f"{missing[0]} is missing from {given} ({4 - len(missing)} of the 4 files "
                    "are there) and the files are not installed")
    where = f"not in {given}, and " if given is not None else ""
    return f"the four Fashion-MNIST files are {where}not installed"


def fashion_mnist(
    root: str | os.PathLike | None = None,
    download: bool = False,
    *,
    flatten: bool = False,
    normalize: bool = False,
    mirrors: tuple[str, ...] | list[str] = FASHION_MNIST_MIRRORS,
    checksums: dict[str, str] | None = None,
) -> LabelledImages:
    """Fashion-MNIST: ``((x_train, y_train), (x_test, y_test))`` as `mnist` returns it,
    60,000 + 10,000 images, with ``.classes`` naming the ten labels
    (``FASHION_MNIST_CLASSES``: 0 is "T-shirt/top", ..., 9 is "Ankle boot").

    Images are uint8 of shape (N, 28, 28), or (N, 784) with ``flatten``; ``normalize``
    makes them float32 in [0, 1]. Labels are int64 0-9. Where the files come from: see
    the module's docstring (``root``, Debian's package, the download cache; with
    ``download=True`` the missing files are fetched into ``root`` or the cache and checked
    against ``checksums``, by default Zalando's published SHA-256).

    >>> (x_train, y_train), (x_test, y_test) = data = fashion_mnist()  # doctest: +SKIP
    >>> x_train.shape, data.classes[y_train[0]]                         # doctest: +SKIP
    ((60000, 28, 28), 'Ankle boot')
    """
    given = None if root is None else Path(root)
    cache = fashion_mnist_cache()
    for folder in (given, FASHION_MNIST_SYSTEM_DIR, cache):
        paths = _complete(folder)
        if paths is not None:
            return read_image_set("fashion_mnist", paths, FASHION_MNIST_CLASSES, flatten,
                                  normalize)
    if not download:
        raise FileNotFoundError(
            f"fashion_mnist: {_what_is_missing(given)}; run `apt-get install "
            "dataset-fashion-mnist` (Debian/Ubuntu), or call fashion_mnist(download=True) to "
            "fetch them")
    target = given if given is not None else cache
    checksums = FASHION_MNIST_FILES if checksums is None else checksums
    paths = []
    for name in FASHION_MNIST_FILES:
        path = find_file(target, name) if target.is_dir() else None
        if path is None:
            path = download_from_mirrors("fashion_mnist", target, name, mirrors,
                                         checksums.get(name))
        paths.append(path)
    return read_image_set("fashion_mnist", paths, FASHION_MNIST_CLASSES, flatten, normalize)

"""Fashion-MNIST: the real files of Debian's dataset-fashion-mnist (shapes, dtypes,
labels, class names, SHA-256, and that they are Zalando's own bytes), where the files
are looked for, a checked download from a local mirror, and one-line refusals of
missing or corrupt files (on tiny files the tests write)."""

import hashlib

import numpy as np
import pytest

from tinygrad_edu.data import (
    FASHION_MNIST_CLASSES,
    IDXError,
    LabelledImages,
    fashion_mnist,
    mnist,
    write_idx,
)
from tinygrad_edu.data import fashion as fashion_module

SYSTEM = fashion_module.FASHION_MNIST_SYSTEM_DIR
INSTALLED = all((SYSTEM / name).is_file() for name in fashion_module.FASHION_MNIST_FILES)
needs_the_package = pytest.mark.skipif(
    not INSTALLED, reason="apt-get install dataset-fashion-mnist (.ci/run installs it)")

# Zalando's README publishes the MD5 of each .gz file
ZALANDO_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
# the time stamps in the gzip headers of Zalando's files (Debian's copies carry another)
ZALANDO_MTIME = {"train-images-idx3-ubyte.gz": 1504176606,
                 "train-labels-idx1-ubyte.gz": 1504176606,
                 "t10k-images-idx3-ubyte.gz": 1504176627,
                 "t10k-labels-idx1-ubyte.gz": 1504176627}


@pytest.fixture(scope="module")
def real():
    return fashion_mnist()


@needs_the_package
def test_the_real_images_labels_and_class_names(real):
    (x_train, y_train), (x_test, y_test) = real
    assert isinstance(real, LabelledImages) and real.train[0] is x_train
    assert x_train.shape == (60_000, 28, 28) and x_test.shape == (10_000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.int64
    # ten balanced classes: 6,000 training and 1,000 test images each
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert real.classes == FASHION_MNIST_CLASSES == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
        "Bag", "Ankle boot")
    assert real.classes[y_train[0]] == "Ankle boot"  # the first training image
    assert 0 < x_train.mean() < 255 and x_train.max() == 255


@needs_the_package
def test_flatten_and_normalize(real):
    (x_train, _), (x_test, _) = fashion_mnist(flatten=True, normalize=True)
    assert x_train.shape == (60_000, 784) and x_test.dtype == np.float32
    np.testing.assert_array_equal(x_train[:5], real.train[0][:5].reshape(5, -1) / np.float32(255))


@needs_the_package
@pytest.mark.parametrize("name", list(fashion_module.FASHION_MNIST_FILES))
def test_debians_files_are_zalandos_bytes(name):
    """Debian's .gz has the recorded SHA-256; with Zalando's gzip header put back (its
    file name field and time stamp), the very same compressed bytes have Zalando's MD5
    and the SHA-256 that a download is checked against."""
    data = (SYSTEM / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == fashion_module.FASHION_MNIST_DEBIAN_FILES[name]
    assert data[3] == 0  # Debian's header: no name field
    header = (b"\x1f\x8b\x08\x08" + ZALANDO_MTIME[name].to_bytes(4, "little") + b"\x00\x03"
              + name[:-3].encode() + b"\x00")
    zalandos = header + data[10:]
    assert hashlib.md5(zalandos).hexdigest() == ZALANDO_MD5[name]
    assert hashlib.sha256(zalandos).hexdigest() == fashion_module.FASHION_MNIST_FILES[name]


# ---- where the files come from, on tiny made-up sets ----


def fake_set(folder, n_train=6, n_test=3, seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for name, array in arrays.items():
        write_idx(folder / (name + ".gz"), array)
    return arrays


@pytest.fixture
def nothing_installed(tmp_path, monkeypatch):
    """No Debian package and an empty download cache."""
    monkeypatch.setattr(fashion_module, "FASHION_MNIST_SYSTEM_DIR", tmp_path / "not-installed")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def checksums(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in folder.glob("*.gz")}


def test_a_root_holding_the_files_comes_first(tmp_path):
    arrays = fake_set(tmp_path / "mine")
    data = fashion_mnist(tmp_path / "mine")
    (x_train, y_train), (_, y_test) = data
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte"])
    assert data.classes == FASHION_MNIST_CLASSES


def test_without_any_source_one_line_says_how_to_get_them(nothing_installed):
    with pytest.raises(FileNotFoundError) as error:
        fashion_mnist()
    message = str(error.value)
    assert "apt-get install dataset-fashion-mnist" in message and "download=True" in message
    assert "\n" not in message


def test_a_missing_file_is_named(nothing_installed):
    root = nothing_installed / "partial"
    fake_set(root)
    (root / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"fashion_mnist: t10k-labels-idx1-ubyte.gz is "
                                                r"missing from .*partial \(3 of the 4 files"):
        fashion_mnist(root)


def test_corrupt_files_are_refused_in_one_line(tmp_path):
    root = tmp_path / "corrupt"
    fake_set(root)
    images = root / "t10k-images-idx3-ubyte.gz"
    images.write_bytes(images.read_bytes()[:-20])  # cut short
    with pytest.raises(IDXError, match="t10k-images-idx3-ubyte.gz: the gzip data is truncated"):
        fashion_mnist(root)
    fake_set(root)
    write_idx(root / "train-labels-idx1-ubyte.gz", np.array([1, 2, 12, 0, 0, 0], np.uint8))
    with pytest.raises(IDXError, match=r"fashion_mnist: train label 12 at index 2 is not a class "
                                       r"0-9 \(1 such labels\)") as error:
        fashion_mnist(root)
    assert "\n" not in str(error.value)


def test_download_fills_the_cache_and_checks_every_file(nothing_installed):
    mirror = nothing_installed / "mirror"
    arrays = fake_set(mirror)
    sums = checksums(mirror)
    (x_train, _), _ = fashion_mnist(download=True, mirrors=[mirror.as_uri()], checksums=sums)
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte"])
    cache = nothing_installed / "cache" / "tinygrad-edu" / "fashion-mnist"
    assert checksums(cache) == sums and not list(cache.glob("*.part"))
    # the next call reads the cache, with no download asked for
    np.testing.assert_array_equal(fashion_mnist().train[0], x_train)


def test_download_into_root_refuses_a_wrong_checksum(nothing_installed):
    mirror, root = nothing_installed / "mirror", nothing_installed / "root"
    fake_set(mirror)
    # the default checksums are Zalando's: tiny made-up files cannot match them
    with pytest.raises(IDXError, match=r"train-images-idx3-ubyte.gz: downloaded from .* its "
                                       r"SHA-256 is [0-9a-f]{64}, expected 3aede38d"):
        fashion_mnist(root, download=True, mirrors=[mirror.as_uri()])
    assert not (root / "train-images-idx3-ubyte.gz").exists()
    assert not list(root.glob("*.part"))


def test_mnist_names_its_classes_too(tmp_path):
    fake_set(tmp_path)
    data = mnist(tmp_path)
    (x_train, y_train), (x_test, y_test) = data
    assert data.classes == tuple("0123456789") and data.test[1] is y_test
    assert data == ((x_train, y_train), (x_test, y_test))

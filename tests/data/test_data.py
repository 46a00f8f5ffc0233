"""Datasets, IDX files and MNIST (on tiny files the tests write), loaders, splits, scalers."""

import gzip
import hashlib
import struct

import numpy as np
import pytest

from tinygrad_edu import Tensor
from tinygrad_edu.data import (
    DataLoader,
    Dataset,
    IDXError,
    StandardScaler,
    TensorDataset,
    digits,
    mnist,
    moons,
    read_idx,
    spiral,
    split_indices,
    standardize,
    train_val_test_split,
    write_idx,
    xor,
    zero_center,
)
from tinygrad_edu.data import idx as idx_module

# ---- generated datasets ----


def test_xor_is_the_truth_table():
    X, y = xor()
    assert X.dtype == np.float32 and y.dtype == np.int64
    assert [int(a) ^ int(b) for a, b in X] == y.tolist()


def test_spiral_shapes_classes_and_seed():
    X, y = spiral(n=50, classes=4, seed=3)
    assert X.shape == (200, 2) and X.dtype == np.float32
    assert np.bincount(y).tolist() == [50] * 4
    assert np.array_equal(X, spiral(n=50, classes=4, seed=3)[0])
    assert not np.array_equal(X, spiral(n=50, classes=4, seed=4)[0])
    assert np.abs(X).max() <= 1.0 + 1e-6  # radius runs to 1


def test_moons_two_classes_noise_and_seed():
    X, y = moons(n=101, noise=0.0, seed=1)
    assert X.shape == (101, 2) and np.bincount(y).tolist() == [51, 50]
    upper = X[y == 0]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-5)  # no noise: on circle
    assert np.array_equal(moons(n=60, noise=0.2, seed=7)[0], moons(n=60, noise=0.2, seed=7)[0])


def test_digits_are_the_real_ones():
    X, y = digits()
    assert X.shape == (1797, 64) and 0.0 <= X.min() and X.max() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))
    assert digits(normalize=False)[0].max() == 16.0


def test_digits_come_from_the_package_data_without_scikit_learn(monkeypatch):
    import builtins
    import sys

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    monkeypatch.delitem(sys.modules, "sklearn", raising=False)
    X, y = digits(normalize=False)
    # The UCI test part's class sizes, and integer pixel counts 0..16 in every image
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert np.array_equal(X, np.round(X)) and X.min() == 0 and X.max() == 16
    assert X.dtype == np.float32 and y.dtype == np.int64
    # the first image is a 0: its ink surrounds an empty middle
    first = X[0].reshape(8, 8)
    assert y[0] == 0 and first[3:5, 3:5].sum() < first[:, 1:3].sum()


# ---- IDX ----


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_idx_round_trip(tmp_path, dtype, name):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.dtype(dtype) and np.array_equal(back, array)


def test_idx_header_is_the_standard_one(tmp_path):
    write_idx(tmp_path / "labels", np.array([7, 2, 1], dtype=np.uint8))
    raw = (tmp_path / "labels").read_bytes()
    assert raw == b"\x00\x00\x08\x01" + struct.pack(">I", 3) + bytes([7, 2, 1])


def test_idx_truncated_raw_file(tmp_path):
    write_idx(tmp_path / "images", np.zeros((5, 4, 4), dtype=np.uint8))
    path = tmp_path / "images"
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(IDXError, match=r"images: truncated.*\(5, 4, 4\).*80 bytes.*77"):
        read_idx(path)


def test_idx_truncated_inside_header(tmp_path):
    (tmp_path / "h").write_bytes(b"\x00\x00\x08\x03\x00\x00")
    with pytest.raises(IDXError, match="truncated inside the header"):
        read_idx(tmp_path / "h")


def test_idx_extra_bytes_are_corrupt(tmp_path):
    write_idx(tmp_path / "x", np.zeros(4, dtype=np.uint8))
    (tmp_path / "x").write_bytes((tmp_path / "x").read_bytes() + b"junk")
    with pytest.raises(IDXError, match="corrupt"):
        read_idx(tmp_path / "x")


def test_idx_bad_magic(tmp_path):
    (tmp_path / "notidx").write_bytes(b"PK\x03\x04 some zip file")
    with pytest.raises(IDXError, match="not an IDX file"):
        read_idx(tmp_path / "notidx")


def test_idx_truncated_and_corrupt_gzip(tmp_path):
    write_idx(tmp_path / "x.gz", np.arange(1000, dtype=np.int32))
    whole = (tmp_path / "x.gz").read_bytes()
    (tmp_path / "cut.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IDXError, match="cut.gz: the gzip data is truncated or corrupt"):
        read_idx(tmp_path / "cut.gz")
    damaged = bytearray(whole)
    damaged[len(whole) // 2] ^= 0xFF
    (tmp_path / "bad.gz").write_bytes(bytes(damaged))
    with pytest.raises(IDXError, match="bad.gz"):
        read_idx(tmp_path / "bad.gz")


# ---- MNIST on tiny made-up files ----


def _fake_mnist(folder, gzipped=True, n_train=6, n_test=3):
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for name, array in arrays.items():
        write_idx(folder / (name + (".gz" if gzipped else "")), array)
    return arrays


@pytest.mark.parametrize("gzipped", [True, False])
def test_mnist_reads_the_four_files(tmp_path, gzipped):
    arrays = _fake_mnist(tmp_path, gzipped)
    (x_train, y_train), (x_test, y_test) = mnist(tmp_path)
    assert np.array_equal(x_train, arrays["train-images-idx3-ubyte"])
    assert np.array_equal(y_test, arrays["t10k-labels-idx1-ubyte"]) and y_test.dtype == np.int64
    (x_train, _), (x_test, _) = mnist(tmp_path, flatten=True, normalize=True)
    assert x_train.shape == (6, 784) and x_test.shape == (3, 784) and x_train.dtype == np.float32
    assert x_train.max() <= 1.0


def test_mnist_missing_file_says_how_to_get_it(tmp_path):
    _fake_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"t10k-labels.*download=True"):
        mnist(tmp_path)


def test_mnist_image_label_count_mismatch(tmp_path):
    _fake_mnist(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(5, dtype=np.uint8))
    with pytest.raises(IDXError, match="6 train images but 5 labels"):
        mnist(tmp_path)


def _checksums(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in folder.glob("*.gz")}


def test_mnist_download_from_a_local_mirror(tmp_path):
    mirror = tmp_path / "mirror"
    arrays = _fake_mnist(mirror)
    root = tmp_path / "data"
    (x_train, y_train), _ = mnist(root, download=True, mirrors=[mirror.as_uri()],
                                  checksums=_checksums(mirror))
    assert np.array_equal(x_train, arrays["train-images-idx3-ubyte"])
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in mirror.iterdir())


def test_mnist_download_rejects_a_sha_mismatch(tmp_path):
    mirror = tmp_path / "mirror"
    _fake_mnist(mirror)
    checksums = _checksums(mirror)
    checksums["train-labels-idx1-ubyte.gz"] = "0" * 64
    root = tmp_path / "data"
    with pytest.raises(IDXError, match=r"train-labels.*SHA-256 is [0-9a-f]{64}, expected 0+"):
        mnist(root, download=True, mirrors=[mirror.as_uri()], checksums=checksums)
    assert not (root / "train-labels-idx1-ubyte.gz").exists()
    assert not list(root.glob("*.part"))


def test_mnist_default_checksums_are_the_published_ones(tmp_path):
    # Our tiny files cannot match the real MNIST hashes: the download is refused.
    mirror = tmp_path / "mirror"
    _fake_mnist(mirror)
    with pytest.raises(IDXError, match="SHA-256"):
        mnist(tmp_path / "data", download=True, mirrors=[mirror.as_uri()])
    assert idx_module.MNIST_FILES["train-images-idx3-ubyte.gz"].startswith("440fcabf")


def test_mnist_download_offline(tmp_path, monkeypatch):
    import urllib.error

    def offline(url, timeout=None):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(idx_module.urllib.request, "urlopen", offline)
    with pytest.raises(ConnectionError, match="Are you offline"):
        mnist(tmp_path, download=True, mirrors=["https://example.invalid/mnist/"])


def test_mnist_downloaded_gzip_that_is_corrupt_is_reported(tmp_path):
    mirror = tmp_path / "mirror"
    _fake_mnist(mirror)
    labels = mirror / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x09" + bytes(4), mtime=0))
    with pytest.raises(IDXError, match="truncated"):
        mnist(tmp_path / "data", download=True, mirrors=[mirror.as_uri()],
              checksums=_checksums(mirror))


# ---- Dataset and DataLoader ----


def test_dataloader_every_sample_once_per_epoch():
    X = np.arange(23, dtype=np.float32).reshape(23, 1)
    y = np.arange(23)
    loader = DataLoader(TensorDataset(X, y), batch_size=5, shuffle=True, seed=0)
    assert len(loader) == 5
    orders = []
    for _ in range(3):
        seen = []
        for xb, yb in loader:
            assert isinstance(xb, Tensor) and xb.dtype == np.float32 and yb.dtype == np.int64
            assert np.array_equal(xb.numpy()[:, 0], yb.numpy())  # rows stay paired
            seen.extend(yb.numpy().tolist())
        assert sorted(seen) == list(range(23))
        orders.append(seen)
    assert orders[0] != orders[1]  # a new order every epoch
    again = [yb.numpy().tolist() for _, yb in DataLoader(TensorDataset(X, y), 5, True, seed=0)]
    assert sum(again, []) == orders[0]  # same seed, same epochs


def test_dataloader_drop_last_and_no_shuffle():
    loader = DataLoader(TensorDataset(np.arange(10)), batch_size=4, drop_last=True)
    batches = [b.numpy().tolist() for (b,) in loader]
    assert len(loader) == 2 and batches == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(TensorDataset(np.arange(8)), batch_size=4)) == 2


class Squares(Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float32), i % 2


def test_dataloader_on_a_custom_dataset():
    batches = list(DataLoader(Squares(), batch_size=3))
    assert [len(y) for _, y in batches] == [3, 3, 1]
    assert batches[1][0].numpy().tolist() == [[3, 9], [4, 16], [5, 25]]
    assert batches[2][1].numpy().tolist() == [0]


def test_dataloader_rejects_bad_arguments():
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(TensorDataset(np.arange(3)), batch_size=0)
    with pytest.raises(ValueError, match="same first dimension"):
        TensorDataset(np.zeros(3), np.zeros(4))


# ---- splits and scalers ----


def test_splits_are_disjoint_and_cover_everything():
    train, val, test = split_indices(100, val_size=0.2, test_size=10, seed=1)
    assert (len(train), len(val), len(test)) == (70, 20, 10)
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(100))
    X, y = np.arange(50).reshape(25, 2), np.arange(25)
    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = train_val_test_split(X, y, seed=2)
    assert np.array_equal(X_tr[:, 0] // 2, y_tr) and np.array_equal(X_te[:, 0] // 2, y_te)
    assert not set(y_tr) & set(y_va) and not set(y_tr) & set(y_te) and not set(y_va) & set(y_te)
    assert len(y_tr) + len(y_va) + len(y_te) == 25
    with pytest.raises(ValueError, match="leave none"):
        split_indices(10, val_size=5, test_size=5)


def test_scalers_are_fitted_on_train_only():
    rng = np.random.default_rng(0)
    train = rng.normal(3.0, 2.0, (200, 3)).astype(np.float32)
    val = rng.normal(-5.0, 9.0, (50, 3)).astype(np.float32)
    train_s, val_s = standardize(train, val)
    assert np.allclose(train_s.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(train_s.std(axis=0), 1, atol=1e-4)
    expected = (val - train.mean(axis=0)) / train.std(axis=0)
    assert np.allclose(val_s, expected, atol=1e-4)  # train's statistics, not val's
    assert abs(val_s.mean()) > 1.0
    train_c, val_c = zero_center(train, val)
    assert np.allclose(train_c.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(val_c, val - train.mean(axis=0), atol=1e-4)
    assert np.allclose(train_c.std(axis=0), train.std(axis=0), atol=1e-4)


def test_standard_scaler_constant_feature_and_inverse():
    X = np.array([[1.0, 5.0], [3.0, 5.0]])
    scaler = StandardScaler().fit(X)
    assert np.array_equal(scaler.transform(X), [[-1.0, 0.0], [1.0, 0.0]])
    assert np.allclose(scaler.inverse_transform(scaler.transform(X)), X)
    with pytest.raises(RuntimeError, match="fit"):
        StandardScaler().transform(X)

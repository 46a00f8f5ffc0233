"""Hostile files: IDX and .npz headers checked before anything is read or inflated,
memory bombs under a memory cap, and atomic saves that leave no temporary file."""

import gzip
import os
import signal
import stat
import struct
import sys
import time
import zipfile

import numpy as np
import pytest
from hostile_support import last_json, run, start, wait_for

import tinygrad_edu.nn as nn
from tinygrad_edu.data import idx as idx_module
from tinygrad_edu.data.idx import IDXError, read_idx, write_idx
from tinygrad_edu.nn.serialization import load_npz, save_npz


def idx_header(code: int, shape) -> bytes:
    return struct.pack(f">HBB{len(shape)}I", 0, code, len(shape), *shape)


def gzip_of_zeros(path, prefix: bytes, size: int) -> None:
    """``prefix`` then ``size`` zero bytes, gzipped by streaming (never all in memory)."""
    block = bytes(1 << 20)
    with gzip.open(path, "wb", compresslevel=1) as file:
        file.write(prefix)
        for start in range(0, size, len(block)):
            file.write(block[: min(len(block), size - start)])


# ---- IDX ----


def test_gzip_bomb_with_a_wrong_magic_is_refused_after_four_bytes(tmp_path):
    path = tmp_path / "bomb.gz"
    gzip_of_zeros(path, b"\x12\x34\x56\x78", 64 << 20)
    with pytest.raises(IDXError, match="not an IDX file .magic bytes 12345678"):
        read_idx(path)


def test_header_announcing_more_than_gzip_can_hold_is_refused(tmp_path):
    path = tmp_path / "liar.gz"
    path.write_bytes(gzip.compress(idx_header(0x08, (1 << 30,)) + bytes(1000)))
    with pytest.raises(IDXError, match=r"1073741824 bytes of data, more than a \d+-byte gzip"):
        read_idx(path)


def test_gzip_inflating_past_the_header_stops_at_the_declared_size(tmp_path):
    path = tmp_path / "longer.gz"
    gzip_of_zeros(path, idx_header(0x08, (1000, 10)), 16 << 20)  # header says 10 kB
    with pytest.raises(IDXError, match="extra bytes after the data of shape"):
        read_idx(path)


def test_sizes_are_computed_without_overflow(tmp_path):
    path = tmp_path / "huge"
    path.write_bytes(idx_header(0x0E, (65536,) * 4) + bytes(64))
    with pytest.raises(IDXError, match=r"shape \(65536, 65536, 65536, 65536\), i\.e\. "
                                       r"147573952589676412928 bytes of data, but the file "
                                       r"holds 64"):
        read_idx(path)


def test_big_endian_types_come_back_native_and_equal(tmp_path):
    values = np.arange(-5, 7, dtype=np.int32).reshape(3, 4) * 1000
    write_idx(tmp_path / "v.gz", values)
    back = read_idx(tmp_path / "v.gz")
    assert back.dtype == np.dtype("=i4") and back.flags.writeable
    np.testing.assert_array_equal(back, values)


def test_mnist_label_outside_the_digits_is_refused(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((3, 28, 28), np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.array([1, 200, 3], np.uint8))
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.array([0, 9], np.uint8))
    with pytest.raises(IDXError, match="train label 200 at index 1 is not a digit 0-9"):
        idx_module.mnist(tmp_path)


# ---- .npz ----


def npz_with_member(path, name: str, header_shape, data: bytes | int, dtype="<f8") -> None:
    """A Module.save-like archive whose member ``name`` has a hand-made header; ``data``
    is the bytes after it, or a count of zero bytes streamed in."""
    header = {"descr": dtype, "fortran_order": False, "shape": tuple(header_shape)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("__tinygrad_edu__.npy", "w") as member:
            np.lib.format.write_array(member, np.array(1))
        with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(member, header)
            if isinstance(data, int):
                block = bytes(1 << 20)
                for start in range(0, data, len(block)):
                    member.write(block[: min(len(block), data - start)])
            else:
                member.write(data)


def test_npz_bomb_is_refused_by_the_model_before_reading(tmp_path):
    path = tmp_path / "bomb.npz"
    npz_with_member(path, "weight", (4000, 4000), 4000 * 4000 * 8)  # 128 MB, ~0.1 MB on disk
    assert path.stat().st_size < 2 << 20
    model = nn.Linear(2, 2)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"does not fit Linear.*'weight': the state has shape "
                                         r"\(4000, 4000\) but the model has shape \(2, 2\)"):
        model.load(path)  # (the memory-cap test below shows nothing was inflated)
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name])


def test_npz_header_that_disagrees_with_the_archive_is_refused(tmp_path):
    path = tmp_path / "liar.npz"
    npz_with_member(path, "weight", (2, 2), bytes(10_000))
    with pytest.raises(ValueError, match=r"weight.npy: its header announces shape \(2, 2\) "
                                         r"\(32 bytes\) but the archive holds 10000"):
        load_npz(path)


def test_npz_pickles_stay_refused(tmp_path):
    path = tmp_path / "pickle.npz"
    npz_with_member(path, "weight", (1,), b"", dtype="|O")
    with pytest.raises(ValueError, match="Python objects .pickles., which are never loaded"):
        load_npz(path)


# ---- under a memory cap, in a child process ----

CAPPED = """
import json, resource, sys
import numpy as np
import tinygrad_edu.nn as nn
from tinygrad_edu.data.idx import read_idx
from tinygrad_edu.nn.serialization import load_npz

def virtual_memory():
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
cap = virtual_memory() + (96 << 20)  # 96 MB more than the interpreter already maps
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
outcome = {}
for label, call in (("idx", lambda: read_idx(sys.argv[1])),
                    ("npz", lambda: load_npz(sys.argv[2])),
                    ("model", lambda: nn.Linear(2, 2).load(sys.argv[2]))):
    try:
        call()
        outcome[label] = "loaded"
    except MemoryError:
        outcome[label] = "bare MemoryError"
    except ValueError as error:
        outcome[label] = str(error)
print(json.dumps(outcome))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_bombs_under_a_memory_cap_end_in_one_clear_line(tmp_path):
    idx_path = tmp_path / "big-idx"  # a sparse file: 400 MB declared and present
    with open(idx_path, "wb") as file:
        file.write(idx_header(0x08, (400_000_000,)))
        file.truncate(len(idx_header(0x08, (400_000_000,))) + 400_000_000)
    npz_path = tmp_path / "big.npz"
    npz_with_member(npz_path, "weight", (5000, 5000), 5000 * 5000 * 8)  # 200 MB inflated
    child = run([sys.executable, "-c", CAPPED, str(idx_path), str(npz_path)], timeout=120)
    outcome = last_json(child.stdout)
    assert child.returncode == 0, child.stderr
    assert outcome["idx"].startswith("big-idx: not enough memory for its 400000000 numbers")
    assert outcome["npz"].startswith("load: not enough memory to read") and "200.0 MB" in \
        outcome["npz"]
    assert "does not fit Linear" in outcome["model"]  # refused before any allocation


# ---- atomic save ----


def temporaries(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if ".tmp-" in name)


def test_new_file_follows_the_umask_and_an_existing_one_keeps_its_mode(tmp_path):
    old = os.umask(0o022)
    try:
        nn.Linear(2, 2).save(tmp_path / "m.npz")
        assert stat.S_IMODE(os.stat(tmp_path / "m.npz").st_mode) == 0o644
        os.chmod(tmp_path / "m.npz", 0o640)
        nn.Linear(2, 2).save(tmp_path / "m.npz")
        assert stat.S_IMODE(os.stat(tmp_path / "m.npz").st_mode) == 0o640
    finally:
        os.umask(old)


def test_failed_save_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "m.npz"
    save_npz({"w": np.ones(3)}, target)
    with pytest.raises(ValueError):
        save_npz({"w": np.array([object()], dtype=object)}, target)
    assert temporaries(tmp_path) == []
    np.testing.assert_array_equal(load_npz(target)["w"], np.ones(3))


def test_stale_temporaries_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    finished = run([sys.executable, "-c", "import os; print(os.getpid())"])
    dead_pid = int(finished.stdout)
    (tmp_path / f".m.npz.tmp-{dead_pid}-0a1b2c3d").write_bytes(b"half a file")
    (tmp_path / f".m.npz.tmp-{os.getppid()}-0a1b2c3d").write_bytes(b"a save in progress")
    (tmp_path / f".other.npz.tmp-{dead_pid}-0a1b2c3d").write_bytes(b"not ours")
    save_npz({"w": np.ones(2)}, tmp_path / "m.npz")
    assert temporaries(tmp_path) == sorted([f".m.npz.tmp-{os.getppid()}-0a1b2c3d",
                                            f".other.npz.tmp-{dead_pid}-0a1b2c3d"])


SAVER = """
import sys
import numpy as np
from tinygrad_edu.nn.serialization import save_npz
target, generation = sys.argv[1], 0
state = {f"w{i}": np.random.default_rng(i).normal(size=(1000, 1000)) for i in range(4)}
while True:
    generation += 1
    state["generation"] = np.array(generation)
    save_npz(state, target)
    print("saved", generation, flush=True)
"""


@pytest.mark.parametrize("signum,delay", [(signal.SIGKILL, 0.0), (signal.SIGKILL, 0.05),
                                          (signal.SIGKILL, 0.13), (signal.SIGTERM, 0.07)])
def test_kill_during_save_keeps_the_old_file_and_the_next_save_cleans_up(signum, delay,
                                                                         tmp_path):
    target = tmp_path / "model.npz"
    process = start(SAVER.replace("sys.argv[1]", repr(str(target))))
    wait_for(process, "saved", times=2)
    time.sleep(delay)
    process.send_signal(signum)
    process.communicate(timeout=30)
    state = load_npz(target)  # a complete file: an old or the newest generation
    assert int(state["generation"]) >= 2 and state["w0"].shape == (1000, 1000)
    if signum == signal.SIGTERM:
        assert temporaries(tmp_path) == []  # removed on the way out
    save_npz({"w": np.ones(1)}, target)
    assert temporaries(tmp_path) == []


def test_save_errors_name_the_target_not_the_temporary(tmp_path):
    (tmp_path / "m.npz").mkdir()  # a folder where the file should go
    with pytest.raises(IsADirectoryError) as caught:
        nn.Linear(2, 2).save(tmp_path / "m.npz")
    assert caught.value.filename == str(tmp_path / "m.npz") and temporaries(tmp_path) == []
    with pytest.raises(FileNotFoundError) as caught:
        nn.Linear(2, 2).save(tmp_path / "missing" / "m.npz")
    assert caught.value.filename == str(tmp_path / "missing" / "m.npz")

"""Hostile-input campaigns on files, saves and interrupts, for tests/support/hostile_counts.py.

Each campaign returns a Counter of outcomes (see hostile_counts for their meaning).
"""

from __future__ import annotations

import gzip
import json
import random
import signal
import struct
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import hostile_support as support
import numpy as np

import tinygrad_edu.nn as nn
from tinygrad_edu.data.idx import IDXError, read_idx, write_idx
from tinygrad_edu.nn.serialization import load_npz, save_npz

NOTES: list[str] = []  # what each bad outcome was, printed at the end
BAD = ["traceback", "wrong result", "hang", "data lost", "partial file left", "evaluated"]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def watched(call, seconds: int = 20):
    """``call()`` with a hang detector."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        return call()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def one_line(error: BaseException) -> bool:
    text = str(error)
    return bool(text) and "\n" not in text and "Traceback" not in text


# ---- untrusted files ----


def campaign_idx(cases: int, folder: Path) -> Counter:
    counts, rng = Counter(), np.random.default_rng(1)
    original = rng.integers(0, 255, size=(20, 7, 5)).astype(np.uint8)
    for case in range(cases):
        path = folder / (f"case{case}" + (".gz" if case % 2 else ""))
        write_idx(path, original)
        raw = bytearray(path.read_bytes() if case % 2 == 0 else gzip.decompress(path.read_bytes()))
        kind = case % 5
        if kind == 0:  # flip a few bytes of the header
            for _ in range(rng.integers(1, 3)):
                raw[rng.integers(0, 16)] = rng.integers(0, 256)
        elif kind == 1:  # cut it short
            raw = raw[: rng.integers(0, len(raw))]
        elif kind == 2:  # an enormous declared shape
            raw[3] = 4
            raw[4:20] = struct.pack(">4I", *rng.integers(1, 2**32, size=4, dtype=np.uint64))
        elif kind == 3:  # extra bytes
            raw += bytes(rng.integers(1, 100))
        data = bytes(raw)
        path.write_bytes(gzip.compress(data) if case % 2 else data)
        try:
            array = watched(lambda: read_idx(path))  # noqa: B023
        except Hang:
            counts["hang"] += 1
        except IDXError as error:
            counts["clear error" if one_line(error) else "traceback"] += 1
        except Exception as error:
            NOTES.append(f"{type(error).__name__}: {error}")
            counts["traceback"] += 1
        else:
            unchanged = kind == 4
            counts["accepted" if not unchanged or np.array_equal(array, original)
                   else "wrong result"] += 1
    bomb = folder / "bomb.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as file:
        file.write(b"\x12\x34\x56\x78")
        for _ in range(64):
            file.write(bytes(1 << 20))
    try:
        read_idx(bomb)
        counts["wrong result"] += 1
    except IDXError:
        counts["clear error"] += 1
    return counts


def campaign_npz(cases: int, folder: Path) -> Counter:
    counts, rng = Counter(), np.random.default_rng(2)
    source = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    good = folder / "good.npz"
    source.save(good)
    content = good.read_bytes()
    for case in range(cases):
        data = bytearray(content)
        kind = case % 3
        if kind == 0:
            for _ in range(rng.integers(1, 20)):
                data[rng.integers(0, len(data))] = rng.integers(0, 256)
        elif kind == 1:
            data = data[: rng.integers(0, len(data))]
        path = folder / f"m{case}.npz"
        path.write_bytes(bytes(data))
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        before = model.state_dict()
        try:
            watched(lambda: model.load(path))  # noqa: B023
        except Hang:
            counts["hang"] += 1
        except ValueError as error:
            unchanged = all(np.array_equal(a, before[k]) for k, a in model.state_dict().items())
            counts[("clear error" if one_line(error) else "traceback") if unchanged
                   else "data lost"] += 1
        except Exception as error:
            NOTES.append(f"{type(error).__name__}: {error}")
            counts["traceback"] += 1
        else:
            loaded = model.state_dict()  # accepted: it must be exactly what was saved
            counts["accepted" if all(np.array_equal(a, source.state_dict()[k])
                                     for k, a in loaded.items()) else "wrong result"] += 1
    return counts


CAPPED = """
import resource, sys
def vm():
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
import numpy as np
import tinygrad_edu.nn as nn
from tinygrad_edu.cli import main
cap = vm() + (96 << 20)
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
kind, path = sys.argv[1], sys.argv[2]
from tinygrad_edu.data.idx import read_idx
from tinygrad_edu.nn.serialization import load_npz
try:
    {"idx": read_idx, "npz": load_npz, "model": nn.Linear(2, 2).load}[kind](path)
    print("LOADED")
except ValueError as error:
    print("CLEAR", str(error).count(chr(10)))
"""


def campaign_bombs(folder: Path) -> Counter:
    """Memory bombs, each in a child process under a memory cap."""
    counts = Counter()
    sparse = folder / "sparse-idx"
    header = struct.pack(">HBBI", 0, 8, 1, 400_000_000)
    with open(sparse, "wb") as file:
        file.write(header)
        file.truncate(len(header) + 400_000_000)
    big = folder / "big.npz"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("__tinygrad_edu__.npy", "w") as member:
            np.lib.format.write_array(member, np.array(1))
        with archive.open("weight.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(
                member, {"descr": "<f8", "fortran_order": False, "shape": (5000, 5000)})
            for _ in range(200):
                member.write(bytes(1_000_000))
    for kind, path in (("idx", sparse), ("npz", big), ("model", big)):
        child = support.run([sys.executable, "-c", CAPPED, kind, str(path)], timeout=120)
        if child.stdout.strip() == "CLEAR 0":
            counts["clear error"] += 1
        else:
            counts["traceback"] += 1
    return counts


# ---- saving, killed ----


def campaign_save(cases: int, folder: Path) -> Counter:
    import test_hostile_files as files

    counts, rng = Counter(), random.Random(3)
    for case in range(cases):
        target = folder / f"save{case}" / "model.npz"
        target.parent.mkdir()
        process = support.start(files.SAVER.replace("sys.argv[1]", repr(str(target))))
        support.wait_for(process, "saved", times=2)
        time.sleep(rng.random() * 0.3)
        process.send_signal(signal.SIGKILL if case % 4 else signal.SIGTERM)
        process.communicate(timeout=30)
        try:
            state = load_npz(target)
            intact = state["w0"].shape == (1000, 1000)
        except ValueError:
            intact = False
        save_npz({"w": np.ones(1)}, target)  # the next save of the same target
        left = files.temporaries(target.parent)
        counts["data lost" if not intact else "partial file left" if left else "intact"] += 1
    return counts


# ---- interrupted work ----


def campaign_interrupts(folder: Path) -> Counter:
    import test_hostile_interrupts as interrupts

    counts = Counter()
    for signum in (signal.SIGINT, signal.SIGTERM):
        process = support.start(interrupts.FIT_SCRIPT.replace(
            'sys.argv[1] if len(sys.argv) > 1 else "fit_log.csv"', repr(str(folder / "l.csv"))))
        support.wait_for(process, "epoch 2")
        try:
            code, out, err = support.interrupt(process, signum, timeout=30)
            report = support.last_json(out)
            kept = report["interrupted"] and report["restored"] and report["epochs"] >= 3
            counts["kept" if kept and "Traceback" not in err else "data lost"] += 1
        except AssertionError:
            counts["hang"] += 1
    process = support.start(interrupts.SEARCH_SCRIPT)
    support.wait_for(process, "sleeping", times=2)
    time.sleep(2)  # time for the main process to collect the two results it was sent
    try:
        code, out, err = support.interrupt(process, signal.SIGINT, timeout=30)
        result = support.last_json(out)
        counts["kept" if result["trials"] == [0, 1] and result["failed"] == [1]
               else "data lost"] += 1
    except AssertionError:
        counts["hang"] += 1
    for signum in (signal.SIGINT, signal.SIGTERM):
        out_folder = folder / f"lab{signum}"
        process = support.start(interrupts.LAB_SCRIPT.replace("OUT", repr(str(out_folder))))
        support.wait_for(process, "running")
        try:
            code, out, err = support.interrupt(process, signum, timeout=30)
            results = json.loads((out_folder / "results.json").read_text())
            report = (out_folder / "REPORT.md").read_text()
            kept = (code == 130 and len(results["experiments"]) == 1
                    and results["not_run"] == ["second", "third"] and "not run" in report)
            counts["kept" if kept and "Traceback" not in err else "data lost"] += 1
        except (AssertionError, OSError, ValueError):
            counts["partial file left"] += 1
    return counts

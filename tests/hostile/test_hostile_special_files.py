"""Saving onto special files: every writer of the package (a model, a state, an IDX file,
a drawing, a page, a figure, a log) refuses a FIFO or a device in one line and leaves it
as it was -- never replaced, never waited on -- and follows a symbolic link, replacing
the file it points to (atomically) while the link stays a link."""

import os
import signal
import stat

import numpy as np
import pytest

import tinygrad_edu.nn as nn
import viz
from tinygrad_edu import Value, files
from tinygrad_edu.data.idx import read_idx, write_idx
from tinygrad_edu.loggers import CSVLogger, JSONLogger
from tinygrad_edu.nn.serialization import load_npz, save_npz


def _graph():
    w, x = Value(-2.0, label="w"), Value(5.0, label="x")
    f = w * x
    f.backward()
    return f


def _figure(path):
    from matplotlib.figure import Figure

    import viz.plots as plots

    figure = Figure()
    figure.add_subplot().plot([0, 1], [1, 0])
    plots.save(figure, path)


def _log(kind):
    def write(path):
        logger = kind(path)
        logger.add_scalar("loss", 0.5, 1)
        logger.close()
    return write


# name -> (write to a path, read what was written back or None, a file name)
WRITERS = {
    "Module.save": (lambda path: nn.Linear(2, 2).save(path),
                    lambda path: sorted(load_npz(path)), "m.npz"),
    "save_npz": (lambda path: save_npz({"w": np.ones(3)}, path),
                 lambda path: load_npz(path)["w"].tolist(), "s.npz"),
    "write_idx": (lambda path: write_idx(path, np.arange(6, dtype=np.uint8).reshape(2, 3)),
                  lambda path: read_idx(path).tolist(), "x.idx"),
    "viz.render": (lambda path: viz.render(_graph(), path), None, "g.dot"),
    "viz.html": (lambda path: viz.html(_graph(), path), None, "g.html"),
    "Explorer.save": (lambda path: viz.show(_graph()).save(path), None, "e.html"),
    "plots.save": (_figure, None, "f.png"),
    "CSVLogger": (_log(CSVLogger), None, "log.csv"),
    "JSONLogger": (_log(JSONLogger), None, "log.jsonl"),
}
APPENDING = {"CSVLogger", "JSONLogger"}


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def attempt(write, path, seconds: int = 10):
    """``write(path)`` with a hang detector: the exception it raised, or None."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        write(path)
    except Hang:
        raise AssertionError(f"writing {path} hung") from None
    except Exception as error:  # noqa: BLE001 -- returned to be judged by the caller
        return error
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return None


def device(path, minor: int):
    """A character device like /dev/null (minor 3) or /dev/full (7), made in a test
    folder, so that a regression destroys a copy, never the machine's own."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    return path


def assert_refused_and_untouched(error, path, kind_test):
    assert error is not None, f"{path} was written to"
    text = str(error)
    assert "\n" not in text and "not a regular file" in text and "nothing was written" in text
    assert isinstance(error, files.SpecialFileError)
    assert kind_test(os.lstat(path).st_mode)  # still a FIFO / a device
    assert not [name for name in os.listdir(path.parent) if ".tmp-" in name]


@pytest.mark.parametrize("name", WRITERS)
def test_a_fifo_is_refused_in_one_line_and_not_waited_on(name, tmp_path):
    path = tmp_path / WRITERS[name][2]
    os.mkfifo(path)
    error = attempt(WRITERS[name][0], path)
    assert_refused_and_untouched(error, path, stat.S_ISFIFO)


@pytest.mark.parametrize("name", WRITERS)
@pytest.mark.parametrize("minor", [3, 7], ids=["null", "full"])
def test_a_device_is_refused_and_never_replaced(name, minor, tmp_path):
    path = device(tmp_path / WRITERS[name][2], minor)
    error = attempt(WRITERS[name][0], path)
    assert_refused_and_untouched(error, path, stat.S_ISCHR)
    assert os.stat(path).st_rdev == os.makedev(1, minor)


def test_the_real_dev_null_is_refused_before_anything_is_written():
    # only the check runs here (it writes nothing): the writers above use a copy
    with pytest.raises(files.SpecialFileError, match="/dev/null is a character device"):
        files.destination("/dev/null", "save")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("name", WRITERS)
def test_a_symbolic_link_is_followed_and_its_target_replaced(name, tmp_path):
    write, read, filename = WRITERS[name]
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / filename
    target.write_bytes(b"old content")
    link = tmp_path / f"link-{filename}"
    link.symlink_to(os.path.join("real", filename))  # a relative link
    assert attempt(write, link) is None
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", filename)
    content = target.read_bytes()
    if name in APPENDING:
        assert content.startswith(b"old content") and len(content) > len(b"old content")
    else:
        assert content != b"old content" and len(content) > 0
        if read is not None:
            assert read(link) == read(target)
    assert not [entry for entry in os.listdir(tmp_path / "real") if ".tmp-" in entry]
    assert not [entry for entry in os.listdir(tmp_path) if ".tmp-" in entry]


def test_a_link_to_a_file_not_there_yet_creates_it_and_a_link_to_a_fifo_is_refused(tmp_path):
    link = tmp_path / "dangling.npz"
    link.symlink_to(tmp_path / "later.npz")
    save_npz({"w": np.ones(2)}, link)
    assert link.is_symlink() and load_npz(tmp_path / "later.npz")["w"].tolist() == [1.0, 1.0]
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "to_pipe.npz").symlink_to(tmp_path / "pipe")
    with pytest.raises(files.SpecialFileError, match=r"to_pipe.npz \(-> .*pipe\) is a FIFO"):
        save_npz({"w": np.ones(2)}, tmp_path / "to_pipe.npz")


def test_a_loop_of_links_and_a_folder_are_one_line_errors(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    for target in (tmp_path / "a", tmp_path):
        with pytest.raises(OSError) as raised:
            nn.Linear(2, 2).save(target)
        assert "\n" not in str(raised.value) and "save" in str(raised.value)


def test_permissions_of_a_file_behind_a_link_are_kept(tmp_path):
    target = tmp_path / "m.npz"
    nn.Linear(2, 2).save(target)
    os.chmod(target, 0o600)
    (tmp_path / "link.npz").symlink_to(target)
    nn.Linear(2, 2).save(tmp_path / "link.npz")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600

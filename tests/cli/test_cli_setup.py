"""`tinygrad-edu --version` and `tinygrad-edu lab --dataset mnist --download`.

The download is tested against a file server this test starts on 127.0.0.1 (a free port
the OS picks), serving tiny IDX files; it is shut down when the test ends. Nothing here
reaches outside the machine.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import socket
import threading

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import cli
from tinygrad_edu.data import idx as idx_module
from tinygrad_edu.data import write_idx

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"tinygrad-edu {tinygrad_edu.__version__}"


def _tiny_mnist(folder):
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    shapes = {NAMES[0]: (6, 28, 28), NAMES[1]: (6,), NAMES[2]: (3, 28, 28), NAMES[3]: (3,)}
    for name, shape in shapes.items():
        write_idx(folder / f"{name}.gz", rng.integers(0, 10, shape, dtype=np.uint8))
    return {f"{name}.gz": hashlib.sha256((folder / f"{name}.gz").read_bytes()).hexdigest()
            for name in NAMES}


@pytest.fixture
def file_server(tmp_path):
    """Serve tmp_path/mirror over HTTP on 127.0.0.1; yields (folder, url)."""
    folder = tmp_path / "mirror"
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass


@pytest.fixture
def no_experiments(monkeypatch):
    """Replace the lab's runner so that only the download step is exercised."""
    import tinygrad_edu.lab as lab

    seen = []
    monkeypatch.setattr(lab, "run_lab", lambda names, config: seen.append(config) or [])
    return seen


def test_download_fetches_checks_and_runs_the_lab_on_it(tmp_path, file_server, monkeypatch,
                                                        capsys, no_experiments):
    folder, url = file_server
    for name, digest in _tiny_mnist(folder).items():
        monkeypatch.setitem(idx_module.MNIST_FILES, name, digest)
    root = tmp_path / "data"
    status = cli.main(["lab", "--dataset", "mnist", "--download", "--data-root", str(root),
                       "--mirror", url, "--quick"])
    assert status == 0
    assert sorted(p.name for p in root.iterdir()) == sorted(f"{n}.gz" for n in NAMES)
    (config,) = no_experiments
    assert config.dataset == "mnist" and config.data_root == str(root)
    assert "downloaded 4 MNIST file(s)" in capsys.readouterr().out
    # a second time there is nothing to fetch: the server may as well be gone
    assert cli.main(["lab", "--dataset", "mnist", "--download", "--data-root", str(root),
                     "--mirror", "http://127.0.0.1:9/"]) == 0
    assert "already in" in capsys.readouterr().out


def test_download_refuses_files_that_are_not_the_published_mnist(tmp_path, file_server, capsys,
                                                                 no_experiments):
    folder, url = file_server
    _tiny_mnist(folder)  # the real SHA-256 values stay in force: these cannot match
    status = cli.main(["lab", "--dataset", "mnist", "--download", "--data-root",
                       str(tmp_path / "data"), "--mirror", url])
    error = capsys.readouterr().err
    assert status == 2 and not no_experiments
    assert len(error.strip().splitlines()) == 1 and "SHA-256" in error
    assert not list((tmp_path / "data").glob("*.gz"))


def test_download_offline_is_one_clear_line(tmp_path, capsys, no_experiments):
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status = cli.main(["lab", "--dataset", "mnist", "--download", "--data-root",
                       str(tmp_path / "data"), "--mirror", f"http://127.0.0.1:{port}/"])
    error = capsys.readouterr().err
    assert status == 2 and not no_experiments
    assert error.count("\n") == 1 and "offline?" in error and "Traceback" not in error


def test_download_needs_the_mnist_dataset(capsys, no_experiments):
    assert cli.main(["lab", "--download"]) == 2
    assert "--dataset mnist" in capsys.readouterr().err

"""Writing files safely: every file the package writes (a saved model, an IDX file, a
drawing, a page, a log) goes through here.

* Whole or not at all: `write_atomically` writes a temporary file in the destination's
  folder, flushes it to disk and renames it over the destination (``os.replace`` is
  atomic), so a crash, a full disk or Ctrl-C never leaves half a file behind. The
  temporary file is removed on every way out (errors, Ctrl-C, SIGTERM); one left by a
  process killed outright (kill -9) is removed by the next write of the same name. A new
  file gets the permissions the umask gives; a file written over keeps its own.
* A symbolic link is followed: the file it points to is replaced (atomically), and the
  link stays, pointing at the new content.
* Only regular files are replaced. A FIFO, a device (``/dev/null``, ``/dev/full``) or a
  socket at the destination is refused in one line (`SpecialFileError`), a folder with
  ``IsADirectoryError``, before anything is written: renaming over it would destroy it
  (as root, ``/dev/null`` itself), and opening a FIFO would wait for a reader forever.
  `check_appendable` says the same for a log that is appended to.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from typing import BinaryIO

from .interrupts import catch_sigterm

__all__ = ["write_atomically", "write_bytes", "write_text", "destination", "check_appendable",
           "remove_stale_temporaries", "SpecialFileError"]


class SpecialFileError(ValueError):
    """The destination exists but is not a regular file (a FIFO, a device, a folder)."""


_KINDS = [(stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def destination(path, who: str = "write") -> str:
    """The file that writing ``path`` would replace: symbolic links followed, checked to
    be a regular file or not there yet. Raises `SpecialFileError` for anything else."""
    path = os.fspath(path)
    if not isinstance(path, str):
        path = os.fsdecode(path)
    if not path or "\x00" in path:
        raise ValueError(f"{who}: {path!r} is not a file name")
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target  # a new file (or a link to a file not there yet: it is created)
    except OSError as error:  # a loop of links, a folder without permission, ...
        raise OSError(error.errno, f"{who}: cannot write {path}: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        shown = path if target == os.path.abspath(path) else f"{path} (-> {target})"
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, f"{who}: {shown} is a folder, not a file: "
                                    "give the name of a file in it", path)
        raise SpecialFileError(
            f"{who}: {shown} is {_kind(mode)}, not a regular file: nothing was written "
            "(it is never replaced); give the name of a file")
    return target


def check_appendable(path, who: str = "log") -> str:
    """The file a log appends to: a regular file or a new one (see `destination`)."""
    return destination(path, who)


def write_atomically(path, write: Callable[[BinaryIO], None], who: str = "write") -> str:
    """Call ``write(file)`` on a temporary file beside the destination, then rename it
    over ``path`` (see the module); returns the path of the file written."""
    target = destination(path, who)
    folder, name = os.path.split(target)
    remove_stale_temporaries(folder, name)
    undo_sigterm = catch_sigterm()  # SIGTERM mid-write: clean up below, then stop
    temporary = os.path.join(folder, f"{_temporary_prefix(name)}{os.getpid()}-"
                                     f"{secrets.token_hex(4)}")
    try:
        # 0o666 through the umask, as for any new file (mkstemp would force 0o600)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if os.path.exists(target):  # replacing a file keeps its permissions
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException as error:
        if os.path.exists(temporary):
            os.remove(temporary)
        if isinstance(error, OSError) and error.errno is not None:
            # name the file the user asked for, not our temporary one
            raise type(error)(error.errno, f"{who}: {error.strerror}",
                              os.fspath(path)) from None
        raise
    finally:
        undo_sigterm()
    return target


def write_bytes(path, data: bytes, who: str = "write") -> str:
    """`write_atomically` of ``data``."""
    return write_atomically(path, lambda file: file.write(data), who)


def write_text(path, text: str, who: str = "write") -> str:
    """`write_atomically` of ``text`` in UTF-8."""
    return write_bytes(path, text.encode("utf-8"), who)


def _temporary_prefix(name: str) -> str:
    return f".{name}.tmp-"


def remove_stale_temporaries(folder: str, name: str) -> list[str]:
    """Delete the temporary files that an earlier write of ``folder/name`` left behind
    when its process was killed (kill -9 allows no clean-up). A temporary file carries
    its writer's process id; one whose process still runs may be a write in progress
    and is left alone. Returns the names removed."""
    prefix, removed = _temporary_prefix(name), []
    try:
        candidates = [entry for entry in os.listdir(folder) if entry.startswith(prefix)]
    except OSError:
        return removed
    for entry in candidates:
        pid = entry[len(prefix):].partition("-")[0]
        if pid.isdigit() and not _process_exists(int(pid)):
            try:
                os.remove(os.path.join(folder, entry))
                removed.append(entry)
            except OSError:
                pass
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    except OSError as error:
        return error.errno != errno.ESRCH
    return True

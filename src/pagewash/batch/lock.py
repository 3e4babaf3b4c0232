"""The output folder of a batch: checked, locked for one job at a time, its state kept in a
real folder.

Two batches on one ``--out-dir`` would remove each other's resume state and interleave their
outputs, so a job holds an exclusive lock (``flock``) on ``.pagewash/lock`` for its whole run
and a second job is refused with ``OutputBusyError`` before it changes anything. The lock
goes with the process: a killed job leaves no stale lock behind.

Nothing below the output folder is followed when it is a symbolic link: a linked
``.pagewash`` is refused (it could hold anyone's files), links inside it are removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from pathlib import Path
from types import TracebackType

from pagewash.batch.settings import STATE_DIR
from pagewash.errors import OutputBusyError, OutputError, UsageError
from pagewash.output import printable_path

LOCK_FILE = "lock"
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def prepare_out_dir(out_dir: Path) -> Path:
    """Create the output folder and its state folder; the state folder's path.

    A file where the folder should be is a ``UsageError``; a folder that cannot be created
    or written is an ``OutputError``; a ``.pagewash`` that is a link or a file is refused.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(
            f"--out-dir {printable_path(out_dir)} is not a folder; name a folder (it is created when missing)"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot write in {printable_path(out_dir)} ({exc.strerror}); choose another --out-dir"
        ) from exc
    state = out_dir / STATE_DIR
    require_real_folder(state, create=True)
    return state


def require_real_folder(path: Path, *, create: bool) -> None:
    """``path`` is a real folder (created when missing); a link or a file is a ``UsageError``."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return
        try:
            os.mkdir(path)
        except OSError as exc:
            raise OutputError(
                f"cannot write in {printable_path(path.parent)} ({exc.strerror}); choose another --out-dir"
            ) from exc
        return
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(
            f"{printable_path(path)} is a symbolic link; pagewash keeps its "
            "state in a real folder and never follows links in its output "
            "folder: remove the link"
        )
    if not stat.S_ISDIR(info.st_mode):
        raise UsageError(
            f"{printable_path(path)} is not a folder; pagewash keeps its state there: move it away"
        )


def reset_entry(path: Path) -> None:
    """Remove ``path`` whatever it is, never following a link (a link is removed itself)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        shutil.rmtree(path)  # a real folder: rmtree does not follow links inside it
    else:
        os.unlink(path)


def real_subfolder(path: Path) -> Path:
    """``path`` as a real folder: a link or a file there is removed first (the state
    folder is the job's own), a missing folder created."""
    with contextlib.suppress(OSError):
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            os.unlink(path)
    path.mkdir(exist_ok=True)
    return path


class OutputLock:
    """Exclusive lock on an output folder for the time of a ``with`` block."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.fd: int | None = None

    def __enter__(self) -> OutputLock:
        import fcntl

        state = prepare_out_dir(self.out_dir)
        path = state / LOCK_FILE
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _NO_FOLLOW, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UsageError(f"{printable_path(path)} is a symbolic link; remove it") from exc
            raise OutputError(
                f"cannot write in {printable_path(state)} ({exc.strerror}); choose another --out-dir"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _holder(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputBusyError(
                    f"another pagewash batch{holder} is writing to {printable_path(self.out_dir)}"
                    "; wait for it to finish or choose another --out-dir"
                ) from exc
            raise OutputError(f"cannot lock {printable_path(path)} ({exc.strerror})") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None


def _holder(fd: int) -> str:
    """ " (pid N)" from the lock file, when the holder wrote it."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {text})" if text.isdigit() else ""

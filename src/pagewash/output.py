"""Writing outputs safely: whole files or nothing, never over the input, never through a
symbolic link planted in an output folder, and never text a strict UTF-8 reader refuses."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from pagewash.errors import OutputError, UsageError

_SURROGATES = re.compile("[\ud800-\udfff]")
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
UNWRITABLE_FORMATS = {
    "pdf": "pagewash does not write PDF: pandoc needs a TeX or HTML engine for it, which "
    "pagewash does not ship; write --to docx, epub or html and print that, or "
    "--to latex and run your own TeX engine",
}


def atomic_write(path: Path, content: str | bytes, temp_dir: Path | None = None) -> None:
    """Write to a temporary file beside ``path`` (or in ``temp_dir``, on the same disk) and
    rename it into place.

    A crash or error at any point leaves either the old file or the complete new one, never a
    half-written file; the temporary file is removed on failure. Batches pass their state
    folder as ``temp_dir`` so that a killed job leaves no stray files among the outputs.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder} ({exc.strerror}); check the path") from exc
    temp_name = _write_temp(data, temp_dir or folder, path.name)
    try:
        os.replace(temp_name, path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path} ({exc.strerror})") from exc
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_within(root: Path, rel: PurePosixPath, content: str | bytes, temp_dir: Path) -> None:
    """``atomic_write`` of ``root/rel`` that never follows a symbolic link below ``root``.

    Each folder on the way is created when missing and opened with ``O_NOFOLLOW``, so a link
    planted where a folder is expected is refused (``OutputError``) instead of sending the
    output elsewhere; the file is renamed into the last folder, and a rename replaces a link
    at the file's own name instead of writing through it. ``root`` itself may be a link: the
    user named it.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = _open_folder_within(root, rel.parts[:-1], create=True)
    try:
        temp_name = _write_temp(data, temp_dir, rel.name)
        try:
            os.replace(temp_name, rel.name, dst_dir_fd=folder)
        except OSError as exc:
            Path(temp_name).unlink(missing_ok=True)
            raise OutputError(f"cannot write {root / rel} ({exc.strerror})") from exc
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    finally:
        os.close(folder)


def regular_file_within(root: Path, rel: PurePosixPath) -> bool:
    """True when ``root/rel`` is a regular file reached without following a link below root."""
    try:
        folder = _open_folder_within(root, rel.parts[:-1], create=False)
    except OutputError:
        return False
    try:
        info = os.stat(rel.name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return False
    finally:
        os.close(folder)
    return stat.S_ISREG(info.st_mode)


def _open_folder_within(root: Path, parts: tuple[str, ...], *, create: bool) -> int:
    try:
        folder = os.open(root, os.O_RDONLY | _DIRECTORY)
    except OSError as exc:
        raise OutputError(f"cannot write in {root} ({exc.strerror})") from exc
    where = root
    for part in parts:
        where = where / part
        try:
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, dir_fd=folder)
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NO_FOLLOW, dir_fd=folder)
        except OSError as exc:
            os.close(folder)
            if exc.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(where):
                raise OutputError(
                    f"{where} is a symbolic link; pagewash never writes through "
                    "links in its output folder: remove it"
                ) from exc
            raise OutputError(f"cannot write in {where} ({exc.strerror})") from exc
        os.close(folder)
        folder = inner
    return folder


def _write_temp(data: bytes, folder: Path, name: str) -> str:
    """A complete, synced temporary file in ``folder``; its name."""
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder} ({exc.strerror}); check the path") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write in {folder} ({exc.strerror})") from exc
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return temp_name


def open_no_follow(path: Path, mode: str = "w") -> Any:
    """A text file opened for writing ("w") or reading ("r") that is never a symbolic link's
    target. For writing, a link at ``path`` is removed (the name is the job's own) and a
    fresh file created; for reading, a link is an ``OSError``."""
    if mode == "r":
        return os.fdopen(os.open(path, os.O_RDONLY | _NO_FOLLOW), "r", encoding="utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NO_FOLLOW
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        os.unlink(path)
        fd = os.open(path, flags | os.O_EXCL, 0o644)
    return os.fdopen(fd, "w", encoding="utf-8")


def same_file(a: Path, b: Path) -> bool:
    """True when ``b`` would overwrite ``a`` (same path, or a link to the same file)."""
    try:
        if b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()


def refuse_unwritable_format(to: str) -> None:
    """A ``UsageError`` saying what to do instead, for formats pagewash cannot write."""
    reason = UNWRITABLE_FORMATS.get(to.strip().lower().lstrip("."))
    if reason is not None:
        raise UsageError(reason)


# ---------------------------------------------------------------- text that leaves us


def valid_unicode(text: str) -> str:
    """``text`` with every lone surrogate (a cut emoji in JSON, ``"\\ud83d"``) replaced by
    U+FFFD, so strict UTF-8 writers, JSON readers and Arrow accept it."""
    if text.isascii():
        return text
    return _SURROGATES.sub("\ufffd", text)


def printable_path(name: str | os.PathLike[str]) -> str:
    """A file name as valid text: bytes that are not UTF-8 (kept by Python as surrogate
    escapes) are shown as ``\\xff``, so the name stays recognisable and writable in JSON."""
    text = os.fspath(name)
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return valid_unicode(text)


def json_line(value: Any) -> str:
    """One JSON line (no newline) that encodes as UTF-8 whatever strings ``value`` holds."""
    line = json.dumps(value, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = valid_unicode(line)
    return line

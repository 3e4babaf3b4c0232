"""Writing outputs safely: whole files or nothing, never over the input."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pagewash.errors import OutputError


def atomic_write(path: Path, content: str | bytes, temp_dir: Path | None = None) -> None:
    """Write to a temporary file beside ``path`` (or in ``temp_dir``, on the same disk) and
    rename it into place.

    A crash or error at any point leaves either the old file or the complete new one, never a
    half-written file; the temporary file is removed on failure. Batches pass their state
    folder as ``temp_dir`` so that a killed job leaves no stray files among the outputs.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                         dir=temp_dir or folder)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder} ({exc.strerror}); check the path") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path} ({exc.strerror})") from exc
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def same_file(a: Path, b: Path) -> bool:
    """True when ``b`` would overwrite ``a`` (same path, or a link to the same file)."""
    try:
        if b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()

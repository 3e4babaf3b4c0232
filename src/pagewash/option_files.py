"""Files named by options (``--css``, ``--cover``, ``--reference-doc``): checked before any
work and read with a size bound.

A stylesheet, a cover image or a styles template is kilobytes to a few megabytes. Naming a
device (``/dev/zero``), a pipe or a huge file by mistake must fail at once with one line,
not fill memory; a reference document that is not the package its format needs must fail
here, not as a backtrace from pandoc halfway through the job.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from pagewash.errors import UsageError
from pagewash.output import printable_path

if TYPE_CHECKING:
    from pagewash.options import Options

OPTION_FILE_LIMIT = 64 * 1024 * 1024
# The part every package of the format has: pandoc copies styles from it.
REFERENCE_PARTS = {
    "docx": ("word/document.xml", "DOCX"),
    "pptx": ("ppt/presentation.xml", "PPTX"),
    "odt": ("content.xml", "ODT"),
}


def check_option_file(path: Path | str, option: str) -> Path:
    """``path`` is a regular file of at most ``OPTION_FILE_LIMIT`` bytes; else a ``UsageError``."""
    path = Path(path)
    shown = printable_path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UsageError(f"{option} {shown}: cannot be read ({exc.strerror})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{option} {shown}: not a regular file; name the file itself")
    if info.st_size > OPTION_FILE_LIMIT:
        raise UsageError(
            f"{option} {shown}: {info.st_size / 2**20:.0f} MB, more than the "
            f"{OPTION_FILE_LIMIT // 2**20} MB such a file may be"
        )
    return path


def read_option_file(path: Path | str, option: str) -> bytes:
    """The bytes of a checked option file, never more than the bound (a file that grows
    after the check is cut off, not read on)."""
    checked = check_option_file(path, option)
    try:
        with checked.open("rb") as handle:
            data = handle.read(OPTION_FILE_LIMIT + 1)
    except OSError as exc:
        raise UsageError(f"{option} {printable_path(checked)}: cannot be read ({exc.strerror})") from exc
    if len(data) > OPTION_FILE_LIMIT:
        raise UsageError(
            f"{option} {printable_path(checked)}: grew past the "
            f"{OPTION_FILE_LIMIT // 2**20} MB such a file may be"
        )
    return data


def check_reference_doc(path: Path | str, to: str) -> None:
    """A reference document for ``to`` is a package of that format (a ZIP with its main part)."""
    wanted = REFERENCE_PARTS.get(to)
    if wanted is None:
        return
    part, name = wanted
    checked = check_option_file(path, "--reference-doc")
    try:
        with zipfile.ZipFile(checked) as package:
            has_part = part in package.namelist()
    except (zipfile.BadZipFile, OSError):
        has_part = False
    if not has_part:
        raise UsageError(
            f"--reference-doc {printable_path(checked)}: not a {name} file (no "
            f"{part} inside); give a {name} whose styles the output should copy"
        )


def check_option_files(options: Options) -> None:
    """Every file named by ``options`` fits its option; ``UsageError`` before any work."""
    for path, option in (
        (options.css, "--css"),
        (options.cover, "--cover"),
        (options.reference_doc, "--reference-doc"),
    ):
        if path is not None:
            check_option_file(path, option)
    if options.reference_doc is not None:
        check_reference_doc(options.reference_doc, options.to)

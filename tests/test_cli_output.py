"""Where outputs go, through a real subprocess: every failure to write is one line and an
exit status (1: could not write, 2: the command asks for something impossible), ``-o -`` is
standard output, and files named by options are read with a size bound."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from test_cli import PAGE, SEED, run


def _unwritable(tmp_path: Path) -> Path:
    """A folder nobody may write in (root ignores permission bits, not /proc)."""
    if os.geteuid() == 0:
        return Path("/proc/self")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def _one_line(result: subprocess.CompletedProcess[bytes], status: int, *words: str) -> None:
    err = result.stderr.decode()
    assert result.returncode == status, err
    assert err.startswith("pagewash: error:") and err.count("\n") == 1, err
    assert "Traceback" not in err and all(w in err for w in words), err


def test_an_output_in_an_unwritable_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    folder = _unwritable(tmp_path)
    _one_line(run("convert", tmp_path / "page.html", "-o", folder / "page.md"), 1, "cannot write")
    _one_line(run("convert", tmp_path / "page.html", "--out-dir", folder / "out"), 1, "cannot write")


def test_an_output_onto_a_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    (tmp_path / "taken.md").mkdir()
    _one_line(run("convert", tmp_path / "page.html", "-o", tmp_path / "taken.md"), 2, "is a folder")
    assert list((tmp_path / "taken.md").iterdir()) == []


def test_an_out_dir_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    (tmp_path / "file").write_text("mine")
    _one_line(run("convert", tmp_path / "page.html", "--out-dir", tmp_path / "file"), 2, "not a folder")
    assert (tmp_path / "file").read_text() == "mine"
    (tmp_path / "out" / "errors.jsonl").mkdir(parents=True)  # where the error log goes
    _one_line(run("convert", tmp_path / "page.html", "--out-dir", tmp_path / "out"), 2, "is a folder")


def test_dash_output_is_standard_output_for_text_and_binary_formats(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    text = run("convert", tmp_path / "page.html", "-o", "-", cwd=tmp_path)
    assert text.returncode == 0 and text.stdout.decode().startswith("---\n"), text.stderr
    docx = run("convert", tmp_path / "page.html", "-o", "-", "--to", "docx", cwd=tmp_path)
    assert docx.returncode == 0 and docx.stdout.startswith(b"PK\x03\x04"), docx.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


@pytest.mark.parametrize(
    ("option", "to"), [("--css", "epub"), ("--cover", "epub"), ("--reference-doc", "docx")]
)
def test_files_named_by_options_are_read_with_a_bound(tmp_path: Path, option: str, to: str) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pagewash",
            "convert",
            str(tmp_path / "page.html"),
            "-o",
            str(tmp_path / f"x.{to}"),
            option,
            "/dev/zero",
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    _one_line(result, 2, "/dev/zero", "regular file")
    assert not (tmp_path / f"x.{to}").exists()


def test_a_reference_doc_that_is_not_a_docx_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    (tmp_path / "styles.docx").write_text("not a Word document")
    _one_line(
        run(
            "convert",
            tmp_path / "page.html",
            "-o",
            tmp_path / "x.docx",
            "--reference-doc",
            tmp_path / "styles.docx",
        ),
        2,
        "not a DOCX",
    )
    with zipfile.ZipFile(tmp_path / "other.docx", "w") as archive:
        archive.writestr("hello.txt", "a zip, but no Word document")
    _one_line(
        run(
            "convert",
            tmp_path / "page.html",
            "-o",
            tmp_path / "x.docx",
            "--reference-doc",
            tmp_path / "other.docx",
        ),
        2,
        "not a DOCX",
    )
    assert not (tmp_path / "x.docx").exists()


def test_pdf_is_refused_with_what_to_do_instead(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    _one_line(run("convert", tmp_path / "page.html", "-o", tmp_path / "x.pdf"), 2, "PDF")
    _one_line(run("convert", tmp_path / "page.html", "--to", "pdf", "--out-dir", tmp_path / "out"), 2, "PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_the_seed_still_converts_to_a_file(tmp_path: Path) -> None:
    result = run("convert", SEED, "-o", tmp_path / "seed.md")
    assert result.returncode == 0 and (tmp_path / "seed.md").read_text().startswith("---\n")

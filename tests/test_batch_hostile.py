"""Batch inputs chosen to break the job: odd names, odd records, slow starts, a second run
on the same folder, links planted in the input or output folder, a coordinator killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pagewash.batch import ERRORS_FILE, RECORDS_FILE, STATE_DIR, BatchSettings, run_batch
from pagewash.batch.lock import OutputLock
from pagewash.errors import OutputBusyError, PagewashError, UsageError
from pagewash.ingest.records import Stages
from pagewash.pipeline import Options
from test_batch_standin import (
    jsonl_line,
    misbehaving,
    page,
    standin_clean,
    standin_render,
    unstartable,
)

STANDIN = Stages(standin_clean, standin_render)


def _settings(out: Path, **kwargs: object) -> BatchSettings:
    return BatchSettings(
        **{
            "out_dir": out,
            "workers": 2,
            "quiet": True,  # type: ignore[arg-type]
            **kwargs,
        }
    )


def _lines(path: Path) -> list[dict[str, object]]:
    """JSON lines, read as strict UTF-8: a lone surrogate written out would fail here."""
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


# ---------------------------------------------------------------- 1-3: names and records


def test_file_names_that_are_not_utf8_are_converted_and_reported(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    good, bad = os.fsdecode(b"caf\xe9.html"), os.fsdecode(b"bad\xff.html")
    (root / good).write_text(page(1))
    (root / bad).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(600))
    (root / "plain.html").write_text(page(2))
    out = tmp_path / "out"
    summary = run_batch([root], Options(), _settings(out), stages=STANDIN)
    assert (summary.converted, summary.failed) == (2, 1)
    assert sorted(os.listdir(os.fsencode(out))) == [b".pagewash", b"caf\xe9.md", b"errors.jsonl", b"plain.md"]
    assert (out / os.fsdecode(b"caf\xe9.md")).read_text().startswith("# Page 1")
    [error] = _lines(out / ERRORS_FILE)
    assert error["input"] == "bad\\xff.html" and error["type"] == "NotHTMLError"
    records = tmp_path / "records"
    run_batch([root], Options(to="jsonl"), _settings(records), stages=STANDIN)
    ids = [r["id"] for r in _lines(records / RECORDS_FILE)]
    assert ids == ["bad\\xff.html", "caf\\xe9.html", "plain.html"]


def test_lone_surrogates_in_jsonl_ids_and_urls_never_stop_the_batch(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    lines = [
        b'{"id": "\\ud83d", "url": "http://x/\\ud83d", "html": "\\u0000\\u0001"}\n',
        b'{"id": "good-\\udc00", "url": "http://x/\\ud83d/2", "html": '
        + json.dumps(page(3)).encode()
        + b"}\n",
        jsonl_line(id="last", html=page(4)),
    ]
    (root / "r.jsonl").write_bytes(b"".join(lines))
    for to in ("md", "jsonl"):
        out = tmp_path / to
        summary = run_batch([root], Options(to=to), _settings(out), stages=STANDIN)
        assert (summary.converted, summary.failed) == (2, 1)
        [error] = _lines(out / ERRORS_FILE)
        assert error["id"] == "\ufffd" and error["url"] == "http://x/\ufffd"
    records = _lines(tmp_path / "jsonl" / RECORDS_FILE)
    assert [(r["id"], r["status"]) for r in records] == [
        ("\ufffd", "error"),
        ("good-\ufffd", "ok"),
        ("last", "ok"),
    ]
    assert records[1]["url"] == "http://x/\ufffd/2" and records[1]["title"] == "Page 3"


def test_a_jsonl_line_nested_100000_deep_is_one_error_row(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    deep = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    deep_field = b'{"html": "<p>x</p>", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    (root / "r.jsonl").write_bytes(
        jsonl_line(id="a", html=page(1)) + deep + deep_field + jsonl_line(id="b", html=page(2))
    )
    out = tmp_path / "out"
    summary = run_batch([root], Options(), _settings(out), stages=STANDIN)
    assert (summary.converted, summary.failed) == (2, 2)
    errors = _lines(out / ERRORS_FILE)
    assert [(e["record"], e["type"]) for e in errors] == [(1, "TooDeep"), (2, "TooDeep")]
    assert sorted(p.name for p in (out / "r").iterdir()) == ["000000.md", "000003.md"]


# ---------------------------------------------------------------- 4-5: the pool's guards


def test_slow_pages_at_the_start_fail_alone_and_the_job_goes_on(tmp_path: Path) -> None:
    """Six slow pages first, two workers: every worker's first documents time out, which is
    no reason to think workers cannot start."""
    root = tmp_path / "in"
    root.mkdir()
    for i in range(6):
        (root / f"a{i}.html").write_text("<p>SLOW</p>")
    for i in range(8):
        (root / f"b{i}.html").write_text(page(i))
    out = tmp_path / "out"
    summary = run_batch([root], Options(), _settings(out, timeout=0.5), stages=misbehaving(slow=30))
    assert (summary.converted, summary.failed) == (8, 6)
    assert {e["type"] for e in _lines(out / ERRORS_FILE)} == {"Timeout"}


def test_workers_that_cannot_start_stop_the_job_with_one_reason(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(4):
        (root / f"p{i}.html").write_text(page(i))
    started = time.monotonic()
    with pytest.raises(PagewashError, match="cannot start"):
        run_batch([root], Options(), _settings(tmp_path / "out"), stages=unstartable())
    assert time.monotonic() - started < 30


def test_after_a_memory_error_the_next_page_goes_to_a_fresh_worker(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a_hog.html").write_text("<p>HOG</p>")
    for i in range(5):
        (root / f"p{i}.html").write_text(page(i))
    out = tmp_path / "out"
    summary = run_batch([root], Options(), _settings(out, workers=1, max_memory_mb=768), stages=STANDIN)
    assert (summary.converted, summary.failed) == (5, 1)
    assert [e["type"] for e in _lines(out / ERRORS_FILE)] == ["MemoryError"]


# ---------------------------------------------------------------- 6: one job per folder


def test_a_second_batch_on_a_busy_folder_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.html").write_text(page(1))
    out = tmp_path / "out"
    run_batch([root], Options(), _settings(out), stages=STANDIN)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with OutputLock(out), pytest.raises(OutputBusyError, match="another pagewash batch"):
        run_batch([root], Options(), _settings(out), stages=STANDIN)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    with OutputLock(out):
        cli = subprocess.run(
            [sys.executable, "-m", "pagewash", "convert", str(root), "--out-dir", str(out), "-q"],
            capture_output=True,
            check=False,
            timeout=60,
        )
    assert cli.returncode == 2
    assert cli.stderr.decode().count("\n") == 1 and "another pagewash batch" in cli.stderr.decode()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    again = run_batch([root], Options(), _settings(out), stages=STANDIN)  # released: runs
    assert again.converted == 1


# ---------------------------------------------------------------- 11: links in the output


def _outside(tmp_path: Path) -> tuple[Path, Path, dict[Path, bytes]]:
    """A folder outside the job, with a file and a folder links may point at."""
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "state" / "tmp").mkdir(parents=True)
    (outside / "state" / "parts").mkdir(parents=True)
    (outside / "victim.txt").write_text("precious")
    (outside / "state" / "tmp" / "keep.txt").write_text("keep")
    (outside / "state" / "parts" / "keep.txt").write_text("keep")
    files = {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()}
    return outside, outside / "victim.txt", files


def _unchanged(outside: Path, files: dict[Path, bytes]) -> bool:
    return {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()} == files


def test_links_planted_in_the_output_folder_are_never_followed(tmp_path: Path) -> None:
    outside, victim, files = _outside(tmp_path)
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.html").write_text(page(1))
    (root / "b.html").write_text("<p>no</p>\x00\x01\x02" * 400)  # an error: errors.jsonl
    (root / "sub" / "c.html").write_text(page(3))
    out = tmp_path / "out"
    out.mkdir()
    (out / ERRORS_FILE).symlink_to(victim)
    (out / "a.md").symlink_to(victim)
    (out / "sub").symlink_to(outside / "dir", target_is_directory=True)
    summary = run_batch([root], Options(), _settings(out), stages=STANDIN)
    assert _unchanged(outside, files) and list((outside / "dir").iterdir()) == []
    assert (summary.converted, summary.failed) == (1, 2)
    assert not (out / ERRORS_FILE).is_symlink() and not (out / "a.md").is_symlink()
    assert (out / "a.md").read_text().startswith("# Page 1")
    errors = {e["input"]: e for e in _lines(out / ERRORS_FILE)}
    assert errors["sub/c.html"]["type"] == "OutputError"
    assert "symbolic link" in str(errors["sub/c.html"]["message"])


def test_a_linked_state_folder_is_refused_and_nothing_outside_is_removed(tmp_path: Path) -> None:
    outside, _, files = _outside(tmp_path)
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.html").write_text(page(1))
    for resume in (False, True):
        out = tmp_path / f"out-{resume}"
        out.mkdir()
        (out / STATE_DIR).symlink_to(outside / "state", target_is_directory=True)
        with pytest.raises(UsageError, match="symbolic link"):
            run_batch([root], Options(), _settings(out, resume=resume), stages=STANDIN)
        assert _unchanged(outside, files)


def test_links_inside_the_state_folder_are_removed_not_followed(tmp_path: Path) -> None:
    outside, _, files = _outside(tmp_path)
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.html").write_text(page(1))
    (root / "r.jsonl").write_bytes(jsonl_line(id="x", html=page(2)))
    out = tmp_path / "out"
    run_batch([root], Options(to="jsonl"), _settings(out), stages=STANDIN)
    for sub in ("tmp", "parts"):
        target = out / STATE_DIR / sub
        if target.exists():
            os.rename(target, out / f"{sub}-moved")
        target.symlink_to(outside / "state" / sub, target_is_directory=True)
    summary = run_batch([root], Options(to="jsonl"), _settings(out, resume=True), stages=STANDIN)
    assert summary.documents == 2 and _unchanged(outside, files)


# ---------------------------------------------------------------- 12: links in the input


def test_links_leaving_the_input_folder_are_skipped_unless_asked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.html").write_text(page(66, "Secret"))
    (outside / "dir" / "deep.html").write_text(page(67, "Deep"))
    root = tmp_path / "in"
    root.mkdir()
    (root / "real.html").write_text(page(1))
    (root / "alias.html").symlink_to(root / "real.html")  # stays inside: the same file
    (root / "secret.html").symlink_to(outside / "secret.html")
    (root / "linked").symlink_to(outside / "dir", target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    out = tmp_path / "out"
    summary = run_batch([root], Options(), _settings(out), stages=STANDIN)
    assert summary.converted == 1 and sorted(summary.skipped) == ["linked", "secret.html"]
    assert "2 symbolic links" in summary.line() and "--follow-symlinks" in summary.line()
    assert sorted(p.name for p in out.rglob("*.md")) == ["real.md"]
    followed = tmp_path / "followed"
    summary = run_batch([root], Options(), _settings(followed, follow_symlinks=True), stages=STANDIN)
    assert summary.converted == 3 and summary.skipped == ()
    assert sorted(p.relative_to(followed).as_posix() for p in followed.rglob("*.md")) == [
        "linked/deep.md",
        "real.md",
        "secret.md",
    ]


# ---------------------------------------------------------------- 20: names, engines, parents


def test_names_differing_only_in_case_are_both_converted(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "A.html").write_text(page(1, "Upper"))
    (root / "a.html").write_text(page(2, "Lower"))
    (root / "b.html").write_text(page(3))
    out = tmp_path / "out"
    summary = run_batch([root], Options(), _settings(out), stages=STANDIN)
    assert summary.converted == 3
    names = sorted(p.name for p in out.glob("*.md"))
    assert len({n.casefold() for n in names}) == 3 and "b.md" in names
    titles = sorted((out / n).read_text().splitlines()[0] for n in names if n != "b.md")
    assert titles == ["# Lower 2", "# Upper 1"]


@pytest.mark.parametrize("setting", [{"max_memory_mb": 512}, {"resume": True}])
def test_the_ray_engine_refuses_what_it_cannot_honour(tmp_path: Path, setting: dict[str, object]) -> None:
    with pytest.raises(UsageError, match="Ray engine"):
        run_batch([tmp_path], Options(to="jsonl"), _settings(tmp_path / "o", engine="ray", **setting))


_ORPHANED_RUN = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_batch_standin import misbehaving
from pagewash.batch import BatchSettings, run_batch
from pagewash.pipeline import Options

if __name__ == "__main__":
    settings = BatchSettings(out_dir=Path({out!r}), workers=1, quiet=True, timeout=600)
    run_batch([Path({source!r})], Options(), settings,
              stages=misbehaving(pid_file={pid_file!r}))
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_workers_stop_when_their_coordinator_is_killed(tmp_path: Path) -> None:
    from test_batch import _gone

    root = tmp_path / "in"
    root.mkdir()
    (root / "spawn.html").write_text("<p>SPAWN</p>")
    pid_file = tmp_path / "child.pid"
    script = tmp_path / "job.py"
    script.write_text(
        _ORPHANED_RUN.format(
            tests=str(Path(__file__).parent),
            out=str(tmp_path / "out"),
            source=str(root),
            pid_file=str(pid_file),
        )
    )
    job = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline and job.poll() is None
            time.sleep(0.05)
        child = int(pid_file.read_text())
        os.kill(job.pid, signal.SIGKILL)  # the coordinator only, not its group
        job.wait()
        deadline = time.monotonic() + 10
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(child)
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()

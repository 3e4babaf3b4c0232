"""Batch conversion: naming, input readers, the worker pool's guards, progress and resume."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path, PurePosixPath

import pytest

from pagewash.batch import (
    ERRORS_FILE,
    RECORDS_FILE,
    STATE_DIR,
    BatchSettings,
    run_batch,
)
from pagewash.batch.plan import plan_outputs
from pagewash.batch.sources import HTML, JSONL, WARC, InputFile, expand_inputs, iter_documents
from pagewash.errors import InputError, UsageError
from pagewash.ingest.records import RECORD_FIELDS, Stages
from pagewash.pipeline import Options
from test_batch_standin import (
    jsonl_line,
    misbehaving,
    page,
    standin_clean,
    standin_render,
    warc_record,
    write_warc,
)

STANDIN = Stages(standin_clean, standin_render)
ERROR_LINE_KEYS = {"input", "record", "offset", "url", "id", "status", "stage", "type", "message"}


def _input(rel: str, kind: str = HTML) -> InputFile:
    return InputFile(Path("/in") / rel, PurePosixPath(rel), kind)


def _targets(files: list[InputFile], suffix: str = "md") -> dict[str, str]:
    return {u.source.rel.as_posix(): u.target.as_posix() for u in plan_outputs(files, suffix)}


def _settings(out: Path, **kwargs: object) -> BatchSettings:
    return BatchSettings(out_dir=out, workers=2, quiet=True, **kwargs)  # type: ignore[arg-type]


def _errors(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / ERRORS_FILE).read_text().splitlines()]


# ---------------------------------------------------------------- output names


def test_outputs_mirror_the_input_tree_with_the_format_suffix() -> None:
    files = [_input("a/b.html"), _input("c.htm.gz"), _input("noext"), _input("crawl.warc.gz", WARC)]
    assert _targets(files) == {
        "a/b.html": "a/b.md",
        "c.htm.gz": "c.md",
        "noext": "noext.md",
        "crawl.warc.gz": "crawl",
    }


def test_inputs_that_would_share_an_output_keep_their_full_names() -> None:
    files = [_input("a.html"), _input("a.htm"), _input("A.xhtml"), _input("b.html")]
    assert _targets(files) == {
        "a.html": "a.html.md",
        "a.htm": "a.htm.md",
        "A.xhtml": "A.xhtml.md",
        "b.html": "b.md",
    }


def test_a_container_folder_never_mixes_with_other_outputs() -> None:
    files = [
        _input("crawl.warc", WARC),
        _input("crawl.warc.gz", WARC),
        _input("x.jsonl", JSONL),
        _input("x/page.html"),
        _input("errors.jsonl.warc", WARC),
    ]
    targets = _targets(files)
    assert targets["crawl.warc"] == "crawl.warc"
    assert targets["crawl.warc.gz"] == "crawl.warc.gz"
    assert targets["x.jsonl"] == "x.jsonl"
    assert targets["x/page.html"] == "x/page.md"
    assert targets["errors.jsonl.warc"] == "errors.jsonl.warc"


# ---------------------------------------------------------------- inputs


def test_folders_are_walked_without_hidden_files_or_the_output_folder(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for rel in ("a.html", "sub/b.html", "sub/c.txt", ".hidden/d.html", ".e.html", "out/f.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    found = expand_inputs([root], exclude=root / "out")
    assert [f.rel.as_posix() for f in found] == ["a.html", "sub/b.html", "sub/c.txt"]
    globbed = expand_inputs([root], glob="*.html", exclude=root / "out")
    assert [f.rel.as_posix() for f in globbed] == ["a.html", "sub/b.html"]


def test_several_inputs_are_named_from_their_common_folder(tmp_path: Path) -> None:
    for rel in ("one/a.html", "two/a.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    found = expand_inputs([tmp_path / "one", tmp_path / "two", tmp_path / "one" / "a.html"])
    assert [f.rel.as_posix() for f in found] == ["one/a.html", "two/a.html"]


def test_a_missing_input_stops_the_job_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        run_batch([tmp_path / "nope"], Options(), _settings(tmp_path / "out"), stages=STANDIN)
    assert not (tmp_path / "out").exists()


def test_jsonl_records_with_configured_fields_and_unreadable_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    lines = [
        jsonl_line(link="http://a/1", body="<p>x</p>", key=7),
        b"\n",
        b'{"body": "\xff"}\n',
        b"[1, 2]\n",
        jsonl_line(link="http://a/2"),
    ]
    path.write_bytes(b"".join(lines))
    docs = list(iter_documents(InputFile(path, PurePosixPath("r.jsonl"), JSONL), ("link", "body", "key")))
    assert [(d.index, d.offset) for d in docs] == [
        (0, 0),
        (1, len(lines[0]) + 1),
        (2, len(lines[0]) + 1 + len(lines[2])),
        (3, len(lines[0]) + 1 + len(lines[2]) + len(lines[3])),
    ]
    assert (docs[0].url, docs[0].data, docs[0].id, docs[0].problem) == ("http://a/1", "<p>x</p>", "7", None)
    assert [d.problem[0] for d in docs[1:] if d.problem] == ["InvalidUTF8", "InvalidRecord", "MissingField"]


def test_gzipped_jsonl_cut_short_reports_the_lost_rest(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl.gz"
    data = gzip.compress(b"".join(jsonl_line(html=page(i)) for i in range(200)), mtime=0)
    path.write_bytes(data[: len(data) // 2])
    docs = list(iter_documents(InputFile(path, PurePosixPath("r.jsonl.gz"), JSONL)))
    assert docs[-1].problem is not None and docs[-1].problem[0] == "TruncatedInput"
    assert all(d.problem is None for d in docs[:-1]) and len(docs) > 1


@pytest.mark.parametrize("name", ["c.warc", "c.warc.gz"])
def test_warc_pages_keep_url_and_date_and_other_records_are_skipped(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    records = [
        warc_record("http://w/0", page(0).encode(), number=0),
        warc_record("http://w/img", b"\x89PNG....", content_type="image/png", number=1),
        warc_record("http://w/moved", b"", status="301 Moved Permanently", number=2),
        warc_record(
            "http://w/2", page(2).encode("cp1251"), number=3, content_type="text/html; charset=windows-1251"
        ),
        warc_record("http://w/3", page(3).encode(), number=4),
    ]
    write_warc(path, records, cut_last=True)
    docs = list(iter_documents(InputFile(path, PurePosixPath(name), WARC)))
    assert [d.url for d in docs] == ["http://w/0", "http://w/2", "http://w/3"]
    assert docs[0].date == "2024-05-01T10:00:00Z"
    assert docs[0].id == "urn:uuid:00000000-0000-0000-0000-000000000000"
    assert docs[1].content_type == "text/html; charset=windows-1251"
    assert docs[0].data == page(0).encode()
    assert docs[2].problem is not None and docs[2].problem[0] == "TruncatedRecord"
    assert [d.index for d in docs] == [0, 1, 2]


# ---------------------------------------------------------------- running


def _small_corpus(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    for i in range(6):
        (root / ("sub" if i % 2 else "") / f"p{i}.html").write_text(page(i))
    (root / "shell.html").write_text("<html><body><nav>Menu only</nav></body></html>")
    (root / "garbage.html").write_bytes(bytes(range(256)) * 8)
    (root / "r.jsonl").write_bytes(
        jsonl_line(url="http://j/0", html=page(10), id="j0")
        + b"{broken\n"
        + jsonl_line(url="http://j/2", html=page(12))
    )


def test_a_batch_writes_mirrored_outputs_and_one_line_per_problem(tmp_path: Path) -> None:
    _small_corpus(tmp_path / "in")
    out = tmp_path / "out"
    summary = run_batch([tmp_path / "in"], Options(), _settings(out), stages=STANDIN)
    assert (summary.converted, summary.empty, summary.failed) == (8, 1, 2)
    assert summary.exit_status == 1
    written = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and STATE_DIR not in p.parts
    )
    assert written == [
        "errors.jsonl",
        "p0.md",
        "p2.md",
        "p4.md",
        "r/000000.md",
        "r/000002.md",
        "sub/p1.md",
        "sub/p3.md",
        "sub/p5.md",
    ]
    assert (out / "r/000002.md").read_text().startswith("# Page 12\n\nParagraph one")
    errors = _errors(out)
    assert [(e["input"], e["status"], e["type"]) for e in errors] == [
        ("garbage.html", "error", "NotHTMLError"),
        ("r.jsonl", "error", "InvalidJSON"),
        ("shell.html", "empty", "NoContent"),
    ]
    assert all(set(e) == ERROR_LINE_KEYS and e["message"] for e in errors)
    assert errors[1]["record"] == 1 and errors[1]["offset"] > 0


def test_a_batch_without_failures_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.html").write_text(page(1))
    summary = run_batch([tmp_path / "in"], Options(), _settings(tmp_path / "out"), stages=STANDIN)
    assert (summary.converted, summary.failed, summary.exit_status) == (1, 0, 0)
    assert (tmp_path / "out" / ERRORS_FILE).read_text() == ""


def test_jsonl_output_holds_one_record_per_document_in_input_order(tmp_path: Path) -> None:
    _small_corpus(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([tmp_path / "in"], Options(to="jsonl"), _settings(out), stages=STANDIN)
    records = [json.loads(line) for line in (out / RECORDS_FILE).read_text().splitlines()]
    assert [r["id"] for r in records] == [
        "garbage.html",
        "p0.html",
        "p2.html",
        "p4.html",
        "j0",
        "r.jsonl#1",
        "r.jsonl#2",
        "shell.html",
        "sub/p1.html",
        "sub/p3.html",
        "sub/p5.html",
    ]
    assert all(list(r) == list(RECORD_FIELDS) for r in records)
    assert [r["status"] for r in records].count("ok") == 8
    assert records[4]["url"] == "http://j/0" and records[4]["title"] == "Page 10"
    assert records[5]["errors"][0]["type"] == "InvalidJSON"
    assert not [p for p in out.iterdir() if p.name not in {RECORDS_FILE, ERRORS_FILE, STATE_DIR}]


def test_a_hanging_or_crashing_page_loses_only_itself(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(6):
        (root / f"p{i}.html").write_text(page(i))
    (root / "crash.html").write_text("<p>CRASH</p>")
    (root / "hang.html").write_text("<p>HANG</p>")
    summary = run_batch([root], Options(), _settings(tmp_path / "out", timeout=2), stages=STANDIN)
    assert (summary.converted, summary.failed) == (6, 2)
    kinds = {e["input"]: e["type"] for e in _errors(tmp_path / "out")}
    assert kinds == {"crash.html": "WorkerDied", "hang.html": "Timeout"}


def _gone(pid: int) -> bool:
    """No such process, or only its zombie (a container's init may not reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}


@pytest.mark.skipif(
    not Path("/proc").is_dir() or not hasattr(os, "killpg"), reason="needs /proc and process groups"
)
@pytest.mark.parametrize("trigger", ["SPAWN", "SPAWN_AND_DIE"])
def test_a_stopped_or_dead_worker_takes_its_children_with_it(tmp_path: Path, trigger: str) -> None:
    """A worker stopped for a timeout, or found dead, leaves nothing running (a stuck
    pandoc, say)."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "spawn.html").write_text(f"<p>{trigger}</p>")
    (root / "ok.html").write_text(page(1))
    pid_file = tmp_path / "child.pid"
    summary = run_batch(
        [root], Options(), _settings(tmp_path / "out", timeout=2), stages=misbehaving(pid_file=str(pid_file))
    )
    assert (summary.converted, summary.failed) == (1, 1)
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child)


def test_a_page_exhausting_memory_fails_alone(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "hog.html").write_text("<p>HOG</p>")
    (root / "ok.html").write_text(page(1))
    summary = run_batch([root], Options(), _settings(tmp_path / "out", max_memory_mb=768), stages=STANDIN)
    assert (summary.converted, summary.failed) == (1, 1)
    assert _errors(tmp_path / "out")[0]["type"] in {"MemoryError", "WorkerDied"}


def test_progress_is_printed_as_plain_lines_off_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _small_corpus(tmp_path / "in")
    settings = BatchSettings(out_dir=tmp_path / "out", workers=2, progress_interval=0)
    run_batch([tmp_path / "in"], Options(), settings, stages=STANDIN)
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("pagewash: ") and "documents (" in line for line in lines)
    assert lines[-1].startswith("pagewash: 8 converted, 1 empty, 2 failed in ")
    assert "documents/s" in lines[-1]
    quiet = BatchSettings(out_dir=tmp_path / "out2", workers=1, quiet=True, progress_interval=0)
    run_batch([tmp_path / "in"], Options(), quiet, stages=STANDIN)
    assert capsys.readouterr().err == ""


def test_resume_refuses_a_folder_written_with_other_options(tmp_path: Path) -> None:
    _small_corpus(tmp_path / "in")
    run_batch([tmp_path / "in"], Options(), _settings(tmp_path / "out"), stages=STANDIN)
    with pytest.raises(UsageError, match="other options"):
        run_batch(
            [tmp_path / "in"], Options(to="txt"), _settings(tmp_path / "out", resume=True), stages=STANDIN
        )


def test_resume_after_a_finished_job_redoes_nothing(tmp_path: Path) -> None:
    _small_corpus(tmp_path / "in")
    first = run_batch([tmp_path / "in"], Options(), _settings(tmp_path / "out"), stages=STANDIN)
    again = run_batch([tmp_path / "in"], Options(), _settings(tmp_path / "out", resume=True), stages=STANDIN)
    assert again.resumed == again.documents == first.documents
    assert (again.converted, again.empty, again.failed) == (8, 1, 2)
    assert len(_errors(tmp_path / "out")) == 3


def test_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="engine"):
        run_batch([tmp_path], Options(), _settings(tmp_path / "o", engine="spark"))


def test_jsonl_output_is_the_same_after_a_resumed_run(tmp_path: Path) -> None:
    _small_corpus(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([tmp_path / "in"], Options(to="jsonl"), _settings(out), stages=STANDIN)
    first = (out / RECORDS_FILE).read_bytes()
    (out / RECORDS_FILE).unlink()
    run_batch([tmp_path / "in"], Options(to="jsonl"), _settings(out, resume=True), stages=STANDIN)
    assert (out / RECORDS_FILE).read_bytes() == first

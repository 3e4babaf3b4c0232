"""Persistent pandoc workers: same bytes as the one-shot renderer, failures stay per document."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pagewash.document import Document, Metadata, Paragraph, Text
from pagewash.errors import RenderError
from pagewash.pipeline import Options
from pagewash.render.pandoc import build_job, render_pandoc
from pagewash.render.pandoc.worker import PandocPool, PandocWorker
from test_pandoc import bilingual_document, english_document, hostile_document, zip_texts

OPTIONS = Options()


def big_document() -> Document:
    """Larger than a pipe buffer, so writing it to a stopped worker blocks."""
    text = "Plenty of words to fill the pipe between the two processes. " * 4
    blocks = tuple(Paragraph((Text(f"{i}. {text}"),)) for i in range(1500))
    return Document(metadata=Metadata(title="Big", languages=("en",)), blocks=blocks)


@pytest.fixture
def pool() -> PandocPool:
    with PandocPool(size=1, timeout=20) as shared:
        yield shared


@pytest.mark.parametrize("fmt", ["docx", "epub", "gfm", "html", "odt"])
def test_worker_output_equals_one_shot_output(pool: PandocPool, fmt: str) -> None:
    for doc in (bilingual_document(), hostile_document()):
        assert pool.render(doc, fmt, OPTIONS) == render_pandoc(doc, fmt, OPTIONS)


def test_worker_reuses_one_process(pool: PandocPool) -> None:
    for _ in range(3):
        pool.render(english_document(), "epub", OPTIONS)
    assert pool.workers[0].starts == 1


def test_worker_never_fetches_images_even_if_the_ast_has_them() -> None:
    job = build_job(english_document(), "docx", OPTIONS)
    ast = json.loads(job.ast)
    image = {"t": "Image", "c": [["", [], []], [{"t": "Str", "c": "alt"}], ["file:///etc/passwd", ""]]}
    ast["blocks"].append({"t": "Para", "c": [image]})
    job = replace(job, ast=json.dumps(ast).encode())
    worker = PandocWorker(timeout=20)
    try:
        out = worker.write(job)
    finally:
        worker.stop()
    passwd = Path("/etc/passwd").read_bytes()[:30]
    assert all(passwd not in data for data in zip_texts(out).values())
    assert not any(name.startswith("word/media") for name in zip_texts(out))


def test_hung_worker_is_stopped_and_replaced() -> None:
    with PandocPool(size=1, timeout=1.5) as pool:
        pool.render(english_document(), "docx", OPTIONS)
        worker = pool.workers[0]
        os.kill(worker.pid, signal.SIGSTOP)
        started = time.monotonic()
        with pytest.raises(RenderError, match="time limit"):
            pool.render(english_document(), "docx", OPTIONS)
        assert time.monotonic() - started < 10
        assert pool.render(english_document(), "docx", OPTIONS)[:2] == b"PK"
        assert worker.starts == 2


def test_crash_fails_only_the_current_document() -> None:
    with PandocPool(size=1, timeout=30) as pool:
        pool.render(english_document(), "docx", OPTIONS)
        worker = pool.workers[0]
        pid = worker.pid
        os.kill(pid, signal.SIGSTOP)
        errors: list[BaseException] = []

        def render_big() -> None:
            try:
                pool.render(big_document(), "docx", OPTIONS)
            except RenderError as exc:
                errors.append(exc)

        thread = threading.Thread(target=render_big)
        thread.start()
        _wait_until_writing(thread)  # the request is now stuck in the pipe of the stopped worker
        os.kill(pid, signal.SIGKILL)
        thread.join(timeout=30)
        assert len(errors) == 1 and "worker failed" in str(errors[0])
        assert pool.render(english_document(), "docx", OPTIONS)[:2] == b"PK"
        assert worker.starts == 2


def _wait_until_writing(thread: threading.Thread, limit: float = 60.0) -> None:
    """Return once ``thread`` is inside the worker's pipe write (no fixed sleep: under load
    building the request may take longer than any guess)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        frame = sys._current_frames().get(thread.ident or -1)
        while frame is not None:
            if frame.f_code.co_name == "_write_all":
                return
            frame = frame.f_back
        time.sleep(0.01)
    raise AssertionError("the render never reached the worker's input pipe")


def test_worker_that_died_while_idle_is_replaced_silently(pool: PandocPool) -> None:
    pool.render(english_document(), "epub", OPTIONS)
    worker = pool.workers[0]
    os.kill(worker.pid, signal.SIGKILL)
    time.sleep(0.2)
    assert pool.render(english_document(), "epub", OPTIONS)[:2] == b"PK"


def test_render_many_keeps_order_and_reports_failures(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    docs = [english_document(), bilingual_document()]
    with PandocPool(size=2, timeout=20) as pool:
        results = pool.render_many(docs, "docx", OPTIONS)
        assert results == [render_pandoc(d, "docx", OPTIONS) for d in docs]
        failed = pool.render_many(docs, "docx", Options(reference_doc=broken))
        assert all(isinstance(r, RenderError) for r in failed)
        assert pool.render(english_document(), "docx", OPTIONS)[:2] == b"PK"


def test_default_pool_is_shared_per_process() -> None:
    from pagewash.render.pandoc.worker import default_pool

    first = default_pool()
    assert default_pool() is first
    assert first.render(english_document(), "gfm", OPTIONS) == render_pandoc(
        english_document(), "gfm", OPTIONS
    )


def test_an_exchange_interrupted_midway_restarts_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A time limit (or ^C) raised while the answer is being read leaves the pipe out of step:
    the worker is stopped, and the next document gets a fresh one and a right answer."""
    import pagewash.render.pandoc.worker as module

    class Interrupted(BaseException):
        pass

    worker = PandocWorker(timeout=20)
    job = build_job(english_document(), "gfm", OPTIONS)
    try:
        first = worker.write(job)
        real = module._read_header

        def interrupted(*args: object) -> object:
            raise Interrupted

        monkeypatch.setattr(module, "_read_header", interrupted)
        with pytest.raises(Interrupted):
            worker.write(job)
        assert worker.pid is None  # stopped, not left mid-exchange
        monkeypatch.setattr(module, "_read_header", real)
        assert worker.write(job) == first and worker.starts == 2
    finally:
        worker.stop()

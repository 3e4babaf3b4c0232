"""Ray Data adapter (``pip install 'pagewash[ray]'``): clean pages on a cluster.

``convert(dataset)`` maps ``records.clean_batch`` over a Ray Dataset of ``{"url", "html",
"id"?}`` rows and returns a Dataset of records (schema in ``pagewash.ingest.records``, typed with
``records.arrow_schema`` so Parquet and JSON writers agree across blocks). A page that fails
becomes a row with ``status="error"``; it never fails the task. ``run_batch`` is what
``pagewash convert --engine ray`` runs: it reads the same inputs as the local engine (files,
folders, JSONL, WARC) inside Ray tasks and writes JSONL or Parquet shards to the output folder.

The engine applies the document size limit (``Options.max_document_mb``) when reading, as
the local engine does, the time limit per page, the symbolic-link policy and the output
folder's lock. It refuses what it cannot honour: a memory limit per worker (Ray's own memory
monitor guards its workers; an address-space limit would break Ray's shared memory) and
resuming (it writes its shards in one go).

Ray is imported only when one of these functions is called.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pagewash.bounded import megabytes, read_page_file
from pagewash.errors import MissingDependencyError, PagewashError, UsageError
from pagewash.ingest.records import (
    DEFAULT_FIELDS,
    PIPELINE,
    Stages,
    arrow_schema,
    clean_batch,
    error_entry,
    error_record,
)
from pagewash.options import Options

if TYPE_CHECKING:
    from pagewash.batch.settings import BatchSettings, BatchSummary
    from pagewash.batch.sources import Inputs

__all__ = ["MissingDependencyError", "convert", "run_batch"]

INSTALL_HINT = "pip install 'pagewash[ray]'"
RAY_FORMATS = ("jsonl", "parquet")
DEFAULT_BATCH_SIZE = 16


def _require_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise MissingDependencyError(
            f"the Ray engine needs Ray Data; install it with: {INSTALL_HINT}"
        ) from exc
    return ray


def convert(
    dataset: Any,
    options: Options | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    fields: tuple[str, str, str] = DEFAULT_FIELDS,
    stages: Stages = PIPELINE,
    timeout: float | None = None,
) -> Any:
    """A Dataset of cleaned records, one per input row, in the ``records`` schema.

    ``fields`` names the input columns holding URL, HTML and id; ``batch_size`` rows go to
    each ``clean_batch`` call (small batches spread uneven pages better); a page taking
    longer than ``timeout`` seconds becomes an error row (``records.clean_record``).
    """
    _require_ray()
    return dataset.map_batches(
        _clean_arrow_batch,
        batch_size=batch_size,
        batch_format="pyarrow",
        fn_kwargs={"options": options or Options(), "fields": fields, "stages": stages, "timeout": timeout},
    )


def _clean_arrow_batch(
    batch: Any, options: Options, fields: tuple[str, str, str], stages: Stages, timeout: float | None = None
) -> Any:
    import pyarrow as pa

    records = clean_batch(batch.to_pylist(), options, fields=fields, stages=stages, timeout=timeout)
    return pa.Table.from_pylist(records, schema=arrow_schema())


# ---------------------------------------------------------------- the --engine ray batch


def run_batch(
    inputs: Sequence[Path], options: Options, settings: BatchSettings, *, stages: Stages = PIPELINE
) -> BatchSummary:
    """Convert ``inputs`` on Ray into ``settings.out_dir`` as JSONL (default) or Parquet shards.

    Connects to ``settings.address`` (or starts a local Ray with ``settings.workers`` CPUs).
    Failed and empty documents are rows with status ``error``/``empty`` in the shards.
    """
    import time

    from pagewash.batch.lock import OutputLock
    from pagewash.batch.sources import find_inputs

    refuse_unsupported(options, settings)
    ray = _require_ray()
    to = options.to
    started = time.monotonic()
    found = find_inputs(
        inputs, settings.glob, exclude=settings.out_dir, follow_symlinks=settings.follow_symlinks
    )
    with OutputLock(Path(settings.out_dir)):
        return _run(ray, found, options, settings, stages, to, started)


def refuse_unsupported(options: Options, settings: BatchSettings) -> None:
    """A ``UsageError`` for settings this engine cannot honour (see the module doc)."""
    if options.to not in RAY_FORMATS:
        raise UsageError(f"the Ray engine writes {' or '.join(RAY_FORMATS)}; got {options.to!r}")
    if settings.max_memory_mb is not None:
        raise UsageError(
            "the Ray engine does not apply --max-memory-mb (Ray's memory monitor "
            "guards its workers); leave it out, or use --engine local"
        )
    if settings.resume:
        raise UsageError(
            "the Ray engine cannot --resume (it writes its shards in one go); "
            "use a new output folder, or --engine local"
        )


def _run(
    ray: Any,
    found: Inputs,
    options: Options,
    settings: BatchSettings,
    stages: Stages,
    to: str,
    started: float,
) -> BatchSummary:
    import os
    import sys
    import time

    from pagewash.batch.settings import BatchSummary

    files = found.files
    if not ray.is_initialized():
        ray.init(
            address=settings.address,
            num_cpus=None if settings.address else settings.workers,
            include_dashboard=False,
            ignore_reinit_error=True,
            log_to_driver=not settings.quiet,
        )
    if settings.quiet:
        ray.data.DataContext.get_current().enable_progress_bars = False
    # Names as bytes: a file name need not be UTF-8, and Arrow strings must be.
    units = [
        {"path": os.fsencode(f.path), "rel": os.fsencode(f.rel.as_posix()), "kind": f.kind} for f in files
    ]
    rows = ray.data.from_items(units).flat_map(
        _read_unit,
        fn_kwargs={"fields": settings.jsonl_fields, "max_bytes": megabytes(options.max_document_mb)},
    )
    records = rows.map_batches(
        _clean_source_batch,
        batch_size=DEFAULT_BATCH_SIZE,
        batch_format="pyarrow",
        fn_kwargs={"options": replace(options, to="md"), "stages": stages, "timeout": settings.timeout},
    ).materialize()
    out = str(Path(settings.out_dir).resolve())
    if to == "parquet":
        records.write_parquet(out)
    else:
        records.write_json(out)
    counts = {row["status"]: row["count()"] for row in records.groupby("status").count().take_all()}
    summary = BatchSummary(
        counts.get("ok", 0),
        counts.get("empty", 0),
        counts.get("error", 0),
        0,
        time.monotonic() - started,
        Path(settings.out_dir),
        found.skipped,
    )
    if not settings.quiet:
        print(summary.line(), file=sys.stderr, flush=True)
    return summary


def _read_unit(
    unit: dict[str, Any], fields: tuple[str, str, str], max_bytes: int | None = None
) -> Iterator[dict[str, Any]]:
    """The documents of one input file as rows; page files are read here, in the task, with
    the same size bound as the local engine's workers."""
    import os

    from pagewash.batch.plan import plan_outputs, with_default_id
    from pagewash.batch.sources import InputFile, iter_documents

    path, rel = (os.fsdecode(unit[key]) for key in ("path", "rel"))
    source = InputFile(Path(path), PurePosixPath(rel), unit["kind"])
    plan = plan_outputs([source], "md")[0]
    for doc in iter_documents(source, fields, max_bytes):
        doc = with_default_id(plan, doc)
        row: dict[str, str | bytes | None] = {
            "url": doc.url,
            "id": doc.id,
            "date": doc.date,
            "content_type": doc.content_type,
            "text_html": None,
            "bytes_html": None,
            "problem_type": None,
            "problem": None,
        }
        if doc.problem is not None:
            row["problem_type"], row["problem"] = doc.problem
        elif isinstance(doc.data, str):
            row["text_html"] = doc.data
        elif doc.data is not None:
            row["bytes_html"] = doc.data
        else:
            try:
                row["bytes_html"] = read_page_file(path, max_bytes)
            except PagewashError as exc:
                row["problem_type"], row["problem"] = type(exc).__name__, str(exc)
        yield row


def _clean_source_batch(batch: Any, options: Options, stages: Stages, timeout: float | None = None) -> Any:
    import pyarrow as pa

    out = []
    for row in batch.to_pylist():
        if row["problem_type"] is not None:
            problem = error_entry("load", row["problem_type"], row["problem"])
            out.append(error_record(row["id"] or "", row["url"], problem))
            continue
        html = row["text_html"] if row["text_html"] is not None else row["bytes_html"]
        out.extend(clean_batch([{**row, "html": html}], options, stages=stages, timeout=timeout))
    return pa.Table.from_pylist(out, schema=arrow_schema())

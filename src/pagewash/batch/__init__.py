"""Batch conversion: many inputs to an output folder, in parallel, with nothing lost.

``run_batch`` expands the inputs (files, folders, JSONL, WARC; see ``sources``), streams
their documents to a pool of worker processes (one per core by default) one document at a
time, so one huge JSONL or WARC file is spread over every worker, and writes:

- page outputs mirroring the input tree (``a/b.html`` -> ``a/b.md``); the documents of a
  JSONL or WARC file go to a folder named after it, one file per document named by its
  index (``crawl.warc.gz`` -> ``crawl/000000.md``). When two inputs would get the same name
  (``a.html`` and ``a.htm``), both keep their full name (``a.html.md``, ``a.htm.md``);
- with ``to="jsonl"``, one ``documents.jsonl`` holding one record per document (the
  ``records`` schema, status ok/empty/error), in input order;
- ``errors.jsonl``: one line per document that failed *or was empty*, in input order, with
  ``input``, ``record`` (document index in the input file), ``offset`` (byte offset of the
  JSONL line or WARC record), ``url``, ``id``, ``status`` (``error`` or ``empty``),
  ``stage``, ``type`` and ``message``. Empty pages are listed with stage ``extract`` and type
  ``NoContent``; they are counted as empty, not failed, and do not change the exit status;
- ``.pagewash/``: the resume state (``job.json``, a ``done/<key>.json`` marker per finished
  JSONL/WARC file and per page file that failed or was empty; a converted page file's output
  is its own marker; temporary files) and ``lock``, held by the running job: a second batch
  on the same folder is refused (``OutputBusyError``). Nothing else is written in the output
  folder, and nothing through a symbolic link found in it (see ``lock``, ``output``).

Limits: one document may be ``options.max_document_mb`` (after decompression, for files,
JSONL lines and WARC payloads alike; read with the bound, never whole first). Links in input
folders leading out of them are skipped and counted (``settings.follow_symlinks`` follows
them).

With ``resume=True`` input files with a valid marker are skipped, and in files not finished,
documents whose output exists are skipped; the finished folder is the same as an
uninterrupted run's. A worker that exceeds ``timeout`` on one document is killed and
replaced; a worker that dies (segfault, out of memory) is replaced; either way only that
document becomes an error. Each worker runs under an address-space limit (``max_memory_mb``).

The modules: ``settings`` (what a run is told and reports), ``sources`` (reading inputs),
``plan`` (output names), ``job`` (the parent's bookkeeping), ``pool`` (worker processes),
``worker`` (the child side), ``progress``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pagewash.batch.job import Job
from pagewash.batch.lock import OutputLock
from pagewash.batch.plan import output_suffix, plan_outputs
from pagewash.batch.settings import (
    ERRORS_FILE,
    RECORDS_FILE,
    RECORDS_FORMAT,
    STATE_DIR,
    BatchSettings,
    BatchSummary,
)
from pagewash.batch.sources import find_inputs
from pagewash.batch.worker import Result
from pagewash.errors import UsageError
from pagewash.ingest.records import PIPELINE, Stages
from pagewash.option_files import check_option_files
from pagewash.options import Options
from pagewash.output import refuse_unwritable_format

__all__ = [
    "ERRORS_FILE",
    "RECORDS_FILE",
    "STATE_DIR",
    "BatchSettings",
    "BatchSummary",
    "Result",
    "run_batch",
]


def run_batch(
    inputs: Sequence[Path],
    options: Options,
    settings: BatchSettings,
    *,
    stages: Stages = PIPELINE,
    observer: Callable[[Result], None] | None = None,
) -> BatchSummary:
    """Convert every document of ``inputs`` into ``settings.out_dir``; see the module doc.

    ``options.to`` is the output format (``jsonl`` for one record file). ``stages`` replaces
    the per-document functions (tests); ``observer`` sees every worker result (benchmarks).
    Raises ``InputError``/``UsageError`` before any work for missing inputs or bad settings
    (``OutputBusyError`` when another batch holds the folder), ``OutputError`` when the
    folder cannot be written; never for a bad document. Workers start with the forkserver
    method, so a script calling this needs the usual ``if __name__ == "__main__":`` guard.
    """
    if settings.engine not in ("local", "ray"):
        raise UsageError(f"unknown engine {settings.engine!r}; use 'local' or 'ray'")
    if settings.workers is not None and settings.workers < 1:
        raise UsageError("workers must be at least 1")
    refuse_unwritable_format(options.to)
    check_option_files(options)
    if settings.engine == "ray":
        from pagewash.ingest.ray import run_batch as run_on_ray

        return run_on_ray(inputs, options, settings, stages=stages)
    out_dir = Path(settings.out_dir)
    found = find_inputs(inputs, settings.glob, exclude=out_dir, follow_symlinks=settings.follow_symlinks)
    record_mode = options.to == RECORDS_FORMAT
    units = plan_outputs(found.files, output_suffix(options.to))
    with OutputLock(out_dir):
        job = Job(units, options, settings, out_dir, record_mode, observer, found.skipped)
        return job.run(stages)

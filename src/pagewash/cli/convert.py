"""`pagewash convert`: pages, folders, JSONL, WARC or URLs in; a document or a batch out."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from pagewash.cli.app import (
    BATCH_ONLY_FORMATS,
    EXIT_FAILED,
    EXIT_NO_CONTENT,
    EXIT_USAGE,
    PRESET_HELP,
    _changes_json,
    _explain,
    _fail,
    _internal_error,
    _read,
    _refuse_overwrites,
    _split,
    _write_output,
    main,
)
from pagewash.errors import PagewashError, UsageError
from pagewash.options import Options
from pagewash.output import atomic_write

CONVERT_EXAMPLES = """
\b
Examples:
  pagewash convert page.html                     # Markdown to stdout
  pagewash convert page.html -o page.epub        # format from the suffix
  pagewash convert page.html --to docx -o - > page.docx   # -o - is stdout
  pagewash convert page.html.gz --to docx -o out.docx
  curl -s URL | pagewash convert - --url URL     # read stdin
  pagewash convert page.html --explain > page.md # what was dropped or fixed, on stderr
  pagewash convert pages/ crawl.warc.gz --out-dir out/ --to md   # a batch
  pagewash convert https://example.org/a -o a.md   # fetch a page
  pagewash convert --input-file urls.txt --out-dir out/          # a list of URLs

\b
Exit status: 0 done, 1 a document failed or an output could not be written,
2 usage error (or --out-dir busy with another batch), 3 no main content.
"""


@main.command(epilog=CONVERT_EXAMPLES)
@click.argument("inputs", nargs=-1, metavar="INPUT...")
@click.option(
    "--input-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="A list of http(s) URLs, one per line, to convert into --out-dir.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Output file (one input); - for standard output.",
)
@click.option("--out-dir", type=click.Path(path_type=Path), help="Output folder: batch mode.")
@click.option("-t", "--to", "to", help="md, txt, json, docx, epub, jsonl (batch) or any pandoc writer.")
@click.option("--url", help="The page's URL (metadata, relative links).")
@click.option("--content-type", help="The HTTP Content-Type header, for its charset.")
@click.option(
    "--front-matter/--no-front-matter",
    default=True,
    show_default=True,
    help="YAML metadata block at the top of Markdown.",
)
@click.option(
    "--rules",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Extra boilerplate rules (TOML).",
)
@click.option("--keep-comments", is_flag=True, help="Keep the page's comment section.")
@click.option("--no-repair", is_flag=True, help="Skip the text repair stage.")
@click.option("--preset", metavar="NAME", help=PRESET_HELP)
@click.option("--repair", "repair_rules", metavar="RULES", help="Only these repair rules (comma list).")
@click.option("--skip-repair", metavar="RULES", help="Repair rules to skip (comma list).")
@click.option(
    "--protected",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Words never changed, one per line.",
)
@click.option(
    "--corrections",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Forced corrections, TSV: wrong<TAB>right.",
)
@click.option(
    "--languages", "--lang", "languages", metavar="LANGS", help="Repair only these languages (ru,en)."
)
@click.option("--toc", is_flag=True, help="Table of contents (DOCX, EPUB, HTML).")
@click.option(
    "--reference-doc",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="DOCX styles template.",
)
@click.option("--css", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="EPUB stylesheet.")
@click.option(
    "--cover", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="EPUB cover image."
)
@click.option("--split-level", type=click.IntRange(1, 6), help="EPUB chapter split level.")
@click.option("--keep-remote-images", is_flag=True, help="Keep remote images as links.")
@click.option("--explain", is_flag=True, help="List every removal and repair on stderr.")
@click.option("--report", type=click.Path(path_type=Path), help="Write the changes as JSON.")
@click.option("--workers", type=click.IntRange(1, 512), help="Batch: worker processes (default: cores).")
@click.option("--glob", "glob_pattern", help="Batch: file pattern inside folders, e.g. '*.html'.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Batch and URLs: seconds allowed per document (and per fetch).",
)
@click.option("--resume", is_flag=True, help="Batch: skip inputs whose output is complete.")
@click.option(
    "--max-memory-mb",
    type=click.IntRange(min=64),
    help="Batch: memory limit per worker (default: memory / workers).",
)
@click.option(
    "--max-document-mb",
    type=click.FloatRange(min=0.001),
    default=20.0,
    show_default=True,
    help="Larger pages (files, URLs), or pages that decompress to more, fail as too large.",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Batch: also convert files that links in input folders lead to outside them.",
)
@click.option("-q", "--quiet", is_flag=True, help="Batch: no progress output.")
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Batch: where to run.",
)
@click.option("--address", help="Batch with --engine ray: the cluster address.")
@click.option("--html-field", default="html", show_default=True, help="JSONL input: HTML field.")
@click.option("--url-field", default="url", show_default=True, help="JSONL input: URL field.")
@click.option("--id-field", default="id", show_default=True, help="JSONL input: id field.")
def convert(
    inputs: tuple[str, ...], output: Path | None, out_dir: Path | None, to: str | None, **raw: Any
) -> None:
    """Convert INPUT (an HTML file, .html.gz, an http(s) URL, or - for stdin) to a clean document."""
    from pagewash.fetch import is_url
    from pagewash.option_files import check_option_files
    from pagewash.output import refuse_unwritable_format
    from pagewash.render import SUFFIX_FORMATS, check_format, normalise_format

    options = _options(raw)
    if not inputs and raw["input_file"] is None:
        _fail("give an input: a file, a folder, a URL, - for stdin, or --input-file URLS", EXIT_USAGE)
    urls_to_folder = any(is_url(i) for i in inputs) and (out_dir is not None or len(inputs) > 1)
    if raw["input_file"] is not None or urls_to_folder:
        _convert_urls(inputs, out_dir, output, to, options, raw)
        return
    if out_dir is not None or len(inputs) > 1:
        _convert_batch(inputs, out_dir, output, to, options, raw)
        return
    to_stdout = output is None or str(output) == "-"
    fmt = normalise_format(to) if to else None
    if fmt is None and not to_stdout and output is not None:
        fmt = SUFFIX_FORMATS.get(output.suffix.lower())
        if fmt is None:
            try:
                refuse_unwritable_format(output.suffix)
            except UsageError as exc:
                _fail(str(exc), EXIT_USAGE)
            _fail(f"cannot tell the format from '{output.name}'; add --to FORMAT", EXIT_USAGE)
    try:
        refuse_unwritable_format(fmt or "md")
        options = replace(options, to=check_format(fmt or "md"))
        check_option_files(options)
    except UsageError as exc:
        _fail(str(exc), EXIT_USAGE)
    fetching = _fetch_settings(raw) if is_url(inputs[0]) else None
    _convert_one(
        inputs[0],
        None if to_stdout else output,
        options,
        explain=raw["explain"],
        report=raw["report"],
        dash=output is not None,
        fetch_settings=fetching,
    )


def _options(raw: dict[str, Any]) -> Options:
    def path(name: str) -> Path | None:
        return raw.get(name)

    return Options(
        url=raw["url"],
        content_type=raw["content_type"],
        front_matter=raw["front_matter"],
        rules=path("rules"),
        keep_comments=raw["keep_comments"],
        repair=not raw["no_repair"],
        repair_preset=raw["preset"],
        repair_rules=_split(raw["repair_rules"]),
        skip_repair=_split(raw["skip_repair"]) or (),
        protected_words=path("protected"),
        corrections=path("corrections"),
        languages=_split(raw["languages"]),
        max_document_mb=raw["max_document_mb"],
        toc=raw["toc"],
        reference_doc=path("reference_doc"),
        css=path("css"),
        cover=path("cover"),
        split_level=raw["split_level"],
        keep_remote_images=raw["keep_remote_images"],
    )


def _convert_one(
    source: str,
    output: Path | None,
    options: Options,
    *,
    explain: bool,
    report: Path | None,
    dash: bool = False,
    fetch_settings: Any = None,
) -> None:
    """One input to ``output`` (None: standard output; binary formats only with ``-o -``)."""
    from pagewash.bounded import megabytes
    from pagewash.pipeline import clean, render_document
    from pagewash.render import is_text_format

    if output is None and not dash and not is_text_format(options.to):
        _fail(
            f"{options.to} is a binary format; give an output file with -o (or -o - for standard output)",
            EXIT_USAGE,
        )
    for target, option in ((output, "-o"), (report, "--report")):
        if target is not None and target.is_dir():
            _fail(
                f"{option} {target} is a folder; give a file name (or --out-dir DIR for a batch)", EXIT_USAGE
            )
    try:
        if fetch_settings is not None:
            (data, options), in_path = _fetch(source, options, fetch_settings), None
        else:
            data, in_path = _read(source, megabytes(options.max_document_mb))
        _refuse_overwrites(in_path, output, report)
        doc = clean(data, options)
        if explain:
            _explain(doc.changes)
        if report is not None:
            atomic_write(report, _changes_json(doc.changes))
        if doc.is_empty:
            _fail(f"{source}: no main content ({doc.reason}); nothing written", EXIT_NO_CONTENT)
        rendered = render_document(doc, options)
    except UsageError as exc:
        _fail(str(exc), EXIT_USAGE)
    except PagewashError as exc:
        _fail(f"{source}: {exc}", EXIT_FAILED)
    except Exception as exc:  # a bug, not bad input
        _internal_error(source, exc)
    _write_output(source, output, rendered)


def _fetch(url: str, options: Options, settings: Any) -> tuple[bytes, Options]:
    """The page at ``url``; its final URL and charset header go to the options (unless given)."""
    from pagewash.fetch import fetch

    page = fetch(url, settings)
    return page.data, replace(
        options, url=options.url or page.url, content_type=options.content_type or page.content_type
    )


def _fetch_settings(raw: dict[str, Any]) -> Any:
    from pagewash.fetch import FetchSettings

    return FetchSettings(timeout=raw["timeout"], max_bytes=int(raw["max_document_mb"] * 1024 * 1024))


def _convert_urls(
    inputs: tuple[str, ...],
    out_dir: Path | None,
    output: Path | None,
    to: str | None,
    options: Options,
    raw: dict[str, Any],
) -> None:
    """A list of URLs (arguments and/or --input-file) into --out-dir."""
    from pagewash.fetch import is_url
    from pagewash.render import check_format, normalise_format
    from pagewash.url_batch import ARGUMENTS, UrlInput, read_url_list, run_url_batch

    if out_dir is None or output is not None:
        _fail("a list of URLs is converted into a folder: give --out-dir DIR (and no -o)", EXIT_USAGE)
    if not all(is_url(i) for i in inputs):
        _fail("convert URLs and local files in separate runs", EXIT_USAGE)
    if raw["resume"] or raw["engine"] != "local" or raw["workers"] is not None:
        _fail(
            "--resume, --engine and --workers are for file batches; URLs are fetched one after another",
            EXIT_USAGE,
        )
    if raw["explain"] or raw["report"] is not None or raw["url"] is not None:
        _fail("--explain, --report and --url are for one input", EXIT_USAGE)
    try:
        fmt = normalise_format(to or "md")
        fmt = fmt if fmt in BATCH_ONLY_FORMATS - {"parquet"} else check_format(fmt)
        urls = [UrlInput(u, ARGUMENTS) for u in inputs]
        if raw["input_file"] is not None:
            urls += read_url_list(raw["input_file"])
        summary = run_url_batch(
            urls, replace(options, to=fmt), out_dir, _fetch_settings(raw), quiet=raw["quiet"]
        )
    except UsageError as exc:
        _fail(str(exc), EXIT_USAGE)
    except PagewashError as exc:
        _fail(str(exc), EXIT_FAILED)
    sys.exit(summary.exit_status)


def _convert_batch(
    inputs: tuple[str, ...],
    out_dir: Path | None,
    output: Path | None,
    to: str | None,
    options: Options,
    raw: dict[str, Any],
) -> None:
    from pagewash.batch import BatchSettings, run_batch
    from pagewash.output import refuse_unwritable_format
    from pagewash.render import check_format, normalise_format

    if out_dir is None:
        _fail("several inputs need --out-dir DIR", EXIT_USAGE)
    if output is not None:
        _fail("-o names one output file; with --out-dir leave it out", EXIT_USAGE)
    if "-" in inputs:
        _fail("stdin (-) cannot be part of a batch; give files or folders", EXIT_USAGE)
    if raw["explain"] or raw["report"] is not None:
        _fail(
            "--explain and --report are for one input; a batch records failures in "
            "DIR/errors.jsonl and changes in --to json/jsonl records",
            EXIT_USAGE,
        )
    try:
        fmt = normalise_format(to or "md")
        refuse_unwritable_format(fmt)
        fmt = fmt if fmt in BATCH_ONLY_FORMATS else check_format(fmt)
    except UsageError as exc:
        _fail(str(exc), EXIT_USAGE)
    options = replace(options, to=fmt)
    settings = BatchSettings(
        out_dir=out_dir,
        workers=raw["workers"],
        glob=raw["glob_pattern"],
        timeout=raw["timeout"],
        resume=raw["resume"],
        max_memory_mb=raw["max_memory_mb"],
        quiet=raw["quiet"],
        follow_symlinks=raw["follow_symlinks"],
        engine=raw["engine"],
        address=raw["address"],
        jsonl_fields=(raw["url_field"], raw["html_field"], raw["id_field"]),
    )
    try:
        summary = run_batch([Path(p) for p in inputs], options, settings)
    except UsageError as exc:
        _fail(str(exc), EXIT_USAGE)
    except PagewashError as exc:
        _fail(str(exc), EXIT_FAILED)
    except Exception as exc:  # a bug, not bad input
        _internal_error(str(out_dir), exc)
    sys.exit(summary.exit_status)

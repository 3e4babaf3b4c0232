"""`pagewash repair`: text that is already text (plain or JSONL records) repaired."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from pagewash.cli.app import (
    EXIT_FAILED,
    EXIT_USAGE,
    PRESET_HELP,
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


@main.command(
    epilog="""
\b
Examples:
  pagewash repair notes.txt > fixed.txt
  pagewash repair --jsonl corpus.jsonl -o fixed.jsonl   # {"id","lang"?,"text"} per line
  pagewash repair --explain - < text.txt
"""
)
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file (default stdout).")
@click.option("--jsonl", is_flag=True, help='Input is JSONL records {"id", "lang", "text"}.')
@click.option("--lang", "language", help="Language of plain-text input (ru, en); default: guess.")
@click.option("--preset", metavar="NAME", help=PRESET_HELP)
@click.option("--repair", "repair_rules", metavar="RULES", help="Only these repair rules.")
@click.option("--skip-repair", metavar="RULES", help="Repair rules to skip.")
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
    "--languages",
    metavar="LANGS",
    help="Repair only these languages (ru,en); text in others passes unchanged.",
)
@click.option("--explain", is_flag=True, help="List every change on stderr (plain text input).")
def repair(
    source: str,
    output: Path | None,
    jsonl: bool,
    language: str | None,
    preset: str | None,
    repair_rules: str | None,
    skip_repair: str | None,
    protected: Path | None,
    corrections: Path | None,
    languages: str | None,
    explain: bool,
) -> None:
    """Repair plain text or JSONL text records (no HTML): typos, mojibake, lost hyphens."""
    from pagewash import repair as repair_stage

    options = Options(
        repair_preset=preset,
        repair_rules=_split(repair_rules),
        skip_repair=_split(skip_repair) or (),
        protected_words=protected,
        corrections=corrections,
        languages=_split(languages),
    )
    try:
        config = repair_stage.config_from_options(options)
        data, in_path = _read(source)
        _refuse_overwrites(in_path, output, None)
        text = _decode_text(data, source)
        if not jsonl and _looks_like_html(text):
            raise UsageError(
                f"{source} is HTML; 'pagewash repair' takes plain text or "
                f"JSONL records: use 'pagewash convert {source}' for pages"
            )
        failed = 0
        if jsonl:
            result, failed = _repair_jsonl(text, config, repair_stage)
        else:
            result, changes = repair_stage.repair_text(text, language, config)
            if explain:
                _explain(changes)
    except UsageError as exc:
        _fail(str(exc), EXIT_USAGE)
    except PagewashError as exc:
        _fail(f"{source}: {exc}", EXIT_FAILED)
    except Exception as exc:  # a bug, not bad input
        _internal_error(source, exc)
    _write_output(source, None if output is None or str(output) == "-" else output, result)
    if failed:
        sys.exit(EXIT_FAILED)


_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--)", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    """The input opens like an HTML page (a doctype, <html>, <head>, <body> or a comment
    before them), as a saved page or a fetched response does."""
    return bool(_HTML_START.match(text[:1000])) and bool(
        re.search(r"<(?:html|head|body|p|div)[\s>]", text[:20000], re.IGNORECASE)
    )


def _decode_text(data: bytes, source: str) -> str:
    from pagewash.errors import DecodeError

    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from exc


def _repair_jsonl(text: str, config: Any, repair_stage: Any) -> tuple[str, int]:
    """Repair every good line; a bad line becomes an error record and the rest goes on."""
    records: list[dict[str, Any]] = []
    bad: dict[int, dict[str, Any]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            bad[len(records) + len(bad)] = _bad_line(number, f"not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            bad[len(records) + len(bad)] = _bad_line(number, 'expected an object with a "text" string')
            continue
        records.append(record)
    repaired = iter(repair_stage.repair_records(records, config))
    out = [bad[i] if i in bad else next(repaired) for i in range(len(records) + len(bad))]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), len(bad)


def _bad_line(number: int, message: str) -> dict[str, Any]:
    click.echo(f"pagewash: error: line {number}: {message}", err=True)
    return {"id": None, "line": number, "status": "error", "errors": [message]}


if __name__ == "__main__":
    main()

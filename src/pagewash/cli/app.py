"""The command group and what every command shares: exit statuses, one-line failures, the
settings file, reading the input and writing the output."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from pagewash import __version__
from pagewash.errors import PagewashError
from pagewash.output import atomic_write, same_file

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NO_CONTENT = 3
BATCH_ONLY_FORMATS = frozenset({"jsonl", "parquet"})  # one file of records for the whole batch

PRESET_HELP = (
    "Repair preset: 'safe' (default: edits only with evidence, only in text "
    "identified as Russian or English) or 'aggressive' (more fixes, more damage)."
)


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _fail(message: str, status: int) -> NoReturn:
    """One line on stderr, whatever the message holds, then exit with ``status``."""
    line = "; ".join(part.strip() for part in str(message).splitlines() if part.strip())
    click.echo(f"pagewash: error: {line}", err=True)
    sys.exit(status)


def _load_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    """Eager callback: a config file's tables become each command's option defaults."""
    if value is None:
        return
    from pagewash.errors import RulesError
    from pagewash.settings_file import load_defaults

    group = ctx.command
    commands = {
        name: {p.name for p in cmd.params if p.name} for name, cmd in getattr(group, "commands", {}).items()
    }
    try:
        ctx.default_map = load_defaults(value, commands)
    except RulesError as exc:
        _fail(str(exc), EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pagewash")
@click.option(
    "--config",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    envvar="PAGEWASH_CONFIG",
    is_eager=True,
    expose_value=False,
    callback=_load_config,
    help="TOML file with option defaults per command ([convert], [repair]).",
)
def main() -> None:
    """Turn scraped HTML into clean, repaired Markdown, DOCX, EPUB, JSON or text."""


def _read(source: str, max_bytes: int | None = None) -> tuple[bytes, Path | None]:
    """The input's bytes, at most ``max_bytes`` of them (stdin and devices included)."""
    from pagewash.bounded import read_at_most
    from pagewash.load import read_input

    if source == "-":
        return read_at_most(sys.stdin.buffer, max_bytes, "the input"), None
    path = Path(source)
    if not path.exists():
        _fail(f"{source}: no such file; check the path", EXIT_USAGE)
    if path.is_dir():
        _fail(f"{source}: is a folder; add --out-dir DIR to convert a folder", EXIT_USAGE)
    return read_input(path, max_bytes), path


def _write_output(source: str, output: Path | None, rendered: str | bytes) -> None:
    """The result to its file, or to standard output; a failure to write is one line."""
    try:
        if output is None:
            _to_stdout(rendered)
        else:
            atomic_write(output, rendered)
    except PagewashError as exc:
        _fail(str(exc), EXIT_FAILED)
    except Exception as exc:  # a bug, not bad input
        _internal_error(source, exc)


def _to_stdout(rendered: str | bytes) -> None:
    """Write to standard output; a reader that went away (``| head``) ends us quietly."""
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not fail again
        sys.exit(EXIT_FAILED)


def _internal_error(source: str, exc: Exception) -> None:
    """A bug, not bad input: say so in one line and how to see the traceback."""
    if os.environ.get("PAGEWASH_DEBUG"):
        raise exc
    _fail(
        f"{source}: internal error {type(exc).__name__}: {exc} "
        "(rerun with PAGEWASH_DEBUG=1 for the traceback and report it)",
        EXIT_FAILED,
    )


def _refuse_overwrites(in_path: Path | None, output: Path | None, report: Path | None) -> None:
    """The input is never overwritten, and the output and the report never share a file."""
    for target, what in ((output, "output"), (report, "report")):
        if target is not None and in_path is not None and same_file(in_path, target):
            _fail(f"the {what} {target} is the input; choose another path", EXIT_USAGE)
    if output is not None and report is not None and same_file(output, report):
        _fail(f"--report {report} is the output file; choose another path", EXIT_USAGE)


def _explain(changes: Any) -> None:
    for change in changes:
        where = f" [{change.block}]" if change.block is not None else ""
        if change.stage == "extract":
            line = f"dropped{where} by {change.rule}: {change.before!r}"
        else:
            line = f"{change.stage}{where} {change.rule}: {change.before!r} -> {change.after!r}"
        if change.reason:
            line += f" ({change.reason})"
        click.echo(line, err=True)


def _changes_json(changes: Any) -> str:
    return json.dumps([c.to_dict() for c in changes], ensure_ascii=False, indent=2) + "\n"

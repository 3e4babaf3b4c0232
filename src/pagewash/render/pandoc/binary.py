"""The pandoc binary that pypandoc-binary ships: where it is, how it runs, what it writes.

Pandoc always runs with ``--sandbox``: whatever a hostile page put in the document, the
writer can read no local file and open no connection.
"""

from __future__ import annotations

import json
import os
import subprocess
from functools import cache
from pathlib import Path

from pagewash.errors import RenderError, UsageError

PANDOC_TIMEOUT_SECONDS = 120
FORMAT_ALIASES = {"epub": "epub3", "htm": "html", "tex": "latex", "markdown_gfm": "gfm"}
ZIP_FORMATS = frozenset({"docx", "epub", "epub2", "epub3", "odt", "pptx"})
EPUB_FORMATS = frozenset({"epub", "epub2", "epub3"})
XHTML_FORMATS = EPUB_FORMATS | {"html", "html4", "html5", "chunkedhtml"}
REFERENCE_DOC_FORMATS = frozenset({"docx", "odt", "pptx"})
# Writers whose output shows no metadata title (EPUB has it on the title page, but its first
# chapter needs a heading: pandoc would add the title itself when the text starts without one).
TITLE_IN_BODY_FORMATS = EPUB_FORMATS | {"gfm", "commonmark", "commonmark_x", "markdown_strict", "plain"}
CSS_FORMATS = EPUB_FORMATS | {"html", "html4", "html5", "chunkedhtml"}
COVER_TYPES = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"GIF87a": ("gif", "image/gif"),
    b"GIF89a": ("gif", "image/gif"),
}


@cache
def pandoc_path() -> str:
    """The pandoc binary shipped with pypandoc-binary (pinned in pyproject.toml)."""
    try:
        import pypandoc
    except ImportError as exc:
        raise RenderError(
            "DOCX/EPUB output needs pandoc: install it with `pip install pypandoc-binary`"
        ) from exc
    path = pypandoc.get_pandoc_path()
    if not path or not Path(path).exists():
        raise RenderError("pandoc was not found: reinstall with `pip install pypandoc-binary`")
    return str(path)


def run(args: list[str], data: bytes = b"", timeout: float = PANDOC_TIMEOUT_SECONDS) -> bytes:
    try:
        done = subprocess.run(
            [pandoc_path(), *args],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
            env=_pandoc_env(),
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"pandoc did not finish within {timeout:g} s; try a smaller document") from exc
    except OSError as exc:
        raise RenderError(f"pandoc could not be started ({exc}); reinstall pypandoc-binary") from exc
    if done.returncode != 0:
        raise RenderError(f"pandoc failed (exit {done.returncode}): {summarise(done.stderr)}")
    return done.stdout


def _pandoc_env() -> dict[str, str]:
    """The environment without variables that would make pandoc read user files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUA_", "PANDOC_"))}
    env.setdefault("LANG", "C.UTF-8")
    return env


def summarise(stderr: bytes, limit: int = 400) -> str:
    """Pandoc's last error lines, shortened, for a one-line message."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith(("HasCallStack", "  "))]
    text = " | ".join(lines[-3:]) or "no message"
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cache
def pandoc_api_version() -> tuple[int, ...]:
    """The pandoc-types API version of the shipped pandoc, asked once per process."""
    out = run(["--sandbox", "--from=markdown", "--to=json"], b"")
    return tuple(json.loads(out)["pandoc-api-version"])


@cache
def output_formats() -> frozenset[str]:
    return frozenset(run(["--list-output-formats"]).decode("utf-8").split())


def pandoc_format(to: str) -> str:
    """The pandoc writer name for ``to``; an unknown name is a usage error listing them all."""
    name = to.strip().lower().lstrip(".")
    name = FORMAT_ALIASES.get(name, name)
    formats = output_formats()
    if name not in formats:
        listing = ", ".join(sorted(formats | {"epub"}))
        raise UsageError(f"unknown output format {to!r}; pandoc can write: {listing}")
    return name


BINARY_FORMATS = ZIP_FORMATS | {"pdf", "chunkedhtml"}


def is_binary_format(to: str) -> bool:
    """True when pandoc's output for ``to`` is not UTF-8 text (packages, PDF)."""
    name = to.strip().lower().lstrip(".")
    return FORMAT_ALIASES.get(name, name) in BINARY_FORMATS

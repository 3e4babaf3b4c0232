"""DOCX, EPUB3 and every other pandoc format, written by the pandoc that pypandoc-binary ships.

The Document goes to pandoc as JSON AST (``pandoc_ast``), never as HTML. Pandoc always runs
with ``--sandbox``: whatever a hostile page put in the document, the writer can read no local
file and open no connection. Pandoc's output is then finished here, deterministically:

* zip members are rewritten in pandoc's order with one fixed timestamp (``pandoc_zip``), and
  the times inside the package (EPUB ``dcterms:modified``, DOCX ``dcterms:created/modified``,
  ODT ``meta:creation-date``) are set from ``SOURCE_DATE_EPOCH`` (the user's, else the
  document's date, else 0), so the same input gives the same bytes on every run;
* DOCX: every text run gets an explicit proofing language (``w:lang``), Cyrillic runs the
  Russian locale and Latin runs the English one unless their block says otherwise;
* EPUB: ``--css`` and ``--cover`` are applied to the package here, because the sandbox keeps
  pandoc from reading those files itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from pagewash.document import Document
from pagewash.errors import RenderError, UsageError
from pagewash.render.pandoc_ast import (
    AstConfig,
    base_language,
    document_language,
    document_to_ast,
    language_tables,
    normalise_language,
    word_script,
)
from pagewash.render.pandoc_zip import Member, read_members, write_members

if TYPE_CHECKING:
    from pagewash.pipeline import Options

PANDOC_TIMEOUT_SECONDS = 120
FORMAT_ALIASES = {"epub": "epub3", "htm": "html", "tex": "latex", "markdown_gfm": "gfm"}
ZIP_FORMATS = frozenset({"docx", "epub", "epub2", "epub3", "odt", "pptx"})
EPUB_FORMATS = frozenset({"epub", "epub2", "epub3"})
XHTML_FORMATS = EPUB_FORMATS | {"html", "html4", "html5", "chunkedhtml"}
REFERENCE_DOC_FORMATS = frozenset({"docx", "odt", "pptx"})
# Writers whose output shows no metadata title (EPUB has it on the title page, but its first
# chapter needs a heading: pandoc would add the title itself when the text starts without one).
TITLE_IN_BODY_FORMATS = EPUB_FORMATS | {"gfm", "commonmark", "commonmark_x", "markdown_strict",
                                        "plain"}
CSS_FORMATS = EPUB_FORMATS | {"html", "html4", "html5", "chunkedhtml"}
COVER_TYPES = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg"),
               b"GIF87a": ("gif", "image/gif"), b"GIF89a": ("gif", "image/gif")}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
# Children of w:rPr that the schema puts after w:lang; w:lang goes before the first of them.
AFTER_LANG = frozenset({f"{W}eastAsianLayout", f"{W}specVanish", f"{W}oMath"})


# ---------------------------------------------------------------- the pandoc binary


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


def _run(args: list[str], data: bytes = b"", timeout: float = PANDOC_TIMEOUT_SECONDS) -> bytes:
    try:
        done = subprocess.run(
            [pandoc_path(), *args], input=data, capture_output=True, timeout=timeout,
            check=False, env=_pandoc_env(),
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"pandoc did not finish within {timeout:g} s; try a smaller document")\
            from exc
    except OSError as exc:
        raise RenderError(f"pandoc could not be started ({exc}); reinstall pypandoc-binary")\
            from exc
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
    out = _run(["--sandbox", "--from=markdown", "--to=json"], b"")
    return tuple(json.loads(out)["pandoc-api-version"])


@cache
def output_formats() -> frozenset[str]:
    return frozenset(_run(["--list-output-formats"]).decode("utf-8").split())


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


# ---------------------------------------------------------------- one render job


@dataclass(frozen=True, slots=True)
class RenderJob:
    """Everything one pandoc call needs, the same for the CLI and the persistent workers."""

    to: str
    ast: bytes
    epoch: int
    toc: bool = False
    reference_doc: str | None = None
    split_level: int | None = None
    css: bytes | None = None  # EPUB: replaces pandoc's stylesheet in finish()
    css_link: str | None = None  # HTML: a <link> to the user's stylesheet
    cover: bytes | None = None
    language: str = "en"

    @property
    def binary(self) -> bool:
        return self.to in ZIP_FORMATS

    def cli_args(self) -> list[str]:
        args = ["--sandbox", "--from=json", f"--to={self.to}", "--standalone", "--output=-"]
        if self.toc:
            args.append("--toc")
        if self.reference_doc:
            args.append(f"--reference-doc={self.reference_doc}")
        if self.split_level is not None:
            args.append(f"--split-level={self.split_level}")
        if self.css_link:
            args.append(f"--css={self.css_link}")
        return args

    def worker_options(self) -> dict[str, Any]:
        """The same settings as ``cli_args`` for a ``pandoc lua`` worker (no nulls)."""
        options = {"toc": self.toc, "reference_doc": self.reference_doc,
                   "split_level": self.split_level, "css": self.css_link}
        return {key: value for key, value in options.items() if value not in (None, False)}


def source_date_epoch(doc: Document) -> int:
    """``SOURCE_DATE_EPOCH`` when the user set it, else the document's date, else 0."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        if not value.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds, got {value!r}")
        return int(value)
    date = parse_date(doc.metadata.date)
    if date is None:
        return 0
    return int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC).timestamp())


FIRST_YEAR = 1601  # pandoc drops earlier dates, which leaves EPUB's dc:date empty
DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?(?:\b|T)"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b"),
)


def parse_date(text: str | None) -> dt.date | None:
    """A calendar date from ISO-like ("2021-03-04", "2021") or dotted ("04.03.2021") text."""
    text = (text or "").strip()
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        try:
            date = dt.date(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1))
        except ValueError:
            return None
        return date if date.year >= FIRST_YEAR else None
    return None


def _iso_date(doc: Document, epoch: int) -> str:
    date = parse_date(doc.metadata.date)
    if date is None:
        date = dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()
    return date.isoformat()


def ast_config(to: str, options: Options, doc: Document, epoch: int) -> AstConfig:
    return AstConfig(
        api_version=pandoc_api_version(),
        keep_remote_images=options.keep_remote_images,
        regional_tags=to in ("docx", "odt", "pptx"),
        xml_lang=to in XHTML_FORMATS,
        date=_iso_date(doc, epoch) if to in EPUB_FORMATS else None,
        drop_title_heading=to not in TITLE_IN_BODY_FORMATS,
    )


def _read_option_file(path: Path | str | None, what: str) -> bytes | None:
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the {what} file {str(path)!r}: {exc.strerror}") from exc


def _check_options(to: str, options: Options) -> None:
    if options.reference_doc is not None and to not in REFERENCE_DOC_FORMATS:
        raise UsageError("--reference-doc applies to docx, odt and pptx output only")
    if options.css is not None and to not in CSS_FORMATS:
        raise UsageError("--css applies to epub and html output only")
    if options.cover is not None and to not in EPUB_FORMATS:
        raise UsageError("--cover applies to epub output only")
    level = options.split_level
    if level is not None and (not isinstance(level, int) or not 1 <= level <= 6):
        raise UsageError(f"--split-level must be 1..6, got {level!r}")
    if options.reference_doc is not None and not Path(options.reference_doc).is_file():
        raise UsageError(f"reference document not found: {str(options.reference_doc)!r}")


def build_job(doc: Document, to: str, options: Options) -> RenderJob:
    """Check the options, translate the document and collect what the writer needs."""
    fmt = pandoc_format(to)
    _check_options(fmt, options)
    epoch = source_date_epoch(doc)
    try:
        ast = document_to_ast(doc, ast_config(fmt, options, doc, epoch))
    except RecursionError as exc:
        raise RenderError("the document is nested too deeply (hundreds of levels of lists, "
                          "quotes or emphasis) to be written; flatten it first") from exc
    cover = _read_option_file(options.cover, "cover image")
    if cover is not None:
        cover_type(cover)
    epub = fmt in EPUB_FORMATS
    return RenderJob(
        to=fmt,
        ast=json.dumps(ast, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        epoch=epoch,
        toc=options.toc,
        reference_doc=str(Path(options.reference_doc).resolve()) if options.reference_doc
        else None,
        split_level=options.split_level if epub else None,
        css=_read_option_file(options.css, "CSS") if epub else None,
        css_link=str(options.css) if options.css and not epub else None,
        cover=cover,
        language=document_language(doc),
    )


def to_pandoc_ast(doc: Document) -> dict[str, Any]:
    """The document as pandoc JSON AST, for the shipped pandoc's API version."""
    return document_to_ast(doc, AstConfig(api_version=pandoc_api_version()))


def render_pandoc(doc: Document, to: str, options: Options) -> bytes:
    """Write ``doc`` in pandoc format ``to`` (docx, epub, odt, html, latex, rst, …)."""
    job = build_job(doc, to, options)
    return finish(job, _run(job.cli_args(), job.ast))


# ---------------------------------------------------------------- finishing pandoc's output


def finish(job: RenderJob, raw: bytes) -> bytes:
    """Make pandoc's output reproducible and complete (see the module docstring)."""
    if job.to == "docx":
        return _finish_docx(job, raw)
    if job.to in EPUB_FORMATS:
        return _finish_epub(job, raw)
    if job.to == "odt":
        return _finish_odt(job, raw)
    return raw


def _w3c_time(epoch: int) -> str:
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"


Edits = dict[str, Callable[[bytes], bytes]]


def edit_members(members: list[Member], edits: Edits) -> list[Member]:
    """Apply ``edits`` (member name -> new content from old) and keep everything else as is."""
    out = []
    for member in members:
        edit = edits.get(member.name)
        if edit is None:
            out.append(member)
        else:
            stored = member.method == zipfile.ZIP_STORED
            out.append(Member.fresh(member.name, edit(member.content()), stored=stored))
    return out


# ---- DOCX


def _finish_docx(job: RenderJob, raw: bytes) -> bytes:
    stamp = _w3c_time(job.epoch).encode("ascii")

    def core(data: bytes) -> bytes:
        return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                      rb"\g<1>" + stamp + rb"\g<2>", data)

    def runs(data: bytes) -> bytes:
        return set_run_languages(data, job.language)

    edits = {"docProps/core.xml": core, "word/document.xml": runs, "word/footnotes.xml": runs}
    return write_members(edit_members(read_members(raw), edits), job.epoch)


def _finish_odt(job: RenderJob, raw: bytes) -> bytes:
    stamp = _w3c_time(job.epoch).encode("ascii")

    def meta(data: bytes) -> bytes:
        return re.sub(rb"(<(?:meta:creation-date|dc:date)>)[^<]*(<)",
                      rb"\g<1>" + stamp + rb"\g<2>", data)

    return write_members(edit_members(read_members(raw), {"meta.xml": meta}), job.epoch)


def run_language(text: str, default: str) -> str:
    """The proofing language of a run by its script, else the document's language."""
    tables = language_tables()
    script = word_script(text)
    own = tables.script.get(base_language(default))
    lang = tables.script_language.get(script, default) if script and script != own else default
    if "-" in lang:
        return lang
    return tables.locale.get(base_language(lang), lang)


def set_run_languages(xml: bytes, language: str) -> bytes:
    """Give every text run without a ``w:lang`` one; add regions to bare ones ("ru")."""
    root = etree.fromstring(xml)
    default = run_language("", language)
    for run in root.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if not text:
            continue
        props = run.find(f"{W}rPr")
        if props is None:
            props = etree.Element(f"{W}rPr")
            run.insert(0, props)
        lang = props.find(f"{W}lang")
        if lang is None:
            lang = etree.Element(f"{W}lang")
            lang.set(f"{W}val", run_language(text, default))
            _insert_lang(props, lang)
        elif "-" not in lang.get(f"{W}val", ""):
            lang.set(f"{W}val", run_language("", lang.get(f"{W}val") or default))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _insert_lang(props: etree._Element, lang: etree._Element) -> None:
    for index, child in enumerate(props):
        if child.tag in AFTER_LANG:
            props.insert(index, lang)
            return
    props.append(lang)


# ---- EPUB


def cover_type(data: bytes) -> tuple[str, str]:
    """(extension, media type) of a cover image; EPUB readers all show PNG, JPEG and GIF."""
    for magic, kind in COVER_TYPES.items():
        if data.startswith(magic):
            return kind
    raise UsageError("--cover must be a PNG, JPEG or GIF image")


def _finish_epub(job: RenderJob, raw: bytes) -> bytes:
    stamp = _w3c_time(job.epoch).encode("ascii")
    members = read_members(raw)
    root = _epub_root(members)

    def opf(data: bytes) -> bytes:
        return re.sub(rb'(<meta property="dcterms:modified">)[^<]*(<)',
                      rb"\g<1>" + stamp + rb"\g<2>", data)

    edits: Edits = {f"{root}content.opf": opf}
    if job.css is not None:
        css = job.css
        edits.update({m.name: (lambda _old: css) for m in members
                      if m.name.startswith(f"{root}styles/") and m.name.endswith(".css")})
    members = edit_members(members, edits)
    if job.cover is not None:
        members = add_cover(members, root, job.cover, _epub_language(job))
    return write_members(members, job.epoch)


def _epub_root(members: list[Member]) -> str:
    for member in members:
        if member.name.endswith("content.opf"):
            return member.name[: -len("content.opf")]
    raise RenderError("pandoc returned an EPUB without a package document")


def _epub_language(job: RenderJob) -> str:
    return normalise_language(job.language) or "en"


COVER_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="{lang}" xml:lang="{lang}">
<head>
  <meta charset="utf-8" />
  <title>Cover</title>
  <style>body {{ margin: 0; text-align: center; }} img {{ max-width: 100%; max-height: 100%; }}\
</style>
</head>
<body epub:type="cover">
<section epub:type="cover"><img src="../media/cover.{ext}" alt="Cover" /></section>
</body>
</html>
"""


def add_cover(members: list[Member], root: str, image: bytes, lang: str) -> list[Member]:
    """Add a cover image and a cover page first in the reading order."""
    ext, media_type = cover_type(image)
    page = COVER_PAGE.format(lang=lang, ext=ext).encode("utf-8")
    manifest = (
        '<item id="cover_xhtml" href="text/cover.xhtml" media-type="application/xhtml+xml" />\n'
        f'    <item properties="cover-image" id="cover_image" href="media/cover.{ext}" '
        f'media-type="{media_type}" />\n  </manifest>'
    ).encode()

    def opf(data: bytes) -> bytes:
        data = data.replace(b"</manifest>", manifest, 1)
        data = re.sub(rb"(<spine[^>]*>)", rb'\g<1>\n    <itemref idref="cover_xhtml" />', data,
                      count=1)
        return data.replace(b"</guide>", b'  <reference type="cover" title="Cover" '
                            b'href="text/cover.xhtml" />\n  </guide>', 1)

    members = edit_members(members, {f"{root}content.opf": opf})
    return [*members, Member.fresh(f"{root}media/cover.{ext}", image, stored=True),
            Member.fresh(f"{root}text/cover.xhtml", page)]

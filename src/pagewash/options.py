"""What a conversion can be told, as frozen values; this module imports no stage.

``Options`` is what users build (``pagewash.Options(to="epub", repair=False)``, the CLI, the
settings file): one flat set of names, each refused when misspelt. Each stage receives only
its own part, typed: ``Options.extraction`` (``ExtractOptions``), ``Options.repairing``
(``RepairOptions``) and ``Options.rendering`` (``RenderOptions``), so a stage cannot come to
depend on another stage's settings, and the stages never import the pipeline that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pagewash.errors import UsageError

DEFAULT_MAX_DOCUMENT_MB = 20.0  # trafilatura's default; pages above it are data dumps


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """The extractor's part: the page's URL (metadata, relative links), a user rules file
    extending the built-in boilerplate rules, and whether reader comments are kept."""

    url: str | None = None
    rules: Path | None = None
    keep_comments: bool = False


@dataclass(frozen=True, slots=True)
class RepairOptions:
    """The repair stage's part: whether it runs, the preset of ``data/repair_presets.toml``
    (None: the default), rules narrowed by name, the user's protected words and corrections
    files, and the languages word rules may work in (None: every supported one)."""

    enabled: bool = True
    preset: str | None = None
    rules: tuple[str, ...] | None = None
    skip: tuple[str, ...] = ()
    protected_words: Path | None = None
    corrections: Path | None = None
    languages: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """The writers' part: the output format, YAML front matter (Markdown), and the book
    settings pandoc's writers take (contents page, reference DOCX, CSS, cover, chapter split
    level, remote images kept as links)."""

    to: str = "md"
    front_matter: bool = True
    toc: bool = False
    reference_doc: Path | None = None
    css: Path | None = None
    cover: Path | None = None
    split_level: int | None = None
    keep_remote_images: bool = False


@dataclass(frozen=True, slots=True)
class Options:
    """Everything a conversion can be told. Defaults are what a user gets from the CLI.

    ``content_type`` is the HTTP header the page came with (its charset); ``max_document_mb``
    refuses a page larger than this, or one that decompresses to more, with
    ``TooLargeError`` before parsing (None: no limit).
    """

    to: str = "md"
    url: str | None = None
    content_type: str | None = None
    front_matter: bool = True
    repair: bool = True
    repair_preset: str | None = None
    repair_rules: tuple[str, ...] | None = None
    skip_repair: tuple[str, ...] = ()
    protected_words: Path | None = None
    corrections: Path | None = None
    languages: tuple[str, ...] | None = None
    rules: Path | None = None
    keep_comments: bool = False
    toc: bool = False
    reference_doc: Path | None = None
    css: Path | None = None
    cover: Path | None = None
    split_level: int | None = None
    keep_remote_images: bool = False
    max_document_mb: float | None = DEFAULT_MAX_DOCUMENT_MB

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        """Build options from keyword arguments, refusing names that do not exist."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise UsageError(f"unknown option(s): {', '.join(unknown)}; known: {sorted(known)}")
        return cls(**kwargs)

    @property
    def extraction(self) -> ExtractOptions:
        return ExtractOptions(url=self.url, rules=self.rules, keep_comments=self.keep_comments)

    @property
    def repairing(self) -> RepairOptions:
        return RepairOptions(
            enabled=self.repair,
            preset=self.repair_preset,
            rules=self.repair_rules,
            skip=self.skip_repair,
            protected_words=self.protected_words,
            corrections=self.corrections,
            languages=self.languages,
        )

    @property
    def rendering(self) -> RenderOptions:
        return RenderOptions(
            to=self.to,
            front_matter=self.front_matter,
            toc=self.toc,
            reference_doc=self.reference_doc,
            css=self.css,
            cover=self.cover,
            split_level=self.split_level,
            keep_remote_images=self.keep_remote_images,
        )


def rendering(options: Options | RenderOptions) -> RenderOptions:
    """The writers' part of either kind of options (public render functions take both)."""
    return options.rendering if isinstance(options, Options) else options

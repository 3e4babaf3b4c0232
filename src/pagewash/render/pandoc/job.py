"""One pandoc call, as data: the translated document and the writer's settings.

The one-shot renderer passes it to a pandoc run on the command line, the persistent workers
to a warm ``pandoc lua`` process; ``package.finish`` then completes the output the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pagewash.render.pandoc.binary import ZIP_FORMATS


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
        options = {
            "toc": self.toc,
            "reference_doc": self.reference_doc,
            "split_level": self.split_level,
            "css": self.css_link,
        }
        return {key: value for key, value in options.items() if value not in (None, False)}

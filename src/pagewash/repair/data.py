"""Read the repair stage's data files (plain text / TSV under ``pagewash/data``) and the
user's protected-words and corrections files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from pagewash.errors import RulesError

_COMMENT = re.compile(r"[ \t]+#")


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-empty lines with their 1-based numbers; ``#`` at the start or after a space starts
    a comment, so words such as "C#" survive."""
    out = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        line = _COMMENT.split(raw.strip(), 1)[0].strip()
        if line and not line.startswith("#"):
            out.append((number, line))
    return out


@cache
def words(name: str) -> frozenset[str]:
    """A bundled word list (words separated by spaces or lines), lower-cased."""
    text = resources.files("pagewash.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(word.lower() for _, line in _lines(text) for word in line.split())


@cache
def pairs(name: str) -> tuple[tuple[str, str], ...]:
    """A bundled two-column TSV."""
    text = resources.files("pagewash.data").joinpath(name).read_text(encoding="utf-8")
    return tuple(_pair(name, number, line) for number, line in _lines(text))


def _pair(source: str, number: int, line: str) -> tuple[str, str]:
    cols = [c.strip() for c in line.split("\t")]
    if len(cols) != 2 or not all(cols):
        raise RulesError(
            f"{source}:{number}: expected 'wrong<TAB>right', got {line!r}; "
            "separate the two words with one tab"
        )
    return cols[0], cols[1]


def _read_user_file(path: Path, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(f"{what} file not found: {path}; check the path") from None
    except UnicodeDecodeError as exc:
        raise RulesError(f"{what} file {path} is not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    except OSError as exc:
        raise RulesError(f"cannot read {what} file {path}: {exc.strerror}") from None


def _stamp(path: Path) -> tuple[int, int]:
    """Size and modification time: a changed file is read again, an unchanged one is not."""
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)  # reading reports the reason
    return (info.st_size, info.st_mtime_ns)


def read_protected(path: Path) -> frozenset[str]:
    """A user protected-words file: one word per line, ``#`` comments (read once per change,
    not once per document of a batch)."""
    return _read_protected(path, _stamp(path))


def read_corrections(path: Path) -> Mapping[str, str]:
    """A user corrections file: ``wrong<TAB>right`` per line, ``#`` comments (read once per
    change)."""
    return MappingProxyType(_read_corrections(path, _stamp(path)))


@lru_cache(maxsize=32)
def _read_protected(path: Path, _stamp: tuple[int, int]) -> frozenset[str]:
    text = _read_user_file(path, "protected-words")
    found = []
    for number, line in _lines(text):
        if "\t" in line:
            raise RulesError(f"{path}:{number}: one word per line expected, got {line!r}")
        found.append(line)
    return frozenset(found)


@lru_cache(maxsize=32)
def _read_corrections(path: Path, _stamp: tuple[int, int]) -> dict[str, str]:
    text = _read_user_file(path, "corrections")
    return dict(_pair(str(path), number, line) for number, line in _lines(text))

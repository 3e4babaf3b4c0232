"""Compact word-frequency tables: wordfreq's ``large`` lists without a million Python strings.

As Python dicts the Russian list (713k forms) costs about 150 MB and the English one (321k)
about 45 MB, more than the rest of the pipeline together. Here a table is a sorted
``array('Q')`` of 64-bit keys, one per word: CRC-32 of the UTF-8 word (high 32 bits), 16 more
bits of Adler-32 and the word's frequency bucket (low 16 bits), plus a slot index over the
top CRC bits, so a look-up is two checksums and a short binary search in C. A dict keeps the
frequent words (Zipf >= ``TOP_ZIPF``) that running text asks for most, and a 1 MB bitmap of
CRC values rejects most non-words (spelling candidates are mostly non-words) with one
checksum. CRC-32 never maps two words of one length that differ in one letter or a swap to
the same value, and any other false hit needs 48 matching bits (about one in 10^8 look-ups
of the Russian table).

The table is built once from wordfreq's file, one frequency bucket at a time (so building
never holds the whole list either), and stored under the user's cache directory
(``$PAGEWASH_CACHE_DIR``, else ``$XDG_CACHE_HOME/pagewash``, else ``~/.cache/pagewash``);
later processes read it in milliseconds. Without a writable cache directory the table is
built in memory each time.
"""

from __future__ import annotations

import fcntl
import gzip
import logging
import os
import tempfile
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

FORMAT = 5
# Words at least this frequent are kept as strings too: a dict hit is ten times faster.
TOP_ZIPF = 4.0
_TOP_BUCKET = round((9.0 - TOP_ZIPF) * 100)
_SLOT_BITS = 16
_SLOT_SHIFT = 32 - _SLOT_BITS
# The bitmap has a bit per value of the top ``_BITMAP_BITS`` bits of a CRC: 1 MB, about 8%
# of its bits set for Russian, so candidate generation (hundreds of strings per unknown
# word, nearly all of them no word) mostly stops there. (4 MB would save 5% of the typo
# search in text dense with typos, for 6 MB more per process.)
_BITMAP_BITS = 23
_BITMAP_SHIFT = 32 - _BITMAP_BITS
_MAGIC = b"PWFREQ"


def zipf_of(bucket: int) -> float:
    """wordfreq buckets are centibels below probability 1: Zipf = 9 - bucket / 100."""
    return 9.0 - bucket / 100.0


def checksums(word: str) -> tuple[int, int]:
    """(CRC-32, 48-bit key without the bucket) of a word."""
    raw = word.encode("utf-8", "surrogatepass")
    crc = zlib.crc32(raw)
    return crc, (crc << 32) | ((zlib.adler32(raw) & 0xFFFF) << 16)


class Frequencies:
    """Word -> wordfreq bucket for one language, read-only and compact."""

    def __init__(self, keys: array, index: array, bitmap: bytes, top: dict[str, int]) -> None:
        self._keys = keys
        self._index = index
        self._bitmap = bitmap
        self._top = top

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, word: str) -> int | None:
        """The word's bucket, or None when wordfreq never saw it."""
        bucket = self._top.get(word)
        if bucket is not None:
            return bucket
        crc, key = checksums(word)
        slot = crc >> _SLOT_SHIFT
        keys, end = self._keys, self._index[slot + 1]
        at = bisect_left(keys, key, self._index[slot], end)
        if at < end and keys[at] >> 16 == key >> 16:
            return keys[at] & 0xFFFF
        return None

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def known_among(self, words: Iterable[str]) -> list[str]:
        """The words of ``words`` wordfreq has seen (candidate generation asks for hundreds)."""
        bitmap, shift = self._bitmap, _BITMAP_SHIFT
        found = []
        for word in words:
            bit = zlib.crc32(word.encode("utf-8", "surrogatepass")) >> shift
            if bitmap[bit >> 3] >> (bit & 7) & 1 and self.get(word) is not None:
                found.append(word)
        return found

    @classmethod
    def from_buckets(cls, buckets: Iterable[list[str]]) -> Frequencies:
        """Build from wordfreq's lists of words per bucket (most frequent first)."""
        parts = [array("Q") for _ in range(256)]
        top: dict[str, int] = {}
        for bucket, words in enumerate(buckets):
            for word in words:
                crc, key = checksums(word)
                parts[crc >> 24].append(key | bucket)
                if bucket <= _TOP_BUCKET:
                    top.setdefault(word, bucket)
        keys = array("Q")
        for part in parts:
            keys.extend(sorted(part))
        return cls(keys, _slot_index(keys), _bitmap(keys), top)

    def to_bytes(self) -> bytes:
        top = "\n".join(f"{bucket}\t{word}" for word, bucket in self._top.items())
        body = top.encode("utf-8", "surrogatepass")
        head = b"%s %d %d %d %d\n" % (_MAGIC, FORMAT, len(self._keys), len(self._index), len(body))
        return head + self._keys.tobytes() + self._index.tobytes() + self._bitmap + body

    @classmethod
    def read(cls, handle: BinaryIO) -> Frequencies:
        """Read a stored table straight into its arrays (no intermediate copy of the file)."""
        fields = handle.readline().split()
        if len(fields) != 5 or fields[0] != _MAGIC or int(fields[1]) != FORMAT:
            raise ValueError("not a pagewash frequency table of this format")
        n_keys, n_index, n_top = (int(f) for f in fields[2:])
        keys, index = array("Q"), array("I")
        try:
            keys.fromfile(handle, n_keys)
            index.fromfile(handle, n_index)
        except EOFError:
            raise ValueError("truncated pagewash frequency table") from None
        bitmap = handle.read(1 << (_BITMAP_BITS - 3))
        body = handle.read(n_top)
        if len(bitmap) != 1 << (_BITMAP_BITS - 3) or len(body) != n_top:
            raise ValueError("truncated pagewash frequency table")
        top = {}
        for row in body.decode("utf-8", "surrogatepass").split("\n") if n_top else ():
            bucket, _, word = row.partition("\t")
            top[word] = int(bucket)
        return cls(keys, index, bitmap, top)


def _bitmap(keys: array) -> bytes:
    bitmap = bytearray(1 << (_BITMAP_BITS - 3))
    shift = 32 + _BITMAP_SHIFT
    for key in keys:
        bit = key >> shift
        bitmap[bit >> 3] |= 1 << (bit & 7)
    return bytes(bitmap)


def _slot_index(keys: array) -> array:
    """``index[s]`` is the first position whose key's top CRC bits are >= ``s``."""
    index = array("I", [0]) * ((1 << _SLOT_BITS) + 1)
    counts = array("I", [0]) * (1 << _SLOT_BITS)
    shift = 32 + _SLOT_SHIFT
    for key in keys:
        counts[key >> shift] += 1
    total = 0
    for slot, count in enumerate(counts):
        index[slot] = total
        total += count
    index[1 << _SLOT_BITS] = total
    return index


# ---------------------------------------------------------------- wordfreq source and cache


def _stream_buckets(lang: str) -> Iterator[list[str]]:
    """wordfreq's ``large`` list of ``lang`` one bucket at a time (its documented cBpack
    layout: a msgpack list of a header and one word list per centibel)."""
    import msgpack
    from wordfreq import available_languages

    path = available_languages("large").get(lang)
    if path is None:
        raise LookupError(f"wordfreq has no large word list for {lang!r}")
    with gzip.open(path, "rb") as handle:
        unpacker = msgpack.Unpacker(handle, raw=False)
        count = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB":
            raise ValueError(f"{path}: unexpected wordfreq list format {header!r}")
        for _ in range(count - 1):
            yield unpacker.unpack()


def cache_dir() -> Path:
    explicit = os.environ.get("PAGEWASH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pagewash"


def _cache_path(lang: str) -> Path:
    from importlib.metadata import version

    return cache_dir() / f"wordfreq-{version('wordfreq')}-large-{lang}.v{FORMAT}.bin"


def load_frequencies(lang: str) -> Frequencies:
    """The table of ``lang`` from the cache, building and storing it on first use.

    Concurrent processes (batch workers on a cold cache) wait on a lock file so that one of
    them builds the table and the others read it, instead of all building it at once.
    """
    path = _cache_path(lang)
    table = _read_cached(path)
    if table is not None:
        return table
    with _build_lock(path):
        table = _read_cached(path)
        if table is None:
            table = Frequencies.from_buckets(_stream_buckets(lang))
            _store(path, table.to_bytes())
            _drop_stale(path, lang)
    return table


def _read_cached(path: Path) -> Frequencies | None:
    try:
        with path.open("rb") as handle:
            return Frequencies.read(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("rebuilding unreadable word-frequency cache %s: %s", path, exc)
        return None


@contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """An exclusive lock beside the cache file; no lock (and no waiting) where none can be made."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "a+b")  # noqa: SIM115
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _drop_stale(current: Path, lang: str) -> None:
    """Tables of older formats for this wordfreq version are never read again. Tables of
    other wordfreq versions stay: another environment may share the cache folder."""
    prefix = current.name.rsplit(".v", 1)[0]
    for old in current.parent.glob(f"{prefix}.v*.bin"):
        if old != current:
            old.unlink(missing_ok=True)


def _store(path: Path, blob: bytes) -> None:
    """Write atomically, so concurrent processes never read half a table."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError as exc:
        log.warning(
            "word-frequency cache not written to %s (%s); it is rebuilt in memory by each process", path, exc
        )
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        log.warning(
            "word-frequency cache not written to %s (%s); it is rebuilt in memory by each process", path, exc
        )
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""Fetching one web page over HTTP(S) for conversion, with the limits a crawler needs.

``fetch(url)`` returns the page's bytes, the final URL (after redirects; the document's URL)
and the ``Content-Type`` header (its charset goes to ``load``). Limits: a connect/read time-out
and a deadline for the whole fetch (a server that drips bytes cannot hold a job), a size cap
checked while the body streams in (a huge or endless body is never read whole; compressed
bodies are capped after decompression, so a gzip bomb stops at the cap too), and at most
``max_redirects`` redirects, each checked to stay on http/https. Anything that goes wrong
is a ``FetchError`` whose one-line message says what happened: the host name does not
resolve, TLS failed, the connection was refused, the server answered 4xx/5xx, the body is too
large, the response is not an HTML page.

httpx does the HTTP; redirects are followed here, hop by hop, so each target can be checked.
"""

from __future__ import annotations

import errno
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from pagewash.errors import FetchError

HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SCHEMES = ("http", "https")
MiB = 1024 * 1024


def user_agent() -> str:
    from pagewash import __version__

    return f"pagewash/{__version__} (HTML to clean text converter; python-httpx/{httpx.__version__})"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits of one fetch. ``timeout``: seconds for the whole fetch (connect, each read and
    the total); ``max_bytes``: body size cap (after decompression)."""

    timeout: float = 30.0
    max_bytes: int = 20 * MiB
    max_redirects: int = 5
    user_agent: str | None = None  # None: "pagewash/<version> ..."


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page: ``url`` is the final URL after redirects."""

    data: bytes
    url: str
    content_type: str | None
    status: int


def is_url(text: str) -> bool:
    """True for an http(s) URL given where a path could be (the CLI's test)."""
    return text.lower().startswith(("http://", "https://"))


def fetch(url: str, settings: FetchSettings | None = None, client: httpx.Client | None = None) -> Fetched:
    """Fetch ``url`` as an HTML page within ``settings``' limits; ``FetchError`` otherwise."""
    settings = settings or FetchSettings()
    _check_scheme(url, url)
    deadline = time.monotonic() + settings.timeout
    own = client is None
    http = client or new_client(settings)
    try:
        current = url
        for _ in range(settings.max_redirects + 1):
            fetched_or_next = _request(http, current, url, settings, deadline)
            if isinstance(fetched_or_next, Fetched):
                return fetched_or_next
            current = fetched_or_next
        raise FetchError(f"{url}: more than {settings.max_redirects} redirects; giving up")
    finally:
        if own:
            http.close()


def new_client(settings: FetchSettings) -> httpx.Client:
    """A client for many fetches (connections reused); redirects are left to ``fetch``."""
    headers = {
        "User-Agent": settings.user_agent or user_agent(),
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    }
    return httpx.Client(headers=headers, follow_redirects=False, timeout=httpx.Timeout(settings.timeout))


def _request(
    http: httpx.Client, current: str, original: str, settings: FetchSettings, deadline: float
) -> Fetched | str:
    """The page, or the URL a redirect points to."""
    try:
        with http.stream("GET", current) as response:
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                target = urljoin(current, response.headers["location"])
                _check_scheme(target, original)
                return target
            _check_status(response, current)
            content_type = response.headers.get("content-type")
            _check_type(content_type, current)
            data = b"".join(_body(response, current, settings, deadline))
            return Fetched(data, str(response.url), content_type, response.status_code)
    except httpx.TimeoutException as exc:
        raise FetchError(
            f"{current}: no answer within {settings.timeout:g} s "
            f"({type(exc).__name__}); try again later or raise --timeout"
        ) from exc
    except httpx.ConnectError as exc:
        raise FetchError(f"{current}: {_connect_problem(exc, current)}") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"{current}: not a valid URL ({exc})") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{current}: the transfer failed ({type(exc).__name__}: {exc})") from exc


def _check_scheme(target: str, original: str) -> None:
    scheme = urlsplit(target).scheme.lower()
    if scheme not in SCHEMES:
        where = "is" if target == original else f"redirects to {target!r}, which is"
        raise FetchError(f"{original}: {where} not an http or https URL; only web pages are fetched")


def _check_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if status >= 400:
        kind = "the server failed" if status >= 500 else "the page cannot be had"
        raise FetchError(f"{url}: HTTP {status} {response.reason_phrase} ({kind})")
    if not 200 <= status < 300:
        raise FetchError(f"{url}: HTTP {status} {response.reason_phrase} is not a page")


def _check_type(content_type: str | None, url: str) -> None:
    """HTML media types pass; no header passes too (the loader sniffs the bytes)."""
    if not content_type:
        return
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in HTML_MEDIA_TYPES:
        raise FetchError(f"{url}: the response is {media_type}, not an HTML page")


def _body(response: httpx.Response, url: str, settings: FetchSettings, deadline: float) -> Iterator[bytes]:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_bytes:
        raise _too_large(url, settings, f"it declares {int(declared):,} bytes")
    received = 0
    for chunk in response.iter_bytes():  # as it arrives, decompressed
        received += len(chunk)
        if received > settings.max_bytes:
            raise _too_large(url, settings, "the body goes on past the cap")
        if time.monotonic() > deadline:
            raise FetchError(
                f"{url}: the page took longer than {settings.timeout:g} s to arrive; "
                "raise --timeout for slow servers"
            )
        yield chunk


def _too_large(url: str, settings: FetchSettings, why: str) -> FetchError:
    return FetchError(
        f"{url}: the page is larger than {settings.max_bytes / MiB:g} MB ({why}); "
        "raise --max-document-mb to fetch it"
    )


def _connect_problem(exc: BaseException, url: str) -> str:
    """What stopped the connection, told apart by the OS error under httpx's."""
    host = urlsplit(url).hostname or url
    causes = list(_chain(exc))
    if any(isinstance(c, socket.gaierror) for c in causes) or _mentions(
        exc,
        "name or service not known",
        "nodename nor servname",
        "getaddrinfo",
        "temporary failure in name resolution",
        "no address associated",
    ):
        return f"the host name {host!r} does not resolve (DNS); check the address"
    if any(isinstance(c, ssl.SSLError) for c in causes) or _mentions(exc, "ssl", "certificate", "tls"):
        return f"the TLS connection to {host} failed ({exc}); the site's certificate may be invalid"
    if (
        any(isinstance(c, ConnectionRefusedError) for c in causes)
        or _mentions(exc, "connection refused")
        or any(getattr(c, "errno", None) == errno.ECONNREFUSED for c in causes)
    ):
        return f"the connection to {host} was refused; is the server running?"
    return f"cannot connect to {host} ({exc})"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _mentions(exc: BaseException, *phrases: str) -> bool:
    text = " ".join(str(c) for c in _chain(exc)).lower()
    return any(p in text for p in phrases)

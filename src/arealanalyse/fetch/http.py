"""A small, careful HTTP client for the fetchers: cache, retries with backoff, resume, atomic files.

Every download lands in a cache folder under a name derived from the request (method, URL,
parameters, body), so a second run finds it there and sends no request. A download is streamed
into ``<name>.part`` and moved into place only when complete (atomic). If a run is interrupted,
the next one resumes the ``.part`` file with an HTTP ``Range`` request (when the server answers
``206 Partial Content``; otherwise it starts over).

Retries: HTTP 429 and 5xx answers are retried with exponential backoff (1, 2, 4, ... s, capped),
honouring ``Retry-After`` (seconds or an HTTP date). Connection failures (DNS, refused, timeouts)
are retried only ``connect_retries`` times with short pauses, so a machine without a network
gets a clear :class:`~arealanalyse.errors.FetchError` within seconds, naming the service.

Nothing that is not the data asked for is ever cached: an HTML page where data was expected (an
error or login page answered with ``200 OK``), a body shorter than its ``Content-Length`` after
the resume attempts, or an answer the caller's ``validate`` check rejects (a truncated XML or zip,
an Overpass ``runtime error`` remark) raises a :class:`FetchError` and leaves nothing behind.

A request is described once, as a :class:`Request` (service, method, URL, parameters, body):
the fetchers build them, :meth:`HttpClient.fetch_request` sends them and ``arealanalyse fetch
--dry-run`` prints them, so what is shown is what would be sent.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from arealanalyse.errors import FetchError
from arealanalyse.io import write_json

__all__ = ["OFFLINE_HINT", "HttpClient", "Progress", "Request", "cache_key"]

#: Appended to every "could not reach" message.
OFFLINE_HINT = "the demo works offline: make demo"

#: ``progress(service, bytes_done, bytes_total_or_None)``, called while downloading.
Progress = Callable[[str, int, int | None], None]

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
# What a body cut off mid-download raises (requests wraps urllib3's protocol errors).
_INTERRUPTED = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
_CHUNK = 1 << 16


def cache_key(
    method: str,
    url: str,
    params: Mapping[str, Any] | None = None,
    data: Mapping[str, str] | str | None = None,
) -> str:
    """Return a stable hex key for a request (same request → same cache file).

    Examples
    --------
    >>> cache_key("GET", "https://x.no/a", {"b": 1, "a": 2}) == cache_key(
    ...     "GET", "https://x.no/a", {"a": 2, "b": 1})
    True
    """
    blob = json.dumps(
        [method.upper(), url, sorted((params or {}).items()), data],
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Request:
    """One HTTP request a fetcher makes: what :meth:`HttpClient.fetch_request` sends.

    ``headers`` are sent but are not part of the cache key and never printed (they may carry
    credentials). ``note`` explains the request; ``unconfirmed`` says what about it no public
    source confirms. ``arealanalyse fetch --dry-run`` shows both.

    Examples
    --------
    >>> r = Request("Kartverket kommuneinfo", "https://api.kartverket.no/x",
    ...             params={"utkoordsys": "25832"}, suffix=".json")
    >>> r.display_url()
    'https://api.kartverket.no/x?utkoordsys=25832'
    """

    service: str
    url: str
    params: Mapping[str, str] | None = None
    method: str = "GET"
    data: Mapping[str, str] | str | None = None
    suffix: str = ""
    headers: Mapping[str, str] | None = None
    validate: Callable[[Path], str | None] | None = field(default=None, compare=False)
    note: str = ""
    unconfirmed: str = ""

    def display_url(self) -> str:
        """Return the URL with its query string (``:``, ``,`` and ``<>`` left readable)."""
        if not self.params:
            return self.url
        return f"{self.url}?{urlencode(dict(self.params), safe=':,<>')}"

    def body_summary(self, width: int = 160) -> str:
        """Return the request body (e.g. an Overpass query) cut to ``width`` characters."""
        if self.data is None:
            return ""
        text = (
            " ".join(str(self.data).split())
            if not isinstance(self.data, Mapping)
            else ("; ".join(f"{k}={' '.join(str(v).split())}" for k, v in self.data.items()))
        )
        return text if len(text) <= width else f"{text[: width - 1]}… ({len(text)} characters)"


def _retry_after_s(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class HttpClient:
    """Download files into a cache, with retries, backoff, resume and atomic writes.

    Parameters
    ----------
    cache_dir
        Folder of the cache (created on first download).
    session
        A ``requests.Session`` (tests pass one whose adapters are mocked).
    timeout_s
        ``(connect, read)`` timeouts in seconds.
    retries
        Attempts after the first for HTTP 429/5xx answers.
    connect_retries
        Attempts after the first for connection failures (kept small: no network → fail fast).
    backoff_s, max_backoff_s
        First pause and cap of the exponential backoff; ``Retry-After`` is honoured up to the cap.
    sleep
        The pause function (tests pass a recorder).
    progress
        Optional callback ``progress(service, bytes_done, bytes_total)``.
    user_agent
        Sent with every request (Overpass and Nominatim ask for an identifying one).
    probe_timeout_s
        Before the first download from a host, check within this many seconds that the host
        can be reached at all (DNS and TCP), so a machine without a network fails fast even
        where DNS hangs. Skipped when a proxy is configured; ``0`` disables it.
    max_age_s
        Cached answers older than this are downloaded again (``None``: a cached answer never
        expires).

    Examples
    --------
    >>> import tempfile
    >>> client = HttpClient(tempfile.mkdtemp())
    >>> client.requests_sent
    0
    """

    cache_dir: str | os.PathLike[str]
    session: requests.Session | None = None
    timeout_s: tuple[float, float] = (10.0, 300.0)
    retries: int = 5
    connect_retries: int = 2
    backoff_s: float = 1.0
    max_backoff_s: float = 60.0
    sleep: Callable[[float], None] = field(default=lambda seconds: time.sleep(seconds))
    progress: Progress | None = None
    user_agent: str = field(default_factory=lambda: _default_user_agent())
    probe_timeout_s: float = 8.0
    max_age_s: float | None = None
    requests_sent: int = field(default=0, init=False)
    cache_hits: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.cache_dir = Path(self.cache_dir)
        if self.session is None:
            self.session = requests.Session()
        self._reachable: dict[str, str | None] = {}

    def _probe(self, url: str, service: str) -> None:
        """Raise a :class:`FetchError` quickly if ``url``'s host cannot be reached at all."""
        if self.probe_timeout_s <= 0:
            return
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not host or (host in self._reachable and self._reachable[host] is None):
            return
        assert self.session is not None
        if self.session.proxies or requests.utils.get_environ_proxies(url):
            return
        if host not in self._reachable:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            self._reachable[host] = _probe_host(host, port, self.probe_timeout_s)
        problem = self._reachable[host]
        if problem is not None:
            raise FetchError(
                f"Could not reach {service} at {host} ({problem}); check the network "
                f"connection or proxy — {OFFLINE_HINT}."
            )

    # ------------------------------------------------------------------------------------------
    def fetch_request(self, request: Request, /) -> Path:
        """Return a local file holding the answer to ``request`` (see :meth:`fetch`)."""
        return self.fetch(
            request.url,
            service=request.service,
            params=request.params,
            data=request.data,
            method=request.method,
            suffix=request.suffix,
            headers=request.headers,
            validate=request.validate,
        )

    def cached_request_path(self, request: Request, /) -> Path:
        """Return where the answer to ``request`` is (or would be) cached."""
        return self.cached_path(
            request.url,
            service=request.service,
            params=request.params,
            data=request.data,
            method=request.method,
            suffix=request.suffix,
        )

    def _fresh(self, path: Path) -> bool:
        if self.max_age_s is None:
            return True
        return time.time() - path.stat().st_mtime <= self.max_age_s

    def cached_path(
        self,
        url: str,
        *,
        service: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | str | None = None,
        method: str = "GET",
        suffix: str = "",
    ) -> Path:
        """Return where the answer to this request is (or would be) cached."""
        key = cache_key(method, url, params, data)
        folder = Path(self.cache_dir) / _slug(service)
        return folder / f"{key}{suffix}"

    def fetch(
        self,
        url: str,
        *,
        service: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | str | None = None,
        method: str = "GET",
        suffix: str = "",
        headers: Mapping[str, str] | None = None,
        validate: Callable[[Path], str | None] | None = None,
    ) -> Path:
        """Return a local file holding the answer to the request, downloading it if needed.

        Parameters
        ----------
        url, params, data, method, headers
            The request (``data`` is a POST body or form dict).
        service
            Human name of the service for messages and the cache folder, e.g. ``"Overpass"``.
        suffix
            File suffix of the cached file (``.xml``, ``.zip``...).
        validate
            Optional check of a complete download; returns an error text (the file is then
            discarded and a :class:`FetchError` raised) or ``None``.
        """
        target = self.cached_path(
            url, service=service, params=params, data=data, method=method, suffix=suffix
        )
        if target.is_file() and self._fresh(target):
            self.cache_hits += 1
            return target
        self._probe(url, service)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        host = urlsplit(url).netloc or url
        attempt = 0
        connect_failures = 0
        while True:
            resume_from = part.stat().st_size if part.is_file() and method == "GET" else 0
            if method != "GET" and part.exists():
                part.unlink()
            hdrs = {"User-Agent": self.user_agent, **(headers or {})}
            if resume_from:
                # Byte ranges count the stored (decoded) bytes: ask for the plain representation.
                hdrs["Range"] = f"bytes={resume_from}-"
                hdrs["Accept-Encoding"] = "identity"
            try:
                self.requests_sent += 1
                assert self.session is not None
                resp = self.session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=hdrs,
                    timeout=self.timeout_s,
                    stream=True,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                connect_failures += 1
                if connect_failures > self.connect_retries:
                    if isinstance(exc, requests.ReadTimeout):
                        raise FetchError(
                            f"{service} at {host} did not answer within {self.timeout_s[1]:g} s "
                            f"({connect_failures} attempts); the service is busy or down: try "
                            "again later or allow more time with --timeout."
                        ) from None
                    raise FetchError(
                        f"Could not reach {service} at {host} ({_reason(exc)}); check the "
                        f"network connection or proxy — {OFFLINE_HINT}."
                    ) from None
                self.sleep(min(self.backoff_s * 2 ** (connect_failures - 1), self.max_backoff_s))
                continue
            with resp:
                status = resp.status_code
                if status in _RETRY_STATUS:
                    attempt += 1
                    if attempt > self.retries:
                        raise FetchError(
                            f"{service} at {host} answered HTTP {status} {resp.reason} "
                            f"{attempt} times; the service is busy or down, try again later."
                        )
                    wait = _retry_after_s(resp.headers.get("Retry-After"))
                    if wait is None:
                        wait = self.backoff_s * 2 ** (attempt - 1)
                    self.sleep(min(wait, self.max_backoff_s))
                    continue
                if status == 416 and resume_from:  # our .part is already whole or stale
                    part.unlink()
                    continue
                if status in (401, 403):
                    raise FetchError(
                        f"{service} at {host} refused access (HTTP {status} {resp.reason}) to "
                        f"{_short(url)}: the data needs a login, or the account given has no "
                        "access to it."
                    )
                if status >= 400:
                    snippet = _snippet(resp.text)
                    raise FetchError(
                        f"{service} at {host} answered HTTP {status} {resp.reason} for "
                        f"{_short(url)}: {snippet!r}; check the request (kommunenummer, "
                        "endpoint) or try again later."
                    )
                append = status == 206 and resume_from > 0
                if append and _range_start(resp.headers.get("Content-Range")) != resume_from:
                    part.unlink()  # the server sent another range than asked: start over
                    continue
                total = _total_size(resp, resume_from if append else 0)
                try:
                    self._stream(resp, part, append=append, service=service, total=total)
                except _INTERRUPTED as exc:
                    # Interrupted mid-body: keep the .part and resume on the next attempt.
                    connect_failures += 1
                    if connect_failures > self.connect_retries:
                        raise FetchError(
                            f"Download from {service} at {host} was interrupted "
                            f"({_reason(exc)}); run the command again to resume."
                        ) from None
                    self.sleep(self.backoff_s)
                    continue
            if total is not None and part.stat().st_size != total:
                # Short body: resume from what we have.
                connect_failures += 1
                if connect_failures > self.connect_retries:
                    raise FetchError(
                        f"Download from {service} at {host} stopped at "
                        f"{part.stat().st_size} of {total} bytes; run again to resume."
                    )
                continue
            problem = _html_instead_of_data(part)
            if problem is None and validate is not None:
                problem = validate(part)
            if problem:
                part.unlink()
                raise FetchError(f"{service} at {host}: {problem}")
            os.replace(part, target)
            fetched = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            meta = {"url": url, "params": dict(params or {}), "method": method,
                    "service": service, "fetched": fetched}  # fmt: skip
            write_json(target.with_name(target.name + ".json"), meta)
            return target

    def _stream(
        self,
        resp: requests.Response,
        part: Path,
        *,
        append: bool,
        service: str,
        total: int | None,
    ) -> None:
        done = part.stat().st_size if append and part.exists() else 0
        with part.open("ab" if append else "wb") as fh:
            for chunk in resp.iter_content(_CHUNK):
                if not chunk:
                    continue
                fh.write(chunk)
                done += len(chunk)
                if self.progress is not None:
                    self.progress(service, done, total)
            fh.flush()
            os.fsync(fh.fileno())


def _default_user_agent() -> str:
    from arealanalyse import __version__

    return f"arealanalyse/{__version__} (land-use analysis for Norwegian municipalities)"


def _probe_host(host: str, port: int, timeout_s: float) -> str | None:
    """Try DNS + TCP to ``host:port`` in a thread; return a reason on failure, else ``None``."""
    import socket
    import threading

    outcome: list[str | None] = []

    def attempt() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout_s):
                outcome.append(None)
        except Exception as exc:  # DNS errors, refusals, blocked sockets in tests...
            outcome.append(_reason(exc))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout_s)
    return outcome[0] if outcome else "timed out"


def _range_start(content_range: str | None) -> int | None:
    """Return the first byte of a ``Content-Range: bytes a-b/n`` header (None if absent)."""
    if not content_range:
        return None
    m = re.match(r"\s*bytes\s+(\d+)-", content_range)
    return int(m.group(1)) if m else None


def _total_size(resp: requests.Response, offset: int) -> int | None:
    if resp.headers.get("Content-Encoding"):
        return None  # Content-Length counts compressed bytes
    length = resp.headers.get("Content-Length")
    if length is None or not length.isdigit():
        return None
    return offset + int(length)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for needle, label in (
        ("Name or service not known", "name resolution failed"),
        ("Temporary failure in name resolution", "name resolution failed"),
        ("Failed to resolve", "name resolution failed"),
        ("Connection refused", "connection refused"),
        ("timed out", "timed out"),
        ("Network is unreachable", "network unreachable"),
        ("nodename nor servname", "name resolution failed"),
    ):
        if needle in text:
            return label
    if isinstance(exc, OSError) and type(exc).__name__ == "gaierror":
        return "name resolution failed"
    for needle, label in (("refused", "connection refused"), ("offline", "no network")):
        if needle in text:
            return label
    return type(exc).__name__


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def _html_instead_of_data(path: Path) -> str | None:
    """Return a problem text when a download is an HTML page (error or login page), else None."""
    with path.open("rb") as fh:
        head = fh.read(2048)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not (start.startswith(b"<!doctype html") or start.startswith(b"<html")):
        return None
    m = _TITLE.search(head)
    title = " ".join(m.group(1).decode("utf-8", "replace").split()) if m else ""
    what = f" ({title[:80]!r})" if title else ""
    return (
        f"answered a web page{what} instead of data; the service may be down, the address may "
        "have moved, or it wants a login: try again later or check the endpoint."
    )


def _snippet(text: str) -> str:
    """Return the start of an answer (an HTML page's <title> when it has one)."""
    m = _TITLE.search(text[:4096].encode("utf-8", "replace"))
    if m:
        return "web page " + " ".join(m.group(1).decode("utf-8", "replace").split())[:160]
    return " ".join(text[:200].split())


def _short(url: str) -> str:
    return url if len(url) <= 90 else url[:87] + "..."


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_") or "service"

"""A small, dependency-free headless Chromium driver for tests (DevTools Protocol over a pipe).

Used by the map tests and meant for any test that must open an HTML output (review report, output
index page) in a real browser. It talks CDP over ``--remote-debugging-pipe`` (file descriptors 3 and
4, NUL-separated JSON), so it needs no websocket library and opens no TCP port. The browser runs
without network: DNS resolution is disabled by a host-resolver rule and the page is put in CDP's
offline mode, so any attempt to fetch ``http(s)`` resources fails *and is recorded* in
:attr:`Page.requests`.

Usage::

    from browser import Browser, requires_chromium, image_stats

    @requires_chromium
    def test_page(tmp_path):
        with Browser() as b:
            page = b.open(tmp_path / "map.html", wait_for="window.__mapReady === true")
            assert page.errors == []
            png = page.screenshot()
            assert image_stats(png)["std"] > 5

Every step has a timeout; a step that times out raises :class:`BrowserTimeout` with what it waited
for. Set ``AREALANALYSE_CHROMIUM`` to use another binary; tests marked with
:data:`requires_chromium` are skipped with a reason when none is found.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "Browser",
    "BrowserError",
    "BrowserTimeout",
    "Page",
    "chromium_path",
    "crop_stats",
    "image_stats",
    "requires_chromium",
]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    # Nothing resolves: the page gets no network even where the machine has some.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--allow-file-access-from-files",
)


class BrowserError(RuntimeError):
    """The browser could not be started or a CDP command failed."""


class BrowserTimeout(BrowserError):
    """A browser step did not finish in time."""


def chromium_path() -> str | None:
    """Return the Chromium binary to use, or ``None`` when none is installed."""
    env = os.environ.get("AREALANALYSE_CHROMIUM")
    if env:
        return env if Path(env).exists() else shutil.which(env)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


#: Mark a test as a browser test and skip it (with a reason) when Chromium is absent.
requires_chromium = pytest.mark.skipif(
    chromium_path() is None,
    reason="headless Chromium not installed (apt-get install chromium, or `make browser`)",
)


@dataclass
class Page:
    """One opened page: its CDP session, what it logged and what it tried to fetch."""

    browser: Browser
    session_id: str
    url: str
    target_id: str = ""
    load_time_s: float = float("nan")
    console: list[dict[str, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads, as readable lines."""
        return [f"{c['source']}: {c['text']}" for c in self.console if c["level"] == "error"]

    def evaluate(self, expression: str, *, timeout_s: float = 10.0) -> Any:
        """Evaluate a JavaScript expression in the page and return its JSON value."""
        res = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session_id=self.session_id,
            timeout_s=timeout_s,
        )
        if "exceptionDetails" in res:
            detail = res["exceptionDetails"]
            text = detail.get("exception", {}).get("description") or detail.get("text")
            raise BrowserError(f"JavaScript error evaluating {expression[:60]!r}: {text}")
        return res.get("result", {}).get("value")

    def wait_for(self, expression: str, *, timeout_s: float = 10.0, poll_s: float = 0.05) -> None:
        """Poll ``expression`` until it is truthy; raise :class:`BrowserTimeout` otherwise."""
        deadline = time.monotonic() + timeout_s
        while True:
            if self.evaluate(expression, timeout_s=max(deadline - time.monotonic(), 1.0)):
                return
            if time.monotonic() > deadline:
                raise BrowserTimeout(
                    f"page {self.url} never satisfied {expression!r} in {timeout_s} s"
                )
            time.sleep(poll_s)

    def screenshot(self, *, timeout_s: float = 15.0) -> bytes:
        """Return a PNG screenshot of the viewport."""
        res = self.browser.send(
            "Page.captureScreenshot",
            {"format": "png"},
            session_id=self.session_id,
            timeout_s=timeout_s,
        )
        return base64.b64decode(res["data"])

    def close(self) -> None:
        """Close the tab (the browser stays up for the next page)."""
        if self.target_id:
            with contextlib.suppress(BrowserError):
                self.browser.send("Target.closeTarget", {"targetId": self.target_id}, timeout_s=5)
            self.target_id = ""

    def save_screenshot(self, path: str | os.PathLike[str]) -> Path:
        """Write a PNG screenshot to ``path`` (for a human to look at) and return the path."""
        target = Path(path)
        target.write_bytes(self.screenshot())
        return target

    def texts(self, selector: str) -> list[str]:
        """Trimmed ``textContent`` of every element matching a CSS selector."""
        return self.evaluate(
            "Array.from(document.querySelectorAll(" + json.dumps(selector) + "))"
            ".map(e => e.textContent.trim())"
        )

    def count(self, selector: str) -> int:
        """Number of elements matching a CSS selector."""
        return int(self.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length"))


class Browser:
    """A headless Chromium process driven over the DevTools pipe. Use as a context manager.

    Parameters
    ----------
    timeout_s
        Default time limit of each CDP command.
    executable
        Chromium binary; default :func:`chromium_path`.
    """

    def __init__(self, *, timeout_s: float = 20.0, executable: str | None = None) -> None:
        exe = executable or chromium_path()
        if exe is None:
            raise BrowserError("no Chromium found; install it (apt-get install chromium)")
        self.timeout_s = timeout_s
        self._profile = tempfile.mkdtemp(prefix="arealanalyse-chromium-")
        self._lock = threading.Condition()
        self._responses: dict[int, dict[str, Any]] = {}
        self._events: list[dict[str, Any]] = []
        self._next_id = 0
        self._closed = False
        self._write_lock = threading.Lock()
        self._routes: dict[str, Mapping[str, tuple[str, bytes]]] = {}
        cmd_r0, cmd_w = os.pipe()  # we write commands, Chromium reads them on fd 3
        res_r, res_w0 = os.pipe()  # Chromium writes responses on fd 4, we read them
        # Move the child's ends above 9 so the dup2 onto 3 and 4 below cannot clobber them.
        cmd_r = fcntl.fcntl(cmd_r0, fcntl.F_DUPFD_CLOEXEC, 10)
        res_w = fcntl.fcntl(res_w0, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r0)
        os.close(res_w0)

        def _child_fds() -> None:  # runs in the child between fork and exec
            os.dup2(cmd_r, 3)
            os.dup2(res_w, 4)

        args = [
            exe,
            *FLAGS,
            f"--user-data-dir={self._profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        try:
            self._proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=_child_fds,
                pass_fds=(3, 4),
                close_fds=True,
            )
        except OSError as exc:
            shutil.rmtree(self._profile, ignore_errors=True)
            raise BrowserError(f"could not start {exe}: {exc}") from exc
        finally:
            os.close(cmd_r)
            os.close(res_w)
        self._write = os.fdopen(cmd_w, "wb", buffering=0)
        self._read_fd = res_r
        self._reader = threading.Thread(target=self._read_loop, name="cdp-reader", daemon=True)
        self._reader.start()
        try:
            self.send("Browser.getVersion", timeout_s=timeout_s)
        except BrowserError:
            self.close()
            raise

    # -- plumbing -------------------------------------------------------------------------------

    def _read_loop(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._read_fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._closed = True
                    self._lock.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if msg.get("method") == "Fetch.requestPaused":
                    self._answer_paused(msg)
                    continue
                with self._lock:
                    if "id" in msg:
                        self._responses[msg["id"]] = msg
                    else:
                        self._events.append(msg)
                    self._lock.notify_all()

    def _post(self, msg: dict[str, Any]) -> None:
        with self._write_lock:
            self._write.write(json.dumps(msg).encode() + b"\0")

    def _answer_paused(self, msg: dict[str, Any]) -> None:
        """Serve an intercepted request from the page's routes, or fail it (no network)."""
        params = msg.get("params", {})
        url = params.get("request", {}).get("url", "")
        routes = self._routes.get(msg.get("sessionId", ""), {})
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
        reply: dict[str, Any] = {"id": msg_id, "sessionId": msg.get("sessionId")}
        match = next((k for k in routes if k in url), None)
        if match is not None:
            mime, body = routes[match]
            reply["method"] = "Fetch.fulfillRequest"
            reply["params"] = {
                "requestId": params["requestId"],
                "responseCode": 200,
                "responseHeaders": [
                    {"name": "Content-Type", "value": mime},
                    {"name": "Access-Control-Allow-Origin", "value": "*"},
                ],
                "body": base64.b64encode(body).decode("ascii"),
            }
        else:
            reply["method"] = "Fetch.failRequest"
            reply["params"] = {
                "requestId": params["requestId"],
                "errorReason": "InternetDisconnected",
            }
        with contextlib.suppress(OSError):
            self._post(reply)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session_id: str | None = None,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        """Send one CDP command and wait (at most ``timeout_s``) for its result."""
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
        msg: dict[str, Any] = {"id": msg_id, "method": method, "params": params or {}}
        if session_id:
            msg["sessionId"] = session_id
        try:
            self._post(msg)
        except OSError as exc:
            raise BrowserError(f"Chromium is gone (sending {method}): {exc}") from exc
        limit = self.timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + limit
        with self._lock:
            while msg_id not in self._responses:
                left = deadline - time.monotonic()
                if self._closed:
                    raise BrowserError(f"Chromium exited while waiting for {method}")
                if left <= 0:
                    raise BrowserTimeout(f"CDP {method} got no answer in {limit} s")
                self._lock.wait(left)
            res = self._responses.pop(msg_id)
        if "error" in res:
            raise BrowserError(f"CDP {method} failed: {res['error'].get('message')}")
        return res.get("result", {})

    def _wait_event(self, method: str, session_id: str, timeout_s: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while True:
                for ev in self._events:
                    if ev.get("method") == method and ev.get("sessionId") == session_id:
                        self._events.remove(ev)
                        return ev
                left = deadline - time.monotonic()
                if self._closed:
                    raise BrowserError(f"Chromium exited while waiting for {method}")
                if left <= 0:
                    raise BrowserTimeout(f"no {method} event in {timeout_s} s")
                self._lock.wait(left)

    def _drain_session(self, page: Page) -> None:
        """Move the session's console/network events into ``page``."""
        with self._lock:
            keep = []
            for ev in self._events:
                if ev.get("sessionId") != page.session_id:
                    keep.append(ev)
                    continue
                method, p = ev.get("method"), ev.get("params", {})
                if method == "Runtime.exceptionThrown":
                    d = p.get("exceptionDetails", {})
                    text = d.get("exception", {}).get("description") or d.get("text", "")
                    page.console.append({"level": "error", "source": "exception", "text": text})
                elif method == "Runtime.consoleAPICalled":
                    args = p.get("args", [])
                    text = " ".join(str(a.get("value", a.get("description", ""))) for a in args)
                    level = "error" if p.get("type") in {"error", "assert"} else str(p.get("type"))
                    page.console.append({"level": level, "source": "console", "text": text})
                elif method == "Log.entryAdded":
                    e = p.get("entry", {})
                    text = f"{e.get('text', '')} {e.get('url', '')}".strip()
                    page.console.append(
                        {"level": str(e.get("level")), "source": str(e.get("source")), "text": text}
                    )
                elif method == "Network.requestWillBeSent":
                    url = p.get("request", {}).get("url", "")
                    if not url.startswith(("file:", "data:", "about:", "blob:")):
                        page.requests.append(url)
                elif method == "Network.loadingFailed" and not p.get("canceled"):
                    page.console.append(
                        {"level": "error", "source": "network", "text": str(p.get("errorText"))}
                    )
                else:
                    keep.append(ev)
            self._events[:] = keep

    # -- public ---------------------------------------------------------------------------------

    def open(
        self,
        target: str | os.PathLike[str],
        *,
        width: int = 1280,
        height: int = 800,
        wait_for: str | None = None,
        timeout_s: float = 20.0,
        routes: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> Page:
        """Open a file (path) or URL in a new tab, offline, and wait until it has loaded.

        ``wait_for`` is a JavaScript expression polled until truthy after the load event; the
        page's :attr:`Page.load_time_s` is the wall-clock time from navigation until then.
        ``routes`` serves remote URLs from local bytes: ``{url_substring: (mime, body)}`` (e.g. a
        CDN script from an installed package); every other remote request fails as offline.
        """
        url = str(target)
        if "://" not in url and not url.startswith(("about:", "data:")):
            url = Path(url).resolve().as_uri()
        tid = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = self.send("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
        page = Page(self, sid, url, target_id=tid)
        if routes:
            self._routes[sid] = dict(routes)
            self.send("Fetch.enable", {"patterns": [{"urlPattern": "http*"}]}, session_id=sid)
        for method in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            self.send(method, session_id=sid)
        self.send(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            session_id=sid,
        )
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session_id=sid,
        )
        start = time.monotonic()
        nav = self.send("Page.navigate", {"url": url}, session_id=sid, timeout_s=timeout_s)
        if nav.get("errorText"):
            raise BrowserError(f"could not open {url}: {nav['errorText']}")
        self._wait_event("Page.loadEventFired", sid, timeout_s)
        if wait_for:
            page.wait_for(wait_for, timeout_s=max(timeout_s - (time.monotonic() - start), 1.0))
        page.load_time_s = time.monotonic() - start
        self.send("Runtime.evaluate", {"expression": "1"}, session_id=sid)  # flush late events
        self._drain_session(page)
        return page

    def refresh_log(self, page: Page) -> Page:
        """Collect console and network events that arrived after :meth:`open` returned."""
        self.send("Runtime.evaluate", {"expression": "1"}, session_id=page.session_id)
        self._drain_session(page)
        return page

    def close(self) -> None:
        """Stop Chromium (politely, then by force) and delete its profile folder."""
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(BrowserError):
                self.send("Browser.close", timeout_s=5)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            self._write.close()
        with contextlib.suppress(OSError):
            os.close(self._read_fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def image_stats(png: bytes) -> dict[str, float]:
    """Mean and standard deviation of the grey levels of a PNG, and its share of distinct colours.

    A blank (single-colour) screenshot has ``std == 0``.
    """
    from PIL import Image, ImageStat

    with Image.open(io.BytesIO(png)) as img:
        rgb = img.convert("RGB")
        grey = rgb.convert("L")
        stat = ImageStat.Stat(grey)
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        return {
            "mean": float(stat.mean[0]),
            "std": float(stat.stddev[0]),
            "n_colours": float(len(colours)),
            "width": float(rgb.width),
            "height": float(rgb.height),
        }


def crop_stats(png: bytes, box: tuple[int, int, int, int]) -> dict[str, float]:
    """:func:`image_stats` of a region ``(left, top, right, bottom)`` of a PNG."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        buf = io.BytesIO()
        img.crop(box).save(buf, format="PNG")
    return image_stats(buf.getvalue())


def iter_chromium_flags() -> Iterator[str]:
    """The command-line flags used (for documentation and debugging)."""
    yield from FLAGS

"""Fake HTTP for the fetcher tests: recorded answers in each service's real shape.

Every answer is either a small hand-made recording in ``tests/data/fetch`` (where no real file
exists: Kartverket's JSON for a test box, Overpass XML, an AR50 WFS page, an FKB-AR5 GML, a
NeTEx sample) or cut at test time from the real files in ``../shared/data/real`` (the SSB grid),
never copied into the repository.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import requests
from pyproj import Transformer
from requests.structures import CaseInsensitiveDict
from shapely.geometry import Point, shape

REC = Path(__file__).resolve().parent / "data" / "fetch"

#: Hosts of the default endpoints (what a fetch of 3201 contacts).
HOSTS = {
    "kommuneinfo": "ws.geonorge.no",
    "overpass": "overpass-api.de",
    "ssb": "nedlasting.geonorge.no",
    "entur": "storage.googleapis.com",
    "ar50": "wfs.nibio.no",
}


class FakeResponse:
    """The part of requests.Response the client uses; can break off mid-body."""

    def __init__(self, status, body=b"", headers=None, reason="", break_after=None):
        self.status_code = status
        reasons = {200: "OK", 206: "Partial Content", 401: "Unauthorized", 404: "Not Found",
                   429: "Too Many Requests", 500: "Internal Server Error",
                   502: "Bad Gateway", 503: "Service Unavailable"}  # fmt: skip
        self.reason = reason or reasons.get(status, "")
        self._body = body
        self.headers = CaseInsensitiveDict(headers or {})
        self.break_after = break_after

    @property
    def text(self):
        return self._body.decode("utf-8", "replace")

    def iter_content(self, chunk):
        sent = 0
        step = max(7, len(self._body) // 50)
        for i in range(0, len(self._body), step):
            piece = self._body[i : i + step]
            if self.break_after is not None and sent + len(piece) > self.break_after:
                raise requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead")
            sent += len(piece)
            yield piece

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeSession:
    """Serves requests from a handler; records every request."""

    def __init__(self, handler):
        self.handler = handler
        self.calls: list[dict] = []
        self.proxies: dict = {}

    def request(self, method, url, params=None, data=None, headers=None, timeout=None,
                stream=False):  # fmt: skip
        call = {"method": method, "url": url, "params": dict(params or {}), "data": data,
                "headers": dict(headers or {})}  # fmt: skip
        self.calls.append(call)
        return self.handler(call)


def ok(body: bytes, **headers) -> FakeResponse:
    return FakeResponse(200, body, {"Content-Length": str(len(body)), **headers})


def box_3201():
    """The test municipality: the box of ``kommuneinfo_3201_omrade.json`` (EPSG:25832)."""
    doc = json.loads((REC / "kommuneinfo_3201_omrade.json").read_text())["omrade"]
    doc.pop("crs")
    return shape(doc)


def ssb_csv_cut(real_data: Path, *, buffer_m: float = 500.0) -> bytes:
    """SSB's real 250 m CSV (Bærum/Asker 2015), cut to the cells near the test box."""
    raw = (real_data / "geoforum-ssb-grid" / "ru250m_2015_baerum_asker_raw.csv").read_text()
    df = pd.read_csv(io.StringIO(raw), sep=";", dtype=str)
    near = cells_in(df, box_3201().buffer(buffer_m))
    return ("ru250m;pop_tot\n" + "".join(f"{a};{b}\n" for a, b in df[near].values)).encode()


def cells_in(df: pd.DataFrame, area) -> pd.Series:
    """Rows of an ``ru250m;pop_tot`` table whose cell centre (EPSG:25833) lies in ``area``."""
    to_utm32 = Transformer.from_crs(25833, 25832, always_xy=True)
    x = df["ru250m"].str[:7].astype(int) - 2_000_000 + 125
    y = df["ru250m"].str[7:].astype(int) + 125
    xs, ys = to_utm32.transform(x.to_numpy(), y.to_numpy())
    return pd.Series([area.contains(Point(a, b)) for a, b in zip(xs, ys, strict=True)],
                     index=df.index)  # fmt: skip


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def recorded_handler(ssb_zip: bytes | None = None, *, ar50=None, overrides=None):
    """Serve every default endpoint from recordings; ``overrides`` maps a HOSTS key to a
    handler ``call -> FakeResponse`` (e.g. a failing service)."""
    overrides = overrides or {}

    def handle(call):
        url, params = call["url"], call["params"]
        for key, host in HOSTS.items():
            if host in url and key in overrides:
                return overrides[key](call)
        if "kommuneinfo" in url:
            if "/9999/" in url:
                return FakeResponse(404, b'{"message": "Fant ikke kommune"}')
            return ok((REC / "kommuneinfo_3201_omrade.json").read_bytes())
        if "interpreter" in url:
            q = call["data"]["data"]
            name = "overpass_walk.osm" if '["area"!~"yes"]' in q else "overpass_features.osm"
            return ok((REC / name).read_bytes())
        if "wfs.nibio.no" in url:
            assert params["typeNames"] == "ms:AR50"
            if ar50 is not None:
                return ar50(call)
            page = 1 if params.get("startIndex") == "0" else 2
            return ok((REC / f"ar50_getfeature_page{page}.gml").read_bytes())
        if "nedlasting.geonorge.no" in url:
            if ssb_zip is None:
                return FakeResponse(404, b"<html><title>404 Not Found</title></html>")
            return ok(ssb_zip)
        if "marduk-production" in url:
            assert url.endswith("/32_Akershus_latest.zip")
            return ok((REC / "entur_nsr_32_Akershus.zip").read_bytes())
        raise AssertionError(f"unexpected request {url}")

    return handle

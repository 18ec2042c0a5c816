"""Every service, every way a real service fails: one test per service per failure class.

Failure classes: a read timeout, HTTP 429 with ``Retry-After`` (waited out, then answered), a
5xx that does not go away, an HTML error page answered with ``200 OK``, a download cut off
without a ``Content-Length`` to notice it by (only the answer's own structure shows it), and
Overpass's ``runtime error`` remark. A failure is one :class:`FetchError` naming the service,
and nothing of it is cached, so the next run asks again. Then, in a whole run, each failing
service costs only its own layers.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import requests
from shapely.geometry import box

from arealanalyse.errors import FetchError
from arealanalyse.fetch import HttpClient, fetch_kommune
from arealanalyse.fetch.entur import fetch_transit
from arealanalyse.fetch.farmland import fetch_ar50, fetch_farmland_url
from arealanalyse.fetch.kartverket import fetch_boundary, parse_kommuneinfo
from arealanalyse.fetch.osm import fetch_osm_layer
from arealanalyse.fetch.ssb import fetch_population_grid
from arealanalyse.layers.catalogue import load_catalogue
from fetchfakes import REC, FakeResponse, FakeSession, ok, recorded_handler, zipped

DOWNLOAD_URL = "https://nedlasting.geonorge.no/restricted/FKB-AR5_3201_Baerum_25832_GML.zip"


@pytest.fixture(scope="module")
def boundary() -> gpd.GeoDataFrame:
    return parse_kommuneinfo(REC / "kommuneinfo_3201_omrade.json")


@pytest.fixture(scope="module")
def fkb_zip(tmp_path_factory) -> bytes:
    """An FKB-AR5 download: a zip holding a GeoPackage in the FKB-AR5 schema."""
    gpkg = tmp_path_factory.mktemp("fkb") / "Basisdata_3201_Baerum_25832_FKB-AR5.gpkg"
    gpd.GeoDataFrame(
        {"arealtype": [21, 30], "treslag": [98, 33], "skogbonitet": [98, 14]},
        geometry=[box(589300, 6640900, 589500, 6641100), box(589300, 6641500, 589700, 6641900)],
        crs=25832,
    ).to_file(gpkg, layer="arealressursflate", engine="pyogrio")
    return zipped({"lesmeg.txt": b"FKB-AR5 for 3201", gpkg.name: gpkg.read_bytes()})


def _good_ssb() -> bytes:
    # SSB's own CSV layout; the values do not matter here, the HTTP behaviour does
    return zipped({"befolkning_250m.csv": b"ru250m;pop_tot\n22537506648500;150\n"})


#: service -> (fetch call, a good answer, a truncated answer, the service name in messages)
def _services(boundary: gpd.GeoDataFrame, fkb_zip: bytes) -> dict[str, tuple]:
    overpass = (REC / "overpass_features.osm").read_bytes()
    ar50 = (REC / "ar50_getfeature_page2.gml").read_bytes()
    nsr = (REC / "entur_nsr_32_Akershus.zip").read_bytes()
    kommune = (REC / "kommuneinfo_3201_omrade.json").read_bytes()
    grid = _good_ssb()
    return {
        "kartverket": (
            lambda c: fetch_boundary("3201", client=c),
            kommune, kommune[: len(kommune) // 2], "Kartverket kommuneinfo",
        ),
        "overpass": (
            lambda c: fetch_osm_layer("roads", boundary, client=c, endpoint="https://op/api/i"),
            overpass, overpass[: len(overpass) // 2], "Overpass API",
        ),
        "ssb": (
            lambda c: fetch_population_grid(boundary, client=c),
            grid, grid[: len(grid) // 2], "SSB befolkning",
        ),
        "entur": (
            lambda c: fetch_transit("3201", boundary, client=c),
            nsr, nsr[: len(nsr) // 2], "Entur stoppestedsregister",
        ),
        "ar50": (
            lambda c: fetch_ar50(boundary, client=c),
            ar50, ar50[: len(ar50) // 2], "NIBIO AR50 WFS",
        ),
        "geonorge_download": (
            lambda c: fetch_farmland_url(DOWNLOAD_URL, boundary, client=c),
            fkb_zip, fkb_zip[: len(fkb_zip) // 2], "Geonorge nedlasting",
        ),
    }  # fmt: skip


SERVICES = ("kartverket", "overpass", "ssb", "entur", "ar50", "geonorge_download")


def _client(tmp_path: Path, handler) -> tuple[HttpClient, FakeSession, list[float]]:
    session = FakeSession(handler)
    sleeps: list[float] = []
    client = HttpClient(tmp_path / "cache", session=session, sleep=sleeps.append,
                        probe_timeout_s=0)  # fmt: skip
    return client, session, sleeps


def _cached(tmp_path: Path) -> list[Path]:
    """Complete answers in the cache (``.part`` files are resumable leftovers, not answers)."""
    return [p for p in (tmp_path / "cache").rglob("*") if p.is_file()
            and not p.name.endswith((".part", ".json"))]  # fmt: skip


@pytest.mark.parametrize("service", SERVICES)
def test_read_timeout(service, boundary, fkb_zip, tmp_path):
    call, _good, _cut, name = _services(boundary, fkb_zip)[service]

    def hang(_call):
        raise requests.ReadTimeout("HTTPSConnectionPool: Read timed out. (read timeout=300)")

    client, session, sleeps = _client(tmp_path, hang)
    with pytest.raises(FetchError, match=rf"{name}.* did not answer within 300 s") as err:
        call(client)
    assert "\n" not in str(err.value) and "--timeout" in str(err.value)
    assert len(session.calls) == 3 and sleeps == [1.0, 2.0]  # two retries, then give up
    assert _cached(tmp_path) == []


@pytest.mark.parametrize("service", SERVICES)
def test_429_with_retry_after_is_waited_out(service, boundary, fkb_zip, tmp_path):
    call, good, _cut, _name = _services(boundary, fkb_zip)[service]
    answers: dict[str, int] = {}

    def busy_once(c):
        key = c["url"] + str(sorted(c["params"].items()))
        answers[key] = answers.get(key, 0) + 1
        if answers[key] == 1:
            return FakeResponse(429, b"Rate limited", {"Retry-After": "7"})
        return ok(good)

    client, session, sleeps = _client(tmp_path, busy_once)
    call(client)
    assert sleeps == [7.0] * len(answers)  # Retry-After honoured for each distinct request
    assert len(session.calls) == 2 * len(answers)


@pytest.mark.parametrize("service", SERVICES)
def test_5xx_that_stays(service, boundary, fkb_zip, tmp_path):
    call, _good, _cut, name = _services(boundary, fkb_zip)[service]
    client, _session, sleeps = _client(tmp_path, lambda c: FakeResponse(503, b"Service down"))
    with pytest.raises(FetchError, match=rf"{name}.* answered HTTP 503 .* 6 times"):
        call(client)
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0] and _cached(tmp_path) == []


@pytest.mark.parametrize("service", SERVICES)
def test_html_error_page_with_200(service, boundary, fkb_zip, tmp_path):
    call, _good, _cut, name = _services(boundary, fkb_zip)[service]
    page = (b"<!DOCTYPE html>\n<html><head><title>Tjenesten er midlertidig utilgjengelig"
            b"</title></head><body><h1>Vedlikehold</h1></body></html>")  # fmt: skip
    client, _session, _ = _client(tmp_path, lambda c: ok(page, **{"Content-Type": "text/html"}))
    with pytest.raises(FetchError, match=rf"{name}.*web page .*midlertidig utilgjengelig"):
        call(client)
    assert _cached(tmp_path) == []  # the next run asks again


@pytest.mark.parametrize("service", SERVICES)
def test_truncated_download_without_length(service, boundary, fkb_zip, tmp_path):
    """Chunked answer cut short: no Content-Length to compare; the answer's structure tells."""
    call, _good, cut, name = _services(boundary, fkb_zip)[service]
    client, _session, _ = _client(tmp_path, lambda c: FakeResponse(200, cut))
    with pytest.raises(FetchError, match=rf"{name}.*(cut off|incomplete|not complete)"):
        call(client)
    assert _cached(tmp_path) == []


def test_overpass_runtime_error_remark(boundary, tmp_path):
    body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="Overpass API '
            b'0.7.62.1 084b4234">\n<note>The data included in this document is from '
            b"www.openstreetmap.org. The data is made available under ODbL.</note>\n"
            b'<meta osm_base="2025-06-02T10:00:00Z"/>\n\n<remark> runtime error: Query ran out '
            b"of memory using about 2048 MB of RAM. </remark>\n\n</osm>\n")  # fmt: skip
    client, _session, _ = _client(tmp_path, lambda c: ok(body))
    with pytest.raises(FetchError, match=r"Overpass stopped the query \(runtime error: Query ran"):
        fetch_osm_layer("green", boundary, client=client, endpoint="https://op/api/interpreter")
    assert _cached(tmp_path) == []


# ============================================================================ whole runs

#: failing service -> the steps it costs (everything else arrives)
COSTS = {
    "kommuneinfo": {"boundary", "walk_network", "services", "green", "roads", "osm_buildings",
                    "ssb_grid", "homes", "transit", "farmland"},
    "overpass": {"walk_network", "services", "green", "roads", "osm_buildings"},
    "ssb": {"ssb_grid"},
    "entur": {"transit"},
    "ar50": {"farmland"},
}  # fmt: skip


@pytest.mark.parametrize("failing", sorted(COSTS))
def test_a_failing_service_costs_only_its_layers(failing, tmp_path):
    down = {failing: lambda c: FakeResponse(502, b"<html><title>502 Bad Gateway</title></html>")}
    handler = recorded_handler(_good_ssb(), overrides=down)
    client, _session, _ = _client(tmp_path, handler)
    res = fetch_kommune("3201", out_dir=tmp_path / "out", client=client)
    failed = {m.step for m in res.failed}
    assert failed == COSTS[failing] and res.exit_code == 4
    cat = load_catalogue(res.catalogue)
    # homes survives a failed OSM or SSB step (from the other one)
    expected_layers = {"boundary", "walk_network", "homes", "services", "green", "transit",
                       "roads", "farmland"} - COSTS[failing]  # fmt: skip
    if failing in ("overpass", "ssb"):
        expected_layers |= {"homes"}
    assert set(cat.kinds) == expected_layers
    reasons = {m.step: m.reason for m in cat.missing if m.status == "failed"}
    direct = {"kommuneinfo": "boundary", "overpass": "walk_network", "ssb": "ssb_grid",
              "entur": "transit", "ar50": "farmland"}[failing]  # fmt: skip
    assert "502 Bad Gateway" in reasons[direct]
    for m in cat.missing:
        assert m.supply and m.service and "\n" not in m.reason

"""Fetchers, tested offline on recorded answers in each service's real format.

No test opens a network connection: conftest blocks sockets, and every HTTP request goes to a
fake session (or the ``responses`` mock) that serves files from tests/data/fetch.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
import pytest
import requests
import responses
from pyproj import Transformer
from shapely.geometry import Point, Polygon, box

from arealanalyse.cli import main
from arealanalyse.errors import FetchError
from arealanalyse.fetch import (
    HttpClient,
    compare_dwellings_to_grid,
    dasymetric_homes,
    fetch_kommune,
)
from arealanalyse.fetch import http as fetch_http
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.entur import read_stop_register
from arealanalyse.fetch.farmland import ar50_request, fetch_ar50
from arealanalyse.fetch.kartverket import check_kommunenummer, parse_kommuneinfo
from arealanalyse.fetch.osm import fetch_osm_layer, overpass_query
from arealanalyse.fetch.ssb import read_population_grid
from arealanalyse.layers.catalogue import load_catalogue
from arealanalyse.layers.osm import walk_way_filter
from fetchfakes import (
    HOSTS,
    FakeResponse,
    FakeSession,
    box_3201,
    cells_in,
    ok,
    recorded_handler,
    ssb_csv_cut,
    zipped,
)

TO_UTM = Transformer.from_crs(4326, 25832, always_xy=True)


@pytest.fixture(scope="module")
def rec(data_dir) -> Path:
    return data_dir / "fetch"


@pytest.fixture(scope="module")
def ssb_zip(real_data) -> bytes:
    """SSB's answer: the real 250 m CSV cut to the test area, zipped (built at test time)."""
    return zipped({"befolkning_250m_2015.csv": ssb_csv_cut(real_data)})


@pytest.fixture(scope="module")
def ssb_people_inside(real_data) -> float:
    """SSB people whose cell centre lies in the test municipality, summed from the raw CSV."""
    raw = real_data / "geoforum-ssb-grid" / "ru250m_2015_baerum_asker_raw.csv"
    df = pd.read_csv(raw, sep=";", dtype=str)
    return float(df.loc[cells_in(df, box_3201()), "pop_tot"].astype(int).sum())


@pytest.fixture
def recorded(ssb_zip, tmp_path):
    session = FakeSession(recorded_handler(ssb_zip))
    sleeps: list[float] = []
    client = HttpClient(tmp_path / "cache", session=session, sleep=sleeps.append,
                        probe_timeout_s=0)  # fmt: skip
    return client, session, sleeps


@pytest.fixture
def boundary(rec):
    return parse_kommuneinfo(rec / "kommuneinfo_3201_omrade.json")


# ============================================================================= parsing


def test_kommuneinfo(rec, boundary):
    assert boundary.crs.to_epsg() == 25832
    assert boundary[["kommunenummer", "name"]].iloc[0].tolist() == ["3201", "Bærum"]
    ring = json.loads((rec / "kommuneinfo_3201_omrade.json").read_text())["omrade"]
    expected = Polygon(ring["coordinates"][0][0]).area
    assert boundary.geometry.area.iloc[0] == pytest.approx(expected)


def test_kommuneinfo_bad_answer(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"kommunenavn": "X"}')
    with pytest.raises(FetchError, match="'omrade'"):
        parse_kommuneinfo(bad)


@pytest.mark.parametrize(("given", "expected"), [("3201", "3201"), (" 301", "0301")])
def test_kommunenummer(given, expected):
    assert check_kommunenummer(given) == expected


@pytest.mark.parametrize("bad", ["32011", "Bærum", ""])
def test_kommunenummer_bad(bad):
    with pytest.raises(FetchError, match="four digits"):
        check_kommunenummer(bad)


def test_overpass_queries_use_osmnx_walk_filter():
    bbox = (59.89, 10.59, 59.91, 10.61)
    walk = overpass_query("walk_network", bbox)
    assert walk.startswith("[out:xml][timeout:180];")
    assert f"way{walk_way_filter()}(59.89,10.59,59.91,10.61);" in walk
    assert walk.endswith("(._;>;);out body;")
    services = overpass_query("services", bbox)
    for part in ('node["shop"](', 'way["amenity"~"^(school|', 'relation["healthcare"]('):
        assert part in services


def test_overpass_walk_network(recorded, boundary):
    client, session, _ = recorded
    net = fetch_osm_layer(
        "walk_network", boundary, client=client, endpoint="https://op/api/interpreter"
    )
    assert session.calls[0]["method"] == "POST"
    assert '["foot"!~"no"]' in session.calls[0]["data"]["data"]
    # the two walkable ways, as from the PBF path; the network splits way 100 at node 2 where
    # way 101 joins: three segments
    assert len(net) == 2 and net.crs.to_epsg() == 25832
    assert sorted(net["highway"]) == ["footway", "residential"]
    from arealanalyse.network import WalkNetwork

    graph = WalkNetwork.from_edges(net)
    assert graph.n_edges == 3 and graph.topology["shared_vertex_splits"] == 1
    assert sorted(graph.highway) == ["footway", "footway", "residential"]


def test_overpass_features(recorded, boundary):
    client, _, _ = recorded
    ep = "https://op/api/interpreter"
    services = fetch_osm_layer("services", boundary, client=client, endpoint=ep)
    assert sorted(services["category"]) == ["grocery", "kindergarten", "pharmacy"]
    homes = fetch_osm_layer("homes", boundary, client=client, endpoint=ep)
    assert sorted(homes["building"]) == ["apartments", "house"]
    roads = fetch_osm_layer("roads", boundary, client=client, endpoint=ep)
    assert "E18" in set(roads["ref"])


def test_overpass_runtime_error_is_not_cached(tmp_path, boundary):
    body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="Overpass API">'
            b"<remark> runtime error: Query timed out in \"query\" at line 1 after 181 seconds. "
            b"</remark></osm>")  # fmt: skip
    session = FakeSession(lambda call: ok(body))
    client = HttpClient(tmp_path, session=session, probe_timeout_s=0)
    with pytest.raises(FetchError, match="Overpass stopped the query"):
        fetch_osm_layer("green", boundary, client=client, endpoint="https://op/interpreter")
    assert not list(tmp_path.rglob("*.osm"))


def test_ar50_pages(recorded, boundary):
    client, session, _ = recorded
    farm = fetch_ar50(boundary, client=client, page_size=2)
    get = [c["params"] for c in session.calls if "wfs.nibio.no" in c["url"]]
    assert [p["startIndex"] for p in get] == ["0", "2"]  # page 2 is short: no third request
    assert {p["typeNames"] for p in get} == {"ms:AR50"}
    assert get[0]["srsName"] == "EPSG:25832" and get[0]["bbox"].endswith(",EPSG:25832")
    # the request's bbox is the boundary's bounding box in EPSG:25832, whole metres
    minx, miny, maxx, maxy = box_3201().bounds
    assert get[0]["bbox"] == f"{minx:.0f},{miny:.0f},{maxx:.0f},{maxy:.0f},EPSG:25832"
    # AR50 20 (jordbruk, no split given) becomes AR5 21; 30 (skog) is not farmland
    assert sorted(farm["arealtype"]) == [21, 21]
    assert sorted(farm["area_daa"]) == pytest.approx([150 * 200 / 1000, 200 * 200 / 1000])
    assert farm.attrs["arealanalyse"]["ar50_other_classes"] == 1


def test_ar50_request_matches_public_use():
    r = ar50_request((589241.4, 6640792.4, 590080.6, 6642148.8), page_size=2000)
    assert r.url == "https://wfs.nibio.no/cgi-bin/ar50_2"
    assert r.params == {
        "service": "WFS", "version": "2.0.0", "request": "GetFeature", "typeNames": "ms:AR50",
        "srsName": "EPSG:25832", "bbox": "589241,6640792,590081,6642149,EPSG:25832",
        "count": "2000", "startIndex": "0",
    }  # fmt: skip
    assert "startIndex" in r.unconfirmed


def test_ar50_exception_report(tmp_path, boundary):
    exc = (
        b'<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1">'
        b"<ows:Exception><ows:ExceptionText>msWFSGetFeature(): WFS server error. Invalid "
        b"typename (ms:AR5)</ows:ExceptionText></ows:Exception></ows:ExceptionReport>"
    )
    client = HttpClient(tmp_path, session=FakeSession(lambda c: ok(exc)), probe_timeout_s=0)
    with pytest.raises(FetchError, match="Invalid typename"):
        fetch_ar50(boundary, client=client)
    assert not list(tmp_path.rglob("*.gml"))


def test_ssb_grid(ssb_zip, boundary, tmp_path, ssb_people_inside):
    answer = tmp_path / "answer" / "grid.zip"
    answer.parent.mkdir()
    answer.write_bytes(ssb_zip)
    cells = read_population_grid(answer, boundary)
    assert sorted(p.name for p in answer.parent.iterdir()) == ["grid.zip"]  # nothing extracted
    assert cells["population"].sum() == ssb_people_inside
    assert cells.crs.to_epsg() == 25832
    assert cells.attrs["arealanalyse"]["clipped_out"] > 0


def test_ssb_grid_is_the_table_the_layer_reader_takes_for_a_grid(
    ssb_zip, boundary, tmp_path, ssb_people_inside
):
    """A larger table beside the grid (not named like a readme) is not taken for the grid."""
    with zipfile.ZipFile(io.BytesIO(ssb_zip)) as zf:
        grid = zf.read("befolkning_250m_2015.csv")
    notes = b"kommune;merknad\n" + b"3201;Tall for 2015 er endelige\n" * 2000
    assert len(notes) > len(grid)
    answer = tmp_path / "grid.zip"
    answer.write_bytes(zipped({"merknader_2015.csv": notes, "befolkning_250m_2015.csv": grid}))
    cells = read_population_grid(answer, boundary)
    assert cells["population"].sum() == ssb_people_inside
    assert cells.attrs["arealanalyse"]["file"] == "befolkning_250m_2015.csv"


def test_entur_netex(rec, boundary):
    """The saved export is read by the layer reader, as XML or zipped, and kept near the kommune."""
    stops = read_stop_register(rec / "netex_32_Akershus_sample.xml", boundary)
    # the parent stop place (no type) and the airport are skipped; "Langt unna" (10.75 E,
    # 59.95 N) lies kilometres outside the municipality
    assert stops["nsr_id"].tolist() == [
        "NSR:StopPlace:900001", "NSR:StopPlace:900101", "NSR:StopPlace:900200",
    ]  # fmt: skip
    assert stops["mode"].tolist() == ["bus", "rail", "tram"]
    assert set(stops["status"]) == {"existing"} and stops.crs.to_epsg() == 25832
    # the StopPlace's own centroid, not its quay's
    x, y = TO_UTM.transform(10.6021, 59.9002)
    assert stops.geometry.iloc[0].distance(Point(x, y)) < 0.01
    zipped = read_stop_register(rec / "entur_nsr_32_Akershus.zip", boundary)
    pd.testing.assert_frame_equal(pd.DataFrame(zipped), pd.DataFrame(stops))


# ============================================================================= HTTP behaviour


def test_cache_second_call_sends_nothing(tmp_path):
    session = FakeSession(lambda call: ok(b"hello"))
    client = HttpClient(tmp_path, session=session, probe_timeout_s=0)
    a = client.fetch("https://x.no/a", service="X", params={"q": 1})
    b = client.fetch("https://x.no/a", service="X", params={"q": 1})
    assert a == b and a.read_bytes() == b"hello"
    assert len(session.calls) == 1 and client.cache_hits == 1
    client.fetch("https://x.no/a", service="X", params={"q": 2})
    assert len(session.calls) == 2


def test_retry_on_429_and_503_honours_retry_after(tmp_path):
    answers = iter([
        FakeResponse(429, b"slow down", {"Retry-After": "7"}),
        FakeResponse(503, b"busy"),
        ok(b"data"),
    ])  # fmt: skip
    session = FakeSession(lambda call: next(answers))
    sleeps: list[float] = []
    client = HttpClient(tmp_path, session=session, sleep=sleeps.append, probe_timeout_s=0)
    path = client.fetch("https://x.no/a", service="X")
    assert path.read_bytes() == b"data"
    assert sleeps == [7.0, 2.0]  # Retry-After, then backoff 1 s x 2^1


def test_retry_after_http_date_and_cap(tmp_path):
    when = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    answers = iter([FakeResponse(429, b"", {"Retry-After": when}), ok(b"x")])
    sleeps: list[float] = []
    client = HttpClient(tmp_path, session=FakeSession(lambda c: next(answers)),
                        sleep=sleeps.append, max_backoff_s=30, probe_timeout_s=0)  # fmt: skip
    client.fetch("https://x.no/a", service="X")
    assert sleeps == [30]


def test_retries_exhausted(tmp_path):
    sleeps: list[float] = []
    client = HttpClient(tmp_path, session=FakeSession(lambda c: FakeResponse(503, b"down")),
                        sleep=sleeps.append, retries=3, probe_timeout_s=0)  # fmt: skip
    with pytest.raises(FetchError, match=r"X at x\.no answered HTTP 503 .* 4 times"):
        client.fetch("https://x.no/a", service="X")
    assert sleeps == [1, 2, 4]


def test_http_error_is_clean(recorded):
    client, _, _ = recorded
    with pytest.raises(FetchError, match=r"Kartverket kommuneinfo .* HTTP 404 .*Fant ikke"):
        from arealanalyse.fetch.kartverket import fetch_boundary

        fetch_boundary("9999", client=client)


def test_refused_connection_is_clean(tmp_path):
    def refuse(call):
        raise requests.ConnectionError("[Errno 111] Connection refused")

    sleeps: list[float] = []
    session = FakeSession(refuse)
    client = HttpClient(tmp_path, session=session, sleep=sleeps.append, probe_timeout_s=0)
    with pytest.raises(FetchError) as err:
        client.fetch("https://wfs.nibio.no/cgi-bin/ar50_2", service="NIBIO AR50 WFS")
    msg = str(err.value)
    assert "Could not reach NIBIO AR50 WFS at wfs.nibio.no (connection refused)" in msg
    assert "make demo" in msg and "\n" not in msg
    assert len(session.calls) == 3 and sleeps == [1, 2]


def test_with_responses_library(tmp_path):
    """The same behaviour through a real requests.Session, mocked by `responses`."""
    url = "https://api.kartverket.no/kommuneinfo/v1/kommuner/3201/omrade"
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, url, status=429, headers={"Retry-After": "3"})
        mock.add(responses.GET, url, json={"ok": 1}, status=200)
        sleeps: list[float] = []
        client = HttpClient(tmp_path, sleep=sleeps.append, probe_timeout_s=0)
        p = client.fetch(url, service="Kartverket", params={"utkoordsys": "25832"})
        assert json.loads(p.read_text()) == {"ok": 1} and sleeps == [3.0]
        assert mock.calls[1].request.url.endswith("?utkoordsys=25832")
        mock.add(responses.GET, "https://x.no/b", body=requests.ConnectionError("refused"))
        with pytest.raises(FetchError, match="Could not reach X"):
            client.fetch("https://x.no/b", service="X")


def _ranged(full: bytes, log: list):
    def handle(call):
        rng = call["headers"].get("Range")
        log.append(rng)
        if rng:
            start = int(rng.split("=")[1].rstrip("-"))
            rest = full[start:]
            head = {
                "Content-Length": str(len(rest)),
                "Content-Range": f"bytes {start}-{len(full) - 1}/{len(full)}",
            }
            return FakeResponse(206, rest, head)
        return ok(full)

    return handle


def test_resume_from_part_file(tmp_path):
    full = bytes(range(256)) * 20
    log: list = []
    client = HttpClient(tmp_path, session=FakeSession(_ranged(full, log)), probe_timeout_s=0)
    target = client.cached_path("https://x.no/big.zip", service="X", suffix=".zip")
    target.parent.mkdir(parents=True)
    target.with_name(target.name + ".part").write_bytes(full[:1000])  # an interrupted run
    path = client.fetch("https://x.no/big.zip", service="X", suffix=".zip")
    assert path == target and path.read_bytes() == full
    assert log == ["bytes=1000-"]
    assert not target.with_name(target.name + ".part").exists()


def test_resume_after_interrupted_body(tmp_path):
    full = b"0123456789" * 50
    log: list = []
    ranged = _ranged(full, log)
    first = [True]

    def handle(call):
        if first[0]:
            first[0] = False
            log.append(call["headers"].get("Range"))
            return FakeResponse(200, full, {"Content-Length": str(len(full))}, break_after=200)
        return ranged(call)

    sleeps: list[float] = []
    client = HttpClient(tmp_path, session=FakeSession(handle), sleep=sleeps.append,
                        probe_timeout_s=0)  # fmt: skip
    path = client.fetch("https://x.no/big", service="X")
    assert path.read_bytes() == full
    assert log[0] is None and log[1].startswith("bytes=") and int(log[1][6:-1]) > 0


def test_server_ignoring_range_restarts(tmp_path):
    full = b"abcdefghij" * 30
    client = HttpClient(tmp_path, session=FakeSession(lambda c: ok(full)), probe_timeout_s=0)
    target = client.cached_path("https://x.no/f", service="X")
    target.parent.mkdir(parents=True)
    target.with_name(target.name + ".part").write_bytes(b"stale-bytes")
    assert client.fetch("https://x.no/f", service="X").read_bytes() == full


def test_unreachable_host_fails_fast_without_request(tmp_path):
    """The reachability probe (DNS + TCP) names the service; sockets are blocked here."""
    session = FakeSession(lambda c: ok(b"never"))
    client = HttpClient(tmp_path, session=session)
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"Could not reach Entur at storage\.googleapis\.com"):
        client.fetch("https://storage.googleapis.com/x.zip", service="Entur")
    assert time.monotonic() - t0 < 10 and session.calls == []


# ============================================================================= whole fetch


def test_fetch_kommune_end_to_end_and_cache(recorded, tmp_path, ssb_people_inside):
    client, session, _ = recorded
    out = tmp_path / "out"
    res = fetch_kommune("3201", out_dir=out, client=client)
    assert res.name == "baerum" and res.catalogue == out / "baerum.yaml"
    assert res.exit_code == 0 and res.failed == []
    first_calls = len(session.calls)
    hosts = {urlsplit(c["url"]).netloc for c in session.calls}
    assert hosts == set(HOSTS.values())
    cat = load_catalogue(res.catalogue)
    assert set(cat.kinds) == {"boundary", "walk_network", "homes", "services", "green",
                              "transit", "roads", "farmland"}  # fmt: skip
    assert cat.synthetic is False
    licences = {s.licence for s in cat.sources}
    assert licences == {"ODbL-1.0", "CC-BY-4.0", "NLOD-2.0"}
    attributions = " ".join(s.attribution for s in cat.sources)
    for who in ("OpenStreetMap contributors", "Kartverket", "SSB", "NIBIO", "Entur"):
        assert who in attributions
    # zoning is not fetched by design: listed as not available, which is not a failure
    assert [(m.layer, m.status) for m in cat.missing] == [("zoning", "not_available")]
    transit = cat.layer("transit")
    assert sorted(transit["name"]) == ["Grensestoppet", "Teststasjon", "Testveien"]
    homes = cat.layer("homes")
    # SSB's people inside the municipality, shared among the residential buildings of their
    # cells (cells without one stay whole)
    assert homes["population"].sum() == pytest.approx(ssb_people_inside)
    assert set(homes["source"]) == {"grid", "osm_estimate"}
    assert res.dwelling_comparison["ssb_people"] == pytest.approx(ssb_people_inside)

    # second run: everything from checkpoints, no request at all (the boundary too)
    res2 = fetch_kommune("3201", out_dir=out, client=client)
    assert len(session.calls) == first_calls and res2.fetched == []
    assert set(res2.resumed) == set(res.fetched)
    # refresh redoes the steps, but the HTTP cache still answers
    res3 = fetch_kommune("3201", out_dir=out, client=client, refresh=True)
    assert len(session.calls) == first_calls and set(res3.fetched) == set(res.fetched)


def test_fetch_kommune_options(recorded, tmp_path):
    client, session, _ = recorded
    res = fetch_kommune("3201", out_dir=tmp_path, client=client, homes="osm",
                        skip={"farmland", "ssb_grid"})  # fmt: skip
    assert "farmland" not in res.layers and res.exit_code == 0  # skipped on request: complete
    assert {(m.step, m.status) for m in res.missing} == {
        ("farmland", "skipped"),
        ("ssb_grid", "skipped"),
        ("zoning", "not_available"),
    }
    assert not any("nibio" in c["url"] for c in session.calls)
    homes = load_catalogue(res.catalogue).layer("homes")
    assert set(homes["source"]) == {"osm_estimate"}
    with pytest.raises(FetchError, match="cannot skip"):
        fetch_kommune("3201", out_dir=tmp_path, client=client, skip={"boundary"})
    with pytest.raises(FetchError, match="unknown endpoint"):
        fetch_kommune("3201", out_dir=tmp_path, client=client, endpoints={"ar5": "x"})
    with pytest.raises(FetchError, match="homes="):
        fetch_kommune("3201", out_dir=tmp_path, client=client, homes="both")
    with pytest.raises(FetchError, match=r"--farmland 'nope\.gml' does not exist"):
        fetch_kommune("3201", out_dir=tmp_path, client=client, farmland="nope.gml")


# ============================================================================= CLI


def test_cli_without_network_writes_what_is_missing(tmp_path, capsys, monkeypatch):
    """No network: within seconds, a catalogue listing every layer as missing, exit 4."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    t0 = time.monotonic()
    code = main(["fetch", "--kommune", "3201", "--out", str(tmp_path / "out")])
    elapsed = time.monotonic() - t0
    printed = capsys.readouterr().out
    assert code == 4 and elapsed < 30
    cat = load_catalogue(tmp_path / "out" / "kommune-3201.yaml")
    assert cat.kinds == []
    first = cat.missing[0]
    assert first.layer == "boundary" and "Kartverket kommuneinfo" in first.reason
    assert "make demo" in first.reason and "\n" not in first.reason
    assert all("needs the boundary step" in m.reason for m in cat.missing[1:]
               if m.status == "failed")  # fmt: skip
    assert "Partial" in printed and main(["layers", "check", str(cat.path)]) == 0


def test_cli_fetch_then_layers_check(ssb_zip, tmp_path, monkeypatch, capsys):
    session = FakeSession(recorded_handler(ssb_zip))
    monkeypatch.setattr(fetch_http.requests, "Session", lambda: session)
    monkeypatch.setattr(fetch_http, "_probe_host", lambda host, port, timeout: None)
    out = tmp_path / "data"
    assert main(["fetch", "--kommune", "3201", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "baerum.yaml" in printed and "OSM dwelling estimate vs SSB" in printed
    assert (out / ".cache").is_dir()
    assert main(["layers", "check", str(out / "baerum.yaml")]) == 0


def test_cli_bad_endpoint_syntax(tmp_path):
    assert main(["fetch", "--kommune", "3201", "--out", str(tmp_path), "--endpoint", "x"]) == 2


# ============================================================================= dwellings vs SSB


X0, Y0 = 590000.0, 6640000.0


def _grid(pops):
    geoms = [box(X0 + 250 * i, Y0, X0 + 250 * (i + 1), Y0 + 250) for i in range(len(pops))]
    return gpd.GeoDataFrame({"population": pops}, geometry=geoms, crs=25832,
                            index=[f"c{i}" for i in range(len(pops))])  # fmt: skip


def _buildings(cells_and_dwellings):
    geoms, dw = [], []
    for k, (cell, d) in enumerate(cells_and_dwellings):
        x = X0 + 250 * cell + 20 + 30 * (k % 5)
        geoms.append(box(x, Y0 + 20, x + 10, Y0 + 30))
        dw.append(d)
    return gpd.GeoDataFrame({"dwellings": dw, "population": [d * 2.3 for d in dw]},
                            geometry=geoms, crs=25832,
                            index=[f"b{k}" for k in range(len(dw))])  # fmt: skip


def test_compare_dwellings_to_grid_by_hand():
    grid = _grid([46.0, 10.0, 0.0, 23.0])
    homes = _buildings([(0, 10.0), (0, 5.0), (1, 2.0), (2, 4.0)])
    far = box(X0 - 500, Y0, X0 - 490, Y0 + 10)
    outside = gpd.GeoDataFrame({"dwellings": [1.0], "population": [2.3]}, crs=25832,
                               geometry=[far], index=["outside"])  # fmt: skip
    homes = pd.concat([homes, outside])
    g0, h0 = grid.copy(), homes.copy()
    cmp = compare_dwellings_to_grid(homes, grid)
    pd.testing.assert_index_equal(cmp.index, grid.index)
    assert cmp["est_population"].tolist() == pytest.approx([34.5, 4.6, 9.2, 0.0])
    assert cmp["n_buildings"].tolist() == [2, 1, 1, 0]
    assert cmp["ssb_dwellings"].tolist() == pytest.approx([20.0, 10 / 2.3, 0.0, 10.0])
    s = cmp.attrs["summary"]
    # by hand: est 48.3 vs SSB 79; |diff| = 11.5 + 5.4 + 9.2 + 23 = 49.1
    assert s["ssb_people"] == 79.0 and s["est_people"] == pytest.approx(48.3)
    assert s["ratio"] == pytest.approx(48.3 / 79, abs=1e-6)
    assert s["wape"] == pytest.approx(49.1 / 79)
    assert s["mae_people_per_cell"] == pytest.approx(49.1 / 4)
    assert s["cells_missed"] == 1 and s["cells_spurious"] == 1
    assert s["homes_outside_grid"] == 1
    pd.testing.assert_frame_equal(grid, g0)
    pd.testing.assert_frame_equal(homes, h0)


def test_dasymetric_homes_keeps_ssb_totals():
    grid = _grid([46.0, 10.0, 0.0, 23.0])
    b = _buildings([(0, 10.0), (0, 5.0), (1, 2.0), (2, 4.0), (0, 0.0)])
    homes = dasymetric_homes(b, grid)
    assert homes["population"].sum() == pytest.approx(79.0)
    pop = homes["population"]
    assert pop["b0"] == pytest.approx(46 * 10 / 15) and pop["b1"] == pytest.approx(46 * 5 / 15)
    assert pop["b2"] == pytest.approx(10.0)
    assert "b3" not in homes.index  # SSB counts nobody in cell 2
    assert "b4" not in homes.index  # no dwellings estimated
    assert pop["cell/c3"] == pytest.approx(23.0)  # people, no building: the cell itself
    assert homes["dwellings"].tolist() == pytest.approx((pop / 2.3).tolist())


# ============================================================================= real data


@pytest.mark.realdata
def test_real_ssb_grid_through_the_fetch_reader(real_data):
    kommuner = gpd.read_file(real_data / "robhop-kommuner" / "kommuner_baerum_asker_oslo_M.geojson")
    baerum = kommuner[kommuner["kommunenummer"].astype(str) == "3201"]
    csv = real_data / "geoforum-ssb-grid" / "ru250m_2015_baerum_asker_raw.csv"
    centre = read_population_grid(csv, baerum)["population"].sum()
    touching = read_population_grid(csv, baerum, cells="intersects")["population"].sum()
    # SSB's own 2015 total for Bærum (cells by largest overlap) is 120,140. On the generalised
    # outline, centre-in-boundary loses coastal cells (-1.2 %), touching cells add border cells
    # shared with Oslo and Asker (+0.7 %).
    assert centre == 118_729 and touching == 121_034
    assert centre < 120_140 < touching


@pytest.mark.realdata
def test_skoyen_pbf_and_ssb_grid_do_not_overlap(real_data):
    """The real PBF (Oslo) and the real SSB grid (Bærum/Asker) share no cell: measured honestly."""
    from arealanalyse.layers.osm import read_osm
    from arealanalyse.layers.readers import read_layer

    homes = read_osm(real_data / "otp-osm-fixture-skoyen" / "skoyen.osm.pbf", "homes")
    grid = read_layer(real_data / "geoforum-ssb-grid" / "ru250m_2015_baerum_asker_raw.csv",
                      "homes", format="ssb_grid")  # fmt: skip
    cmp = compare_dwellings_to_grid(homes, grid)
    assert cmp.attrs["summary"]["homes_outside_grid"] == len(homes)
    assert cmp["est_population"].sum() == 0


def test_endpoints_are_https():
    assert all(u.startswith("https://") for u in ENDPOINTS.values())


def test_recordings_are_small(rec):
    for p in rec.iterdir():
        assert p.stat().st_size < 12_000, p.name
    with zipfile.ZipFile(rec / "entur_nsr_32_Akershus.zip") as zf:
        assert zf.read(zf.namelist()[0]).startswith(b"<?xml")


@pytest.mark.realdata
def test_fetched_extract_goes_through_the_pbf_mapping(real_data, tmp_path):
    """The real PBF, answered as Overpass would (OSM XML), gives the same layers as the PBF."""
    from arealanalyse.layers.osm import convert_to_osm_xml, read_osm

    pbf = real_data / "otp-osm-fixture-skoyen" / "skoyen.osm.pbf"
    answer = tmp_path / "answer.osm"
    convert_to_osm_xml(pbf, answer, walk_only=False)
    body = answer.read_bytes()
    session = FakeSession(lambda call: ok(body))
    client = HttpClient(tmp_path / "cache", session=session, probe_timeout_s=0)
    area = box(*read_osm(pbf, "roads").total_bounds).buffer(2000)
    boundary = gpd.GeoDataFrame({"kommunenummer": ["0301"]}, geometry=[area], crs=25832)
    for kind in ("walk_network", "homes", "services", "green"):
        fetched = fetch_osm_layer(kind, boundary, client=client, endpoint="https://op/interpreter")
        direct = read_osm(pbf, kind)
        pd.testing.assert_frame_equal(
            pd.DataFrame(fetched.drop(columns="geometry")),
            pd.DataFrame(direct.drop(columns="geometry")),
        )
        assert fetched.geometry.geom_equals_exact(direct.geometry, tolerance=1e-6).all()


def test_kommuneinfo_without_crs_member_in_degrees(tmp_path):
    ring = [[10.5, 59.9], [10.6, 59.9], [10.6, 59.95], [10.5, 59.9]]
    doc = {"kommunenummer": "3201", "kommunenavn": "Bærum",
           "omrade": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip
    p = tmp_path / "k.json"
    p.write_text(json.dumps(doc))
    b = parse_kommuneinfo(p)
    assert b.crs.to_epsg() == 25832
    assert b.attrs["arealanalyse"]["source_crs"] == "EPSG:4258"


def test_plan_file_becomes_zoning(recorded, tmp_path):
    client, _, _ = recorded
    plan = gpd.GeoDataFrame(
        {"arealformal": [1110, 5100], "status": ["existing", "planned"]},
        geometry=[box(589400, 6641000, 589600, 6641200), box(589700, 6641300, 589900, 6641500)],
        crs=25832,
    )
    plan_path = tmp_path / "kommuneplan.geojson"
    plan.to_file(plan_path, driver="GeoJSON", engine="pyogrio")
    res = fetch_kommune("3201", out_dir=tmp_path / "out", client=client, plan=plan_path)
    zoning = load_catalogue(res.catalogue).layer("zoning")
    assert sorted(zoning["arealformal"]) == [1110, 5100]
    assert not [m for m in res.missing if m.layer == "zoning"]


def test_cli_help_has_example():
    from typer.testing import CliRunner

    from arealanalyse.cli import app

    out = CliRunner().invoke(app, ["fetch", "--help"]).output
    assert "arealanalyse fetch --kommune 3201" in out


def test_changing_homes_mode_recomputes_homes(recorded, tmp_path):
    client, session, _ = recorded
    res = fetch_kommune("3201", out_dir=tmp_path, client=client)
    assert set(load_catalogue(res.catalogue).layer("homes")["source"]) == {"grid", "osm_estimate"}
    n = len(session.calls)
    res = fetch_kommune("3201", out_dir=tmp_path, client=client, homes="ssb")
    assert "homes" not in res.resumed and len(session.calls) == n
    assert set(load_catalogue(res.catalogue).layer("homes")["source"]) == {"grid"}
    res = fetch_kommune("3201", out_dir=tmp_path, client=client, skip={"homes"})
    assert [m.status for m in res.missing if m.step == "homes"] == ["skipped"]


def test_resume_with_a_wrong_range_starts_over(tmp_path):
    full = b"0123456789" * 20
    calls: list = []

    def handle(call):
        calls.append(call["headers"].get("Range"))
        if call["headers"].get("Range"):
            return FakeResponse(206, full[50:], {"Content-Range": f"bytes 50-199/{len(full)}"})
        return ok(full)

    client = HttpClient(tmp_path, session=FakeSession(handle), probe_timeout_s=0)
    target = client.cached_path("https://x.no/f", service="X")
    target.parent.mkdir(parents=True)
    target.with_name(target.name + ".part").write_bytes(full[:100])
    assert client.fetch("https://x.no/f", service="X").read_bytes() == full
    assert calls == ["bytes=100-", None]


def test_later_commands_run_on_a_fetched_catalogue(recorded, tmp_path, capsys):
    """Issue 8: metrics, scenarios, check and map run on a fetched catalogue as on the demo."""
    client, _, _ = recorded
    res = fetch_kommune("3201", out_dir=tmp_path / "data", client=client)
    scenario = tmp_path / "baseline.yaml"
    scenario.write_text(
        "schema_version: 1\nname: baseline\ntitle: Referanse\n"
        f"catalogue: {res.catalogue}\nperiod: {{start: 2026, end: 2040}}\n"
    )
    assert main(["metrics", str(res.catalogue), "--out", str(tmp_path / "metrics")]) == 0
    assert (tmp_path / "metrics" / "metrics.gpkg").is_file()
    assert main(["scenario", "run", str(scenario), "--out", str(tmp_path / "sc")]) == 0
    assert main(["check", str(scenario), "--out", str(tmp_path / "review")]) in (0, 1)
    assert (tmp_path / "review" / "review.md").is_file()
    html = tmp_path / "map.html"
    assert main(["map", str(res.catalogue), "--offline", "--out", str(html)]) == 0
    assert "OpenStreetMap contributors" in html.read_text(encoding="utf-8")

"""The fetch run as a planner meets it: independent steps, `missing:`, reruns, farmland, dry run.

Offline: sockets are blocked (conftest) and every answer comes from the recordings in
``tests/data/fetch`` or is cut from ``../shared/data/real`` at test time (tests/fetchfakes.py).
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import LineString, box

from arealanalyse.cli import main
from arealanalyse.errors import CatalogueError
from arealanalyse.fetch import HttpClient, fetch_kommune
from arealanalyse.fetch import http as fetch_http
from arealanalyse.fetch.catalogue import AR50_COARSE_NOTE
from arealanalyse.layers.catalogue import load_catalogue
from fetchfakes import REC, FakeResponse, FakeSession, ok, recorded_handler, ssb_csv_cut, zipped

FKB_SAMPLE = REC / "fkb_ar5_3201_sample.gml"


@pytest.fixture(scope="module")
def ssb_zip(real_data) -> bytes:
    return zipped({"befolkning_250m_2015.csv": ssb_csv_cut(real_data)})


def _patch_http(monkeypatch, session: FakeSession) -> None:
    """Make the CLI's HttpClient use ``session``, skip its reachability probe and its pauses."""
    monkeypatch.setattr(fetch_http.requests, "Session", lambda: session)
    monkeypatch.setattr(fetch_http.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(fetch_http, "_probe_host", lambda host, port, timeout: None)


def _hosts(calls: list[dict]) -> set[str]:
    return {urlsplit(c["url"]).netloc for c in calls}


# ================================================================== acceptance: partial run


def test_failed_farmland_gives_a_partial_catalogue_and_the_rerun_fetches_only_farmland(
    ssb_zip, tmp_path, monkeypatch, capsys
):
    nibio_down = [True]

    def ar50(call):
        if nibio_down[0]:
            return FakeResponse(500, b"<html><title>500 Internal Server Error</title></html>")
        page = 1 if call["params"]["startIndex"] == "0" else 2
        return ok((REC / f"ar50_getfeature_page{page}.gml").read_bytes())

    session = FakeSession(recorded_handler(ssb_zip, ar50=ar50))
    _patch_http(monkeypatch, session)
    out = tmp_path / "data"
    assert main(["fetch", "--kommune", "3201", "--out", str(out)]) == 4  # partial
    printed = capsys.readouterr().out
    assert "Partial: farmland" in printed

    catalogue = out / "baerum.yaml"
    doc = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    farmland = [m for m in doc["missing"] if m["layer"] == "farmland"]
    assert len(farmland) == 1
    assert farmland[0]["status"] == "failed" and farmland[0]["service"] == "NIBIO AR50 WFS"
    assert (
        "HTTP 500" in farmland[0]["reason"]
        and "500 Internal Server Error" in (farmland[0]["reason"])
    )
    assert "--farmland FILE" in farmland[0]["supply"]
    assert "farmland" not in doc["layers"]
    assert set(doc["layers"]) == {"boundary", "walk_network", "homes", "services", "green",
                                  "transit", "roads"}  # fmt: skip
    assert main(["layers", "check", str(catalogue)]) == 0  # the catalogue is accepted
    assert "missing farmland" in capsys.readouterr().out

    # the service is back: the rerun sends requests to NIBIO only, and completes
    nibio_down[0] = False
    before = len(session.calls)
    assert main(["fetch", "--kommune", "3201", "--out", str(out)]) == 0
    rerun = session.calls[before:]
    assert rerun and _hosts(rerun) == {"wfs.nibio.no"}
    cat = load_catalogue(catalogue)
    assert "farmland" in cat.kinds and [m.status for m in cat.missing] == ["not_available"]
    # one page answers the municipality's box: AR50 20 (30 daa) is farmland, 30 (skog) is not
    assert cat.layer("farmland")["area_daa"].tolist() == pytest.approx([30.0])


# ================================================================== farmland from the planner


def test_farmland_from_the_municipalitys_fkb_ar5_makes_no_farmland_request(
    ssb_zip, tmp_path, monkeypatch
):
    session = FakeSession(recorded_handler(ssb_zip))
    _patch_http(monkeypatch, session)
    out = tmp_path / "data"
    code = main(["fetch", "--kommune", "3201", "--out", str(out), "--farmland", str(FKB_SAMPLE)])
    assert code == 0
    assert "wfs.nibio.no" not in _hosts(session.calls)
    cat = load_catalogue(out / "baerum.yaml")
    farm = cat.layer("farmland").sort_values("arealtype")
    # ArealressursFlate 21 (40 daa with a 0.4 daa hole) and 23 (30 daa) lie in the municipality;
    # 30 (skog) is not farmland; 22 lies outside the boundary
    assert farm["arealtype"].tolist() == [21, 23]
    assert farm["area_daa"].tolist() == pytest.approx([40.0 - 0.4, 30.0])
    assert not farm.geometry.has_z.any()
    names = " ".join(s.name for s in cat.sources)
    assert "FKB-AR5" in names and "AR50" not in names
    assert not cat.model.layers["farmland"].description
    # the file is read from where it is: nothing is written next to it
    assert sorted(p.name for p in FKB_SAMPLE.parent.glob("fkb_ar5_3201_sample*")) == [
        FKB_SAMPLE.name
    ]


def test_farmland_as_geopackage_with_several_layers(ssb_zip, tmp_path, monkeypatch):
    """FKB-AR5 as GeoPackage: the area layer next to the boundary lines, 3-D polygons."""
    gpkg = tmp_path / "Basisdata_3201_Baerum_25832_FKB-AR5_GPKG.gpkg"
    flater = gpd.GeoDataFrame(
        {"arealtype": [21, 22, 30], "treslag": [98, 98, 33], "skogbonitet": [98, 98, 14]},
        geometry=[
            box(589300, 6640900, 589500, 6641100),
            box(589600, 6641300, 589800, 6641450),
            box(589300, 6641500, 589700, 6641900),
        ],
        crs=25832,
    )
    flater["geometry"] = gpd.GeoSeries.from_wkt(
        [g.wkt.replace("POLYGON ((", "POLYGON Z ((").replace(", ", " 60, ").replace("))", " 60))")
         for g in flater.geometry], crs=25832)  # fmt: skip
    flater.to_file(gpkg, layer="ArealressursFlate", engine="pyogrio")
    edge = LineString(flater.geometry.iloc[0].exterior.coords)
    grenser = gpd.GeoDataFrame({"avgrensingType": [4206]}, crs=25832, geometry=[edge])
    grenser.to_file(gpkg, layer="ArealressursGrense", engine="pyogrio")
    session = FakeSession(recorded_handler(ssb_zip))
    client = HttpClient(tmp_path / "c", session=session, probe_timeout_s=0)
    res = fetch_kommune("3201", out_dir=tmp_path / "out", farmland=gpkg, client=client)
    assert res.exit_code == 0 and "wfs.nibio.no" not in _hosts(session.calls)
    farm = load_catalogue(res.catalogue).layer("farmland")
    assert sorted(farm["arealtype"]) == [21, 22]
    assert sorted(farm["area_daa"]) == pytest.approx([30.0, 40.0])


def test_farmland_download_with_a_norge_digitalt_login(tmp_path, monkeypatch):
    gpkg = tmp_path / "fkb.gpkg"
    gpd.GeoDataFrame({"arealtype": [23]}, geometry=[box(589300, 6640900, 589500, 6641100)],
                     crs=25832).to_file(gpkg, engine="pyogrio")  # fmt: skip
    answer = zipped({"Les meg.txt": b"Vilkaar for bruk", "FKB-AR5_3201.gpkg": gpkg.read_bytes()})
    url = "https://nedlasting.geonorge.no/fmedatastreaming/FKB-AR5/FKB-AR5_3201_25832.zip"
    secret = "hemmelig-passord-42"
    expected = "Basic " + base64.b64encode(f"kommune3201:{secret}".encode()).decode()

    def geonorge(call):
        if call["headers"].get("Authorization") != expected:
            return FakeResponse(401, b"<html><title>401 Unauthorized</title></html>")
        return ok(answer)

    handler = recorded_handler(overrides={"ssb": geonorge})
    monkeypatch.delenv("GEONORGE_USERNAME", raising=False)
    monkeypatch.delenv("GEONORGE_PASSWORD", raising=False)
    client = HttpClient(tmp_path / "cache", session=FakeSession(handler), probe_timeout_s=0,
                        sleep=lambda s: None)  # fmt: skip
    skip = {"ssb_grid", "walk_network", "services", "green", "roads", "osm_buildings", "homes"}
    res = fetch_kommune("3201", out_dir=tmp_path / "out", client=client, farmland=url, skip=skip)
    miss = next(m for m in res.missing if m.layer == "farmland")
    assert "HTTP 401" in miss.reason and "GEONORGE_USERNAME" in miss.reason
    assert miss.service == "Geonorge nedlasting (Norge digitalt)"

    monkeypatch.setenv("GEONORGE_USERNAME", "kommune3201")
    monkeypatch.setenv("GEONORGE_PASSWORD", secret)
    res = fetch_kommune("3201", out_dir=tmp_path / "out", client=client, farmland=url, skip=skip)
    assert res.exit_code == 0
    assert load_catalogue(res.catalogue).layer("farmland")["arealtype"].tolist() == [23]
    # the password is sent, never stored
    for path in list((tmp_path / "cache").rglob("*")) + list((tmp_path / "out").rglob("*")):
        if path.is_file() and path.suffix in (".json", ".yaml"):
            assert secret not in path.read_text(encoding="utf-8"), path


# ================================================================== AR50 coarseness


def test_ar50_coarseness_is_stated_on_maps_and_reports(ssb_zip, tmp_path):
    session = FakeSession(recorded_handler(ssb_zip))
    client = HttpClient(tmp_path / "cache", session=session, probe_timeout_s=0)
    res = fetch_kommune("3201", out_dir=tmp_path / "data", client=client)
    cat = load_catalogue(res.catalogue)
    assert cat.model.layers["farmland"].description == AR50_COARSE_NOTE
    assert any("AR50" in s.name and "GROVT" in s.name for s in cat.sources)
    html = tmp_path / "map.html"
    assert main(["map", str(res.catalogue), "--offline", "--out", str(html)]) == 0
    assert "GROVT: AR50 er AR5 generalisert til 1:50 000" in html.read_text(encoding="utf-8")
    scenario = tmp_path / "baseline.yaml"
    scenario.write_text(
        "schema_version: 1\nname: baseline\ntitle: Referanse\n"
        f"catalogue: {res.catalogue}\nperiod: {{start: 2026, end: 2040}}\n"
    )
    assert main(["check", str(scenario), "--out", str(tmp_path / "review")]) in (0, 1)
    report = (tmp_path / "review" / "review.md").read_text(encoding="utf-8")
    report += (tmp_path / "review" / "review.html").read_text(encoding="utf-8")
    assert report.count("GROVT: AR50") >= 2


# ================================================================== reruns: missing or stale


def test_stale_steps_are_fetched_again_and_kept_when_the_refresh_fails(ssb_zip, tmp_path):
    entur_down = [False]

    def entur(call):
        if entur_down[0]:
            return FakeResponse(503, b"busy")
        return ok((REC / "entur_nsr_32_Akershus.zip").read_bytes())

    session = FakeSession(recorded_handler(ssb_zip, overrides={"entur": entur}))
    client = HttpClient(tmp_path / "cache", session=session, probe_timeout_s=0,
                        sleep=lambda s: None)  # fmt: skip
    out = tmp_path / "out"
    first = fetch_kommune("3201", out_dir=out, client=client)
    assert first.exit_code == 0

    # a week later: transit and its cached answer are 8 days old
    manifest_path = out / "baerum" / "fetch-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["steps"]["transit"]["fetched"] = "2020-01-01T00:00:00Z"
    manifest_path.write_text(json.dumps(manifest))
    old = time.time() - 8 * 86400
    for p in (tmp_path / "cache").rglob("*.zip"):
        if "entur" in str(p):
            os.utime(p, (old, old))
    n = len(session.calls)
    res = fetch_kommune("3201", out_dir=out, client=client, max_age_days=7)
    assert res.fetched == ["transit"] and _hosts(session.calls[n:]) == {"storage.googleapis.com"}
    assert client.max_age_s is None  # the run's max age does not stick to the client

    # stale again, and now Entur is down: the old layer is kept and the run says so
    manifest = json.loads(manifest_path.read_text())
    manifest["steps"]["transit"]["fetched"] = "2020-01-01T00:00:00Z"
    manifest_path.write_text(json.dumps(manifest))
    for p in (tmp_path / "cache").rglob("*.zip"):
        if "entur" in str(p):
            os.utime(p, (old, old))
    entur_down[0] = True
    res = fetch_kommune("3201", out_dir=out, client=client, max_age_days=7)
    assert "transit" in res.kept and "HTTP 503" in res.kept["transit"]
    assert res.exit_code == 4 and "transit" in load_catalogue(res.catalogue).kinds


def test_a_new_farmland_file_is_read_again(ssb_zip, tmp_path):
    session = FakeSession(recorded_handler(ssb_zip))
    client = HttpClient(tmp_path / "cache", session=session, probe_timeout_s=0)
    fkb = tmp_path / "fkb.gpkg"
    layer = gpd.GeoDataFrame({"arealtype": [21]}, crs=25832,
                             geometry=[box(589300, 6640900, 589500, 6641100)])  # fmt: skip
    layer.to_file(fkb, engine="pyogrio")
    res = fetch_kommune("3201", out_dir=tmp_path / "out", client=client, farmland=fkb)
    assert "farmland" in res.fetched
    res = fetch_kommune("3201", out_dir=tmp_path / "out", client=client, farmland=fkb)
    assert "farmland" in res.resumed
    layer.assign(arealtype=[23]).to_file(fkb, engine="pyogrio")  # the municipality updates it
    res = fetch_kommune("3201", out_dir=tmp_path / "out", client=client, farmland=fkb)
    assert res.fetched == ["farmland"]
    assert load_catalogue(res.catalogue).layer("farmland")["arealtype"].tolist() == [23]


# ================================================================== dry run


def test_dry_run_lists_every_request_offline(tmp_path, capsys):
    out = tmp_path / "data"
    assert main(["fetch", "--kommune", "3201", "--out", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    for url in (
        "GET https://ws.geonorge.no/kommuneinfo/v1/kommuner/3201/omrade?utkoordsys=25832",
        "POST https://overpass-api.de/api/interpreter",
        "GET https://nedlasting.geonorge.no/geonorge/Befolkning/BefolkningsstatistikkRutenett"
        "250m2025/GML/Befolkning_0000_Norge_25833_BefolkningsstatistikkRutenett250m2025_GML.zip",
        "GET https://storage.googleapis.com/marduk-production/tiamat/32_Akershus_latest.zip",
        "GET https://wfs.nibio.no/cgi-bin/ar50_2?service=WFS&version=2.0.0&request=GetFeature"
        "&typeNames=ms:AR50&srsName=EPSG:25832",
    ):
        assert url in text, url
    assert text.count("POST https://overpass-api.de/api/interpreter") == 5
    assert "UNCONFIRMED: paging with count/startIndex" in text
    assert f"layer  → {out / '<kommune>' / 'farmland.gpkg'}" in text
    assert not out.exists()  # nothing written


def test_dry_run_after_a_run_shows_the_exact_requests(ssb_zip, tmp_path, capsys):
    session = FakeSession(recorded_handler(ssb_zip))
    client = HttpClient(tmp_path / "data" / ".cache", session=session, probe_timeout_s=0)
    fetch_kommune("3201", out_dir=tmp_path / "data", client=client)
    sent = list(session.calls)
    capsys.readouterr()
    assert main(["fetch", "--kommune", "3201", "--out", str(tmp_path / "data"), "--dry-run",
                 "--farmland", str(FKB_SAMPLE)]) == 0  # fmt: skip
    text = capsys.readouterr().out
    ar50 = next(c for c in sent if "wfs.nibio.no" in c["url"])
    assert "bbox=" + ar50["params"]["bbox"] not in text  # --farmland FILE: no AR50 request
    assert f"reads  {FKB_SAMPLE} (FKB-AR5 file); no request" in text
    roads = next(c for c in sent if '["highway"~"^(motorway' in str(c["data"]))
    assert roads["data"]["data"][:150] in text  # the very query the run sent
    assert "data/baerum/walk_network.gpkg" in text and "read back instead of fetched" in text
    # the answers it names are the files the run cached
    for line in text.splitlines():
        if "answer → " in line and "<" not in line:
            assert Path(line.split("answer → ")[1]).is_file(), line


# ================================================================== the catalogue model


def test_catalogue_model_accepts_missing_and_rejects_unknown_status(tmp_path):
    doc = {"schema_version": 1, "name": "x", "layers": {},
           "missing": [{"layer": "farmland", "step": "farmland", "service": "NIBIO AR50 WFS",
                        "reason": "HTTP 500", "supply": "--farmland FILE"}]}  # fmt: skip
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert load_catalogue(path).missing[0].status == "failed"
    doc["missing"][0]["status"] = "gone"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(CatalogueError, match="status"):
        load_catalogue(path)


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    missing = tmp_path / "nope.gml"
    assert main(["fetch", "--kommune", "3201", "--out", str(tmp_path), "--farmland",
                 str(missing)]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--farmland" in err[0] and "FKB-AR5" in err[0]
    assert main(["fetch", "--kommune", "32011", "--out", str(tmp_path), "--dry-run"]) == 2
    assert not list(tmp_path.iterdir())  # nothing written


def test_layers_check_json_lists_missing(tmp_path, capsys):
    doc = {"schema_version": 1, "name": "x", "layers": {},
           "missing": [{"layer": "transit", "step": "transit", "service": "Entur",
                        "reason": "HTTP 503", "supply": "add layers.transit"}]}  # fmt: skip
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert main(["layers", "check", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["missing"][0]["layer"] == "transit" and out["missing"][0]["status"] == "failed"

"""The SSB and Entur steps on real files, served the way the services serve them.

The real Geonorge GML of SSB's 1 km grid (Oslo, 2019) is zipped the way Geonorge zips its
downloads (``Befolkning_0000_Norge_25833_…_GML.zip`` holding ``…_GML.gml``), and the real NSR
NeTEx excerpt the way Entur's export is (``03_Oslo_latest.zip`` holding one
``tiamat-export-….xml``), both at test time into a temporary folder. Golden values come from
reading the real files directly with GDAL and ElementTree, not from the code under test.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest

from arealanalyse.fetch import HttpClient
from arealanalyse.fetch.entur import fetch_transit
from arealanalyse.fetch.ssb import fetch_population_grid
from fetchfakes import FakeSession, ok, zipped

STEM = "Befolkning_0000_Norge_25833_BefolkningsstatistikkRutenett1km2019_GML"
URL = f"https://nedlasting.geonorge.no/geonorge/Befolkning/BefolkningsstatistikkRutenett1km2019/GML/{STEM}.zip"


@pytest.fixture(scope="module")
def oslo(real_data) -> gpd.GeoDataFrame:
    kommuner = gpd.read_file(real_data / "robhop-kommuner" / "kommuner_baerum_asker_oslo_M.geojson")
    return kommuner[kommuner["kommunenummer"].astype(str) == "0301"]


def _client(tmp_path, body: bytes) -> tuple[HttpClient, FakeSession]:
    session = FakeSession(lambda call: ok(body))
    return HttpClient(tmp_path / "cache", session=session, probe_timeout_s=0), session


@pytest.mark.realdata
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {
            "LESMEG.txt": b"Befolkning paa rutenett 1 km, SSB 2019. Se vilkaar.",
            f"{STEM}.xsd": b"<xs:schema/>",
            "Produktark.pdf": b"%PDF-1.4",
        },
    ],
    ids=["as-geonorge-zips-it", "with-readme-schema-and-pdf"],
)
def test_ssb_step_reads_the_real_geonorge_gml(real_data, oslo, tmp_path, extra):
    gml = real_data / "ssb-grid-oslo" / "BefolkningOslo1km2019.gml"
    answer = zipped({**extra, f"{STEM}.gml": gml.read_bytes()})
    client, session = _client(tmp_path, answer)
    cells = fetch_population_grid(oslo, client=client, endpoint=URL)
    assert [c["url"] for c in session.calls] == [URL]
    # golden: the GML read directly, cells whose centre lies in Oslo's outline
    raw = gpd.read_file(gml, layer="BefolkningPåRuter1km", engine="pyogrio", WRITE_GFS="NO")
    assert len(raw) == 258 and raw["popTot"].sum() == 678_692  # the whole file
    centres = raw.to_crs(25832).geometry.centroid
    inside = centres.within(oslo.to_crs(25832).geometry.union_all())
    assert len(cells) == int(inside.sum())
    assert cells["population"].sum() == pytest.approx(float(raw.loc[inside, "popTot"].sum()))
    assert cells.crs.to_epsg() == 25832 and set(cells["source"]) == {"grid"}
    # the member came out of the cached download, next to it, never elsewhere
    extracted = sorted(p.name for p in (tmp_path / "cache").rglob("*.gml"))
    assert extracted == [f"{STEM}.gml"]


def _nsr_zip(xml: bytes) -> bytes:
    return zipped({"tiamat-export-03_Oslo-202506020310124180.xml": xml})


def _stop_places(xml: bytes) -> dict[str, dict[str, str]]:
    root = ET.fromstring(xml)
    out = {}
    for sp in root.iter("StopPlace"):
        loc = sp.find("Centroid/Location")
        out[sp.get("id", "")] = {
            "name": sp.findtext("Name") or "",
            "type": sp.findtext("StopPlaceType") or "",
            "lon": loc.findtext("Longitude") if loc is not None else "",
            "lat": loc.findtext("Latitude") if loc is not None else "",
        }
    return out


@pytest.mark.realdata
def test_entur_step_reads_the_real_nsr_excerpt(real_data, oslo, tmp_path):
    xml = (real_data / "entur-nsr-2025" / "stopPlaces.xml").read_bytes()
    client, session = _client(tmp_path, _nsr_zip(xml))
    stops = fetch_transit("0301", oslo, client=client)
    assert session.calls[0]["url"].endswith("/tiamat/03_Oslo_latest.zip")
    places = _stop_places(xml)
    # Nyland stasjon (railStation) lies in Oslo; the Finnmark stops do not
    nyland = stops[stops["nsr_id"] == "NSR:StopPlace:305"]
    assert nyland[["name", "mode"]].values.tolist() == [["Nyland stasjon", "rail"]]
    lon, lat = float(places["NSR:StopPlace:305"]["lon"]), float(places["NSR:StopPlace:305"]["lat"])
    at = gpd.GeoSeries.from_xy([lon], [lat], crs=4326).to_crs(25832).iloc[0]
    assert nyland.geometry.iloc[0].distance(at) < 0.01
    finnmark = {k for k, v in places.items() if float(v["lat"] or 0) > 68}
    assert not set(stops["nsr_id"]) & finnmark
    area = oslo.to_crs(25832).geometry.union_all().buffer(300)
    assert stops.geometry.within(area).all()


@pytest.mark.realdata
def test_entur_step_names_a_nameless_child_after_its_parent(real_data, oslo, tmp_path):
    """Older NSR exports leave Name off child stop places: the parent's name stands in.

    Cut from the real excerpt: Nyland stasjon loses its Name, and its ParentSiteRef points at
    the multimodal parent that is in the excerpt (Nydalen stasjon), so the parent is at hand.
    """
    xml = (real_data / "entur-nsr-2025" / "stopPlaces.xml").read_text(encoding="utf-8")
    child = re.search(r'<StopPlace [^>]*id="NSR:StopPlace:305">.*?</StopPlace>', xml, re.S)
    assert child is not None
    cut = re.sub(r'\s*<Name lang="nor">Nyland stasjon</Name>', "", child.group(0), count=1)
    cut = cut.replace(
        'ParentSiteRef ref="NSR:StopPlace:59650"', 'ParentSiteRef ref="NSR:StopPlace:59649"'
    )
    assert "Nyland stasjon" not in cut and "NSR:StopPlace:59649" in cut
    derived = xml.replace(child.group(0), cut).encode("utf-8")
    client, _session = _client(tmp_path, _nsr_zip(derived))
    stops = fetch_transit("0301", oslo, client=client)
    row = stops[stops["nsr_id"] == "NSR:StopPlace:305"]
    assert row[["name", "mode"]].values.tolist() == [["Nydalen stasjon", "rail"]]

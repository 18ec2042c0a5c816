"""Tests of arealanalyse.maps: folium objects and HTML, then the real thing in headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, box

from arealanalyse import maps
from arealanalyse.cli import main
from arealanalyse.cli.map import detect_input
from arealanalyse.errors import CodeError, CrsError, MissingColumnError
from arealanalyse.layers import codes
from arealanalyse.maps import READY_FLAG, OfflineAssetError
from arealanalyse.metrics.grid import share_difference
from browser import Browser, crop_stats, image_stats, requires_chromium

# Sandvika, Bærum, in EPSG:25832 (rounded to 100 m).
_X0, _Y0 = (
    round(v, -2) for v in Transformer.from_crs(4326, 25832, always_xy=True).transform(10.52, 59.89)
)
SOURCES = [
    {"name": "Syntetiske demodata", "licence": "CC0-1.0", "attribution": "arealanalyse"},
    {"name": "OpenStreetMap", "licence": "ODbL-1.0", "attribution": "OpenStreetMap-bidragsytere"},
]


def _b(x1: float, y1: float, x2: float, y2: float) -> shapely.Polygon:
    return box(_X0 + x1, _Y0 + y1, _X0 + x2, _Y0 + y2)


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    codes_ = [1110, 1130, 1300, 1160, 3040, 5001, 2010, 1800]
    rows, geoms = [], []
    for i in range(8):
        for j in range(6):
            code = codes_[(i * 3 + j) % len(codes_)]
            rows.append(
                {
                    "arealformal": code,
                    "category": codes.arealformal_category(code),
                    "arealformal_navn": codes.AREALFORMAL[code][0],
                    "status": "planned" if (i + j) % 7 == 0 else "existing",
                }
            )
            geoms.append(_b(i * 500, j * 500, (i + 1) * 500, (j + 1) * 500))
    transit = gpd.GeoDataFrame(
        {
            "name": ["Sandvika", "Stabekk", "Bekkestua", "Kadettangen"],
            "mode": ["rail", "rail", "metro", "bus"],
            "departures_per_hour": [12.0, 4.0, 8.0, 6.0],
        },
        geometry=[
            Point(_X0 + 1000, _Y0 + 1000),
            Point(_X0 + 3000, _Y0 + 1200),
            Point(_X0 + 2000, _Y0 + 2500),
            Point(_X0 + 1500, _Y0 + 300),
        ],
        crs=25832,
        index=[10, 11, 12, 13],
    )
    return {
        "boundary": gpd.GeoDataFrame(
            {"name": ["Bærum (utsnitt)"]}, geometry=[_b(0, 0, 4000, 3000)], crs=25832
        ),
        "zoning": gpd.GeoDataFrame(rows, geometry=geoms, crs=25832),
        "farmland": gpd.GeoDataFrame(
            {"arealtype": [21, 22, 23], "area_daa": [120.0, 120.0, 120.0]},
            geometry=[
                _b(3000, 2000, 3400, 2300),
                _b(3400, 2000, 3800, 2300),
                _b(3000, 2300, 3400, 2600),
            ],
            crs=25832,
        ),
        "green": gpd.GeoDataFrame(
            {"name": ["Sandvika park"], "green_type": ["park"]},
            geometry=[Point(_X0 + 1200, _Y0 + 1500).buffer(200)],
            crs=25832,
        ),
        "transit": transit,
        "roads": gpd.GeoDataFrame(
            {"ref": ["E18", "Fv168", "E 18", "E180"]},
            geometry=[
                LineString([(_X0, _Y0 + 800), (_X0 + 2000, _Y0 + 700)]),
                LineString([(_X0 + 500, _Y0), (_X0 + 800, _Y0 + 3000)]),
                LineString([(_X0 + 2000, _Y0 + 700), (_X0 + 4000, _Y0 + 900)]),
                LineString([(_X0, _Y0 + 100), (_X0 + 900, _Y0 + 100)]),
            ],
            crs=25832,
        ),
        "areas": gpd.GeoDataFrame(
            {"name": ["Ramstadsletta"], "area_type": ["e18_corridor"]},
            geometry=[_b(1500, 400, 2300, 900)],
            crs=25832,
        ),
        "homes": gpd.GeoDataFrame({"dwellings": [1.0]}, geometry=[Point(_X0, _Y0)], crs=25832),
    }


@pytest.fixture(scope="module")
def walk_areas(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoSeries:
    # Stand-in polygons (the network module computes the real ones); indexed like the nodes.
    return layers["transit"].geometry.iloc[:3].buffer(380)


def _cells(seed: int = 1, nx: int = 16, ny: int = 12) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    geoms = [
        _b(i * 250, j * 250, (i + 1) * 250, (j + 1) * 250) for i in range(nx) for j in range(ny)
    ]
    n = len(geoms)
    cells = gpd.GeoDataFrame(
        {
            "share_within_500m_green": rng.uniform(0, 1, n).round(3),
            "share_within_400m_grocery": rng.uniform(0, 1, n).round(3),
            "dwellings": rng.integers(0, 300, n).astype(float),
            "homes": rng.integers(0, 50, n),
        },
        geometry=geoms,
        crs=25832,
        index=pd.RangeIndex(1000, 1000 + n, name="cell_id"),
    )
    cells.loc[cells["dwellings"] < 30, ["share_within_500m_green", "share_within_400m_grocery"]] = (
        np.nan
    )
    return cells


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "site_id": ["s1", "s2", "s3"],
            "name": ["Lysaker Øst", "Fornebu Nord", "Høvik"],
            "use": ["office", "mixed", "logistics"],
            "bra_m2": [12000.0, 30000.0, 8000.0],
            "jobs": [480.0, 900.0, 60.0],
            "farmland_daa": [0.0, 2.5, 14.0],
            "green_daa": [0.0, 1.2, 0.0],
            "abc_class": ["A", "B", "C"],
            "dist_rail_m": [350.0, 820.0, 2100.0],
            "verdict": ["pass", "warn", "fail"],
            "verdict_R1": ["pass", "pass", "fail"],
            "verdict_R2": ["not_applicable", "warn", "fail"],
        },
        geometry=[_b(900, 900, 1200, 1150), _b(2500, 1800, 2900, 2200), _b(3300, 2300, 3700, 2600)],
        crs=25832,
    )


def _html(m: folium.Map, *, offline: bool = True) -> str:
    return maps.map_html(m, offline=offline)


def _features(m: folium.Map) -> dict[str, list[dict]]:
    """The GeoJSON features of each vector layer, by layer name."""
    out = {}
    for child in m._children.values():
        if type(child).__name__ != "VectorLayer":
            continue
        data = json.loads(child.data_json)
        if child.shared is None:
            out[child.layer_name] = data["features"]
        else:  # positions into geometry shared with other layers
            geoms = json.loads(child.shared.geoms_json)
            out[child.layer_name] = [
                {
                    "type": "Feature",
                    "geometry": geoms[k],
                    "properties": {"s": s, **({"t": data["t"][j]} if "t" in data else {})},
                }
                for j, (k, s) in enumerate(zip(data["i"], data["s"], strict=True))
            ]
    return out


def _study(layers, walk_areas, **kw) -> folium.Map:
    return maps.study_area_map(
        layers,
        title="Bærum – studieområde",
        synthetic=True,
        sources=SOURCES,
        service_areas=walk_areas,
        **kw,
    )


# ---------------------------------------------------------------------------------------------
# Study-area map
# ---------------------------------------------------------------------------------------------

STUDY_LAYERS_NB = [
    "Arealformål",
    "Jordbruksareal (AR5)",
    "Grøntområder",
    "Navngitte områder",
    "5 minutters gange fra knutepunkt",
    "Studieområde",
    "E18",
    "Bussholdeplasser",
    "Kollektivknutepunkter",
]


def test_study_map_layers_legend_banner_sources(layers, walk_areas) -> None:
    m = _study(layers, walk_areas)
    assert m.arealanalyse_layers == STUDY_LAYERS_NB
    html = _html(m)
    assert "SYNTETISKE DEMODATA" in html and "synthetic demo data" in html
    assert "Kilder og lisenser" in html and "CC0-1.0" in html and "ODbL-1.0" in html
    # legend lists exactly the categories present, in plan colours
    for label, colour in (
        ("Bolig", "#ffff99"),
        ("Næring", "#cc99ff"),
        ("Sentrum", "#cc9900"),
        ("Grønnstruktur", "#66bb55"),
        ("LNFR", "#ccf0b4"),
    ):
        assert label in html and colour in html
    assert "Idrett" not in html  # no idrett code in the test zoning
    assert "<title>Bærum – studieområde</title>" in html and '<html lang="nb">' in html


def test_study_map_english_and_no_banner(layers) -> None:
    m = maps.study_area_map(layers, title="Study area", lang="en")
    assert m.arealanalyse_layers[0] == "Land use (arealformål)"
    html = _html(m)
    assert "SYNTHETIC DEMO DATA" not in html and "SYNTETISKE" not in html
    assert "Residential" in html and "Sources not given" in html
    assert "Walk areas around the transit nodes were not computed." in html


def test_study_map_draws_only_e18_and_keeps_inputs(layers, walk_areas) -> None:
    before = {k: v.copy() for k, v in layers.items()}
    feats = _features(_study(layers, walk_areas))
    assert len(feats["E18"]) == 2  # "E18" and "E 18", not Fv168 or E180
    assert len(feats["Arealformål"]) == 48
    assert len(feats["Kollektivknutepunkter"]) == 3  # rail and metro
    assert [f["properties"]["t"] for f in feats["Bussholdeplasser"]] == ["Kadettangen (Buss)"]
    # walk-area tooltips come from the transit names through the shared index
    tips = {f["properties"]["t"] for f in feats["5 minutters gange fra knutepunkt"]}
    assert tips == {"Sandvika – 5 min gange", "Stabekk – 5 min gange", "Bekkestua – 5 min gange"}
    for k, v in layers.items():
        pd.testing.assert_frame_equal(pd.DataFrame(v), pd.DataFrame(before[k]))
        assert v.crs == before[k].crs


def test_coordinates_are_lonlat_rounded_and_simplified() -> None:
    wiggly = Point(_X0, _Y0).buffer(300, quad_segs=256)  # 1025 vertices, ~1.8 m apart
    gdf = gpd.GeoDataFrame({"name": ["park"]}, geometry=[wiggly], crs=25832)
    m = maps.study_area_map({"green": gdf}, title="t")
    feat = _features(m)["Grøntområder"][0]
    ring = np.array(feat["geometry"]["coordinates"][0])
    assert 10.4 < ring[:, 0].min() < ring[:, 0].max() < 10.7  # lon
    assert 59.8 < ring[:, 1].min() < ring[:, 1].max() < 60.0  # lat
    assert len(ring) < 200  # simplified from 1025 vertices
    assert np.allclose(ring, ring.round(6), atol=0, rtol=0)
    text = json.dumps(feat["geometry"])
    assert not re.search(r"\d\.\d{7,}", text)
    # The shape is kept within the tolerance (+ rounding): Hausdorff distance in metres.
    back = gpd.GeoSeries([shapely.Polygon(ring)], crs=4326).to_crs(25832).iloc[0]
    assert shapely.hausdorff_distance(back, wiggly) < 3.0 + 0.2


def test_empty_layer_far_away_and_no_crs_give_notes_or_errors(layers) -> None:
    far = gpd.GeoDataFrame(
        {"name": ["Brasília"]}, geometry=[box(-47.9, -15.8, -47.8, -15.7)], crs=4326
    )
    m = maps.study_area_map({"boundary": far, "zoning": layers["zoning"].iloc[:0]}, title="t")
    html = _html(m)
    assert "Laget «Arealformål» har ingen objekter og vises ikke." in html
    assert "Dataene ligger utenfor Norge" in html and "-15.75" in html
    assert m.arealanalyse_layers == ["Studieområde"]
    nothing = maps.study_area_map({}, title="t")
    assert "Kartet har ingen data å vise." in _html(nothing)
    no_crs = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)])
    with pytest.raises(CrsError, match="'Studieområde' has no CRS"):
        maps.study_area_map({"boundary": no_crs}, title="t")


# ---------------------------------------------------------------------------------------------
# Access map
# ---------------------------------------------------------------------------------------------


def test_access_map_one_layer_per_indicator_without_empty_cells(layers) -> None:
    cells = _cells()
    m = maps.access_map(cells, title="Tilgang", boundary=layers["boundary"])
    assert m.arealanalyse_layers == [
        "Andel boliger innen 500 m fra grøntområde",
        "Andel boliger innen 5 min gange til dagligvare",
        "Studieområde",
    ]
    feats = _features(m)
    n_valid = int(cells["share_within_500m_green"].notna().sum())
    assert len(feats["Andel boliger innen 500 m fra grøntområde"]) == n_valid < len(cells)
    # tooltip: the share as a whole percentage and the dwellings of the cell
    row = cells.dropna().iloc[0]
    pct = f"{row['share_within_500m_green'] * 100:.0f}\u00a0%"
    tips = [f["properties"]["t"] for f in feats["Andel boliger innen 500 m fra grøntområde"]]
    assert any(
        pct in t
        and f"({int(row['dwellings'])} boliger)".replace("\u00a0", "") in t.replace("\u00a0", "")
        for t in tips
    )
    html = _html(m)
    assert '"indicators":["Andel boliger innen 500 m fra grøntområde"' in html
    assert "0–20\u00a0%" in html and "80–100\u00a0%" in html


def test_access_map_class_of_each_cell_matches_breaks() -> None:
    cells = _cells().dropna()
    feats = _features(maps.access_map(cells, columns=["share_within_500m_green"], title="t"))
    layer = next(iter(feats.values()))
    got = np.array([f["properties"]["s"] for f in layer])
    expected = np.minimum((cells["share_within_500m_green"].to_numpy() // 0.2).astype(int), 4)
    np.testing.assert_array_equal(got, expected)


def test_access_map_rejects_bad_columns() -> None:
    cells = _cells()
    with pytest.raises(MissingColumnError, match="no column 'share_nope'"):
        maps.access_map(cells, columns=["share_nope"], title="t")
    with pytest.raises(CodeError, match="outside 0–1"):
        maps.access_map(
            cells.assign(pct=cells["share_within_500m_green"] * 100), columns=["pct"], title="t"
        )
    m = maps.access_map(
        cells,
        columns=["share_within_500m_green"],
        labels={"share_within_500m_green": "Grønt innen 500 m"},
        title="t",
        lang="en",
    )
    assert m.arealanalyse_layers == ["Grønt innen 500 m"]


# ---------------------------------------------------------------------------------------------
# Scenario and comparison maps
# ---------------------------------------------------------------------------------------------


def test_scenario_map_popups_and_classes(sites) -> None:
    m = maps.scenario_map(sites, title="Scenario", synthetic=True)
    feats = _features(m)["Scenarioområder"]
    pop = feats[0]["properties"]["p"]
    assert "<b>Lysaker Øst</b>" in pop
    assert "BRA (m²)" in pop and "12\u00a0000" in pop and "Arbeidsplasser" in pop
    assert "Jordbruksareal tatt (daa)" in pop and "Regel R2" in pop and "Gjelder ikke" in pop
    assert "site_id" not in pop
    styles = json.loads(
        next(c for c in m._children.values() if type(c).__name__ == "VectorLayer").styles_json
    )
    fills = [styles[f["properties"]["s"]]["fillColor"] for f in feats]
    abc = [maps.ABC_COLOURS["A"], maps.ABC_COLOURS["B"], maps.ABC_COLOURS["C"]]
    assert fills == abc + abc  # the three polygons, then a pin on each
    assert [f["geometry"]["type"] for f in feats] == ["Polygon"] * 3 + ["Point"] * 3
    assert feats[3]["properties"]["p"] == pop
    v = maps.scenario_map(sites, title="t", color_by="verdict", lang="en")
    vfeats = _features(v)["Scenario sites"]
    assert "Verdict: Fail" in vfeats[2]["properties"]["t"] or "Fail" in vfeats[2]["properties"]["t"]
    with pytest.raises(MissingColumnError, match="no column 'colour'"):
        maps.scenario_map(sites, title="t", color_by="colour")


def test_scenario_map_before_after_difference(sites) -> None:
    base = _cells(seed=2).dropna()
    after = base.copy()
    after["share_within_500m_green"] = (base["share_within_500m_green"] + 0.3).clip(upper=1.0)
    cols = ["share_within_500m_green"]
    diff = share_difference(base, after, columns=cols)
    m = maps.scenario_map(
        sites, title="t", baseline=base, scenario=after, difference=diff, columns=cols
    )
    names = m.arealanalyse_layers
    assert names == [
        "Endring: Andel boliger innen 500 m fra grøntområde",
        "Før: Andel boliger innen 500 m fra grøntområde",
        "Etter: Andel boliger innen 500 m fra grøntområde",
        "Scenarioområder",
    ]
    diff = _features(m)[names[0]]
    expected = (after["share_within_500m_green"] - base["share_within_500m_green"]) * 100
    got = [
        float(re.search(r"([+−-]\d+) pp", f["properties"]["t"]).group(1).replace("−", "-"))
        for f in diff
    ]
    np.testing.assert_allclose(got, expected.round().to_numpy(), atol=1)
    # Only the first grid layer is on; the grid layers are one exclusive group.
    flags = {c.layer_name: c.show for c in m._children.values() if hasattr(c, "n_features")}
    assert [flags[n] for n in names] == [True, False, False, True]
    assert '"cells":["Endring' in _html(m)


def test_empty_scenario_and_compare_map(sites) -> None:
    m = maps.scenario_map(sites.iloc[:0], title="Tomt")
    assert "Scenarioet har ingen områder å vise." in _html(m)
    assert m.arealanalyse_layers == []
    c = maps.compare_map(
        {"Fortett": sites.iloc[:2], "Tomt": sites.iloc[:0], "Spre": sites}, title="Sammenligning"
    )
    assert c.arealanalyse_layers == ["Fortett", "Spre"]
    html = _html(c)
    assert "Tomt: Scenarioet har ingen områder å vise." in html
    assert "Scenario (omriss)" in html


# ---------------------------------------------------------------------------------------------
# Offline and online output
# ---------------------------------------------------------------------------------------------


def test_offline_file_has_no_remote_scripts_and_online_uses_cdn_and_osm(
    layers, walk_areas, tmp_path: Path
) -> None:
    m = _study(layers, walk_areas)
    off = maps.save_map(m, tmp_path / "off.html", offline=True).read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=\"https?:", off)
    assert not re.search(r"<link[^>]+href=\"https?:", off)
    for cdn in ("cdn.jsdelivr", "code.jquery", "bootstrapcdn", "cdnjs", "fontawesome"):
        assert cdn not in off
    assert "Leaflet 1.9.3" in off or '"1.9.3"' in off  # Leaflet itself is inside
    assert 'url("data:image/png;base64,' in off  # layer-control icon inlined
    assert "blank.addTo(map)" in off and "osm.addTo(map)" not in off
    on = maps.save_map(m, tmp_path / "on.html").read_text(encoding="utf-8")
    assert 'src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"' in on
    assert "tile.openstreetmap.org" in on and "openstreetmap.org/copyright" in on
    assert "osm.addTo(map)" in on
    assert "jquery" not in on.lower() and "bootstrap" not in on.lower()
    # rendering offline did not leave the map in offline mode
    assert "osm.addTo(map)" in maps.map_html(m)
    assert len(on) < 60_000 and len(off) < len(on) + 200_000


def test_offline_refuses_a_remote_plugin(layers) -> None:
    from folium.plugins import Fullscreen

    m = maps.study_area_map({"boundary": layers["boundary"]}, title="t")
    Fullscreen().add_to(m)
    with pytest.raises(OfflineAssetError, match="cannot be inlined"):
        maps.map_html(m, offline=True)


def test_size_of_a_large_grid_map_stays_small(tmp_path: Path) -> None:
    cells = _cells(nx=60, ny=50).fillna(0.5)  # 3,000 cells × 2 indicators
    out = maps.save_map(maps.access_map(cells, title="t"), tmp_path / "a.html", offline=True)
    size = out.stat().st_size
    one = (
        maps.save_map(
            maps.access_map(cells, columns=["share_within_500m_green"], title="t"),
            tmp_path / "b.html",
            offline=True,
        )
        .stat()
        .st_size
    )
    leaflet = len(maps.map_html(maps.study_area_map({}, title="t"), offline=True))
    assert size < 1_200_000, size
    # The cells are written once: a second indicator adds its values, not the geometry again.
    assert (size - leaflet) < 1.4 * (one - leaflet), (size, one, leaflet)


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def _catalogue(tmp_path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    from arealanalyse.io import write_geopackage

    keep = {k: layers[k] for k in ("boundary", "zoning", "transit", "roads")}
    keep["zoning"] = keep["zoning"][["arealformal", "status", "geometry"]]
    keep["transit"] = keep["transit"].reset_index(drop=True)
    write_geopackage(keep, tmp_path / "demo.gpkg")
    spec = "\n".join(f"  {k}: {{path: demo.gpkg, layer: {k}}}" for k in keep)
    cat = tmp_path / "cat.yaml"
    cat.write_text(
        "schema_version: 1\nname: t\ntitle: Testområde\nsynthetic: true\ncrs: EPSG:25832\n"
        "sources:\n  - {name: Testdata, licence: CC0-1.0}\nlayers:\n" + spec + "\n",
        encoding="utf-8",
    )
    return cat


def test_cli_map_from_catalogue(tmp_path: Path, layers, capsys) -> None:
    cat = _catalogue(tmp_path, layers)
    assert detect_input(cat) == "catalogue"
    out = tmp_path / "out" / "kart.html"
    assert main(["map", str(cat), "--offline", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert "Testområde" in html and "SYNTETISKE DEMODATA" in html and "CC0-1.0" in html
    assert not re.search(r"<script[^>]+src=\"https?:", html)
    assert main(["map", str(cat), "--lang", "de", "--out", str(out)]) == 2


def test_cli_map_from_results(tmp_path: Path, sites) -> None:
    from arealanalyse.io import write_geopackage

    res = tmp_path / "res"
    write_geopackage({"per_cell": _cells().reset_index()}, res / "metrics.gpkg")
    assert detect_input(res) == "results"
    out = tmp_path / "access.html"
    assert main(["map", str(res), "--out", str(out), "--lang", "en"]) == 0
    assert "Share of homes within 500 m of green space" in out.read_text(encoding="utf-8")
    runs = tmp_path / "runs"
    for name in ("a", "b"):
        write_geopackage({"sites": sites}, runs / name / "sites.gpkg")
    assert detect_input(runs) == "compare"
    assert main(["map", str(runs), "--out", str(tmp_path / "c.html")]) == 0
    assert "Sammenligning av scenarioer" in (tmp_path / "c.html").read_text(encoding="utf-8")
    one = runs / "a" / "sites.gpkg"
    assert detect_input(one) == "results"
    assert main(["map", str(one), "--color-by", "verdict", "--out", str(tmp_path / "s.html")]) == 0
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "Lysaker Øst" in html and "Samlet vurdering" in html and "Brudd" in html
    scen = tmp_path / "s.yaml"
    scen.write_text("schema_version: 1\nname: s\nextends: base.yaml\n", encoding="utf-8")
    assert detect_input(scen) == "scenario"
    (tmp_path / "x.txt").write_text("x")
    assert main(["map", str(tmp_path / "x.txt")]) == 2


# ---------------------------------------------------------------------------------------------
# In a real browser (no network)
# ---------------------------------------------------------------------------------------------

MAP_BOX = (420, 250, 900, 600)  # a region of the 1280×800 viewport clear of the panels


@pytest.fixture(scope="module")
def browser():
    with Browser(timeout_s=30) as b:
        yield b


@pytest.fixture(scope="module")
def map_files(tmp_path_factory, layers, walk_areas, sites) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("maps")
    base = _cells(seed=3)
    after = base.copy()
    after["share_within_500m_green"] = (base["share_within_500m_green"] + 0.2).clip(upper=1)
    far = gpd.GeoDataFrame(geometry=[box(-47.9, -15.8, -47.8, -15.7)], crs=4326)
    built = {
        "study": _study(layers, walk_areas),
        "access": maps.access_map(
            _cells(), title="Tilgang", boundary=layers["boundary"], synthetic=True, sources=SOURCES
        ),
        "scenario": maps.scenario_map(
            sites,
            title="Scenario",
            baseline=base,
            scenario=after,
            difference=share_difference(base, after),
            boundary=layers["boundary"],
        ),
        "compare": maps.compare_map(
            {"Fortett": sites.iloc[:2], "Spre": sites.iloc[1:]},
            title="Sammenligning",
            color_by="verdict",
        ),
        "far": maps.study_area_map({"boundary": far}, title="Langt unna"),
        "empty": maps.scenario_map(sites.iloc[:0], title="Tomt scenario"),
    }
    return {k: maps.save_map(m, d / f"{k}.html", offline=True) for k, m in built.items()}


BASE_LAYERS = ["OpenStreetMap (krever nett)", "Ingen bakgrunn (virker uten nett)"]
EXPECTED = {
    "study": STUDY_LAYERS_NB,
    "access": [
        "Andel boliger innen 500 m fra grøntområde",
        "Andel boliger innen 5 min gange til dagligvare",
        "Studieområde",
    ],
    "scenario": [
        "Endring: Andel boliger innen 500 m fra grøntområde",
        "Endring: Andel boliger innen 5 min gange til dagligvare",
        "Før: Andel boliger innen 500 m fra grøntområde",
        "Før: Andel boliger innen 5 min gange til dagligvare",
        "Etter: Andel boliger innen 500 m fra grøntområde",
        "Etter: Andel boliger innen 5 min gange til dagligvare",
        "Studieområde",
        "Scenarioområder",
    ],
    "compare": ["Fortett", "Spre"],
    "far": ["Studieområde"],
    "empty": [],
}


@pytest.mark.browser
@requires_chromium
@pytest.mark.parametrize("name", list(EXPECTED))
def test_map_renders_in_chromium(browser, map_files, name) -> None:
    page = browser.open(map_files[name], wait_for=READY_FLAG, timeout_s=20)
    assert page.errors == []
    assert page.requests == []  # offline file: nothing fetched
    assert page.texts(".leaflet-control-layers label") == BASE_LAYERS + EXPECTED[name]
    png = page.screenshot()
    assert image_stats(png)["std"] > 5  # panels at least
    centre = crop_stats(png, MAP_BOX)
    n_paths = page.count(".leaflet-overlay-pane path")
    if name == "empty":
        assert n_paths == 0 and centre["std"] < 1.0  # the check can tell a blank map
        assert "Scenarioet har ingen områder å vise." in page.texts(".aa-title")[0]
    else:
        assert n_paths > 0 and centre["std"] > 5.0, centre
    if name == "far":
        assert "utenfor Norge" in page.texts(".aa-title")[0]
    if name in {"study", "access"}:
        assert "SYNTETISKE DEMODATA" in page.texts(".aa-banner")[0]
    page.close()


@pytest.mark.browser
@requires_chromium
def test_indicator_layers_act_like_radio_buttons(browser, map_files) -> None:
    page = browser.open(map_files["access"], wait_for=READY_FLAG, timeout_s=20)
    checked = (
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays input'))"
        ".map(i => i.checked)"
    )
    assert page.evaluate(checked) == [True, False, True]
    page.evaluate("document.querySelectorAll('.leaflet-control-layers-overlays input')[1].click()")
    page.wait_for(checked + ".join() === 'false,true,true'", timeout_s=5)
    shown = page.count(".leaflet-overlay-pane path")
    # the second indicator's cells were built on demand (+ the study-area outline)
    assert shown == int(_cells()["share_within_400m_grocery"].notna().sum()) + 1
    # the share legend stays while an indicator is on, and goes when none is
    page.evaluate("document.querySelectorAll('.leaflet-control-layers-overlays input')[1].click()")
    page.wait_for(checked + ".join() === 'false,false,true'", timeout_s=5)
    assert page.count(".leaflet-overlay-pane path") < shown
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('.aa-legend [data-layer]'))"
        ".map(e => e.style.display !== 'none')"
    )
    assert visible == [False, True]
    # a cell's tooltip: the indicator (once per layer in the file) and the cell's value
    page.evaluate("document.querySelectorAll('.leaflet-control-layers-overlays input')[0].click()")
    page.wait_for(checked + ".join() === 'true,false,true'", timeout_s=5)
    page.evaluate(
        "(() => { const p = document.querySelector("
        "'.leaflet-overlay-pane path.leaflet-interactive');"
        " const r = p.getBoundingClientRect(); p.dispatchEvent(new MouseEvent('mouseover',"
        " {bubbles: true, clientX: r.left + 2, clientY: r.top + 2})); })()"
    )
    page.wait_for("document.querySelector('.leaflet-tooltip') !== null", timeout_s=5)
    tip = page.texts(".leaflet-tooltip")[0]
    assert re.fullmatch(r"Andel boliger innen 500 m fra grøntområde: \d+\s%\s\(\d+ boliger\)", tip)
    browser.refresh_log(page)
    assert page.errors == []


@pytest.mark.browser
@requires_chromium
def test_popup_opens_on_click(browser, map_files) -> None:
    page = browser.open(map_files["compare"], wait_for=READY_FLAG, timeout_s=20)
    page.evaluate(
        "(() => { const p = document.querySelectorAll('.leaflet-overlay-pane path');"
        " p[p.length - 1].dispatchEvent(new MouseEvent('click', {bubbles: true})); })()"
    )
    page.wait_for("document.querySelector('.leaflet-popup-content') !== null", timeout_s=5)
    text = page.texts(".leaflet-popup-content")[0]
    assert "BRA (m²)" in text and "Samlet vurdering" in text


@pytest.mark.slow
@pytest.mark.browser
@requires_chromium
def test_demo_baseline_map_size_and_render_time(
    tmp_path: Path, browser, demo_catalogue: Path
) -> None:
    cat = demo_catalogue  # the demo study area, built once per test run (conftest)
    out = tmp_path / "baseline.html"
    assert main(["map", str(cat), "--offline", "--out", str(out)]) == 0
    size = out.stat().st_size
    assert size < 15_000_000, size
    page = browser.open(out, wait_for=READY_FLAG, timeout_s=30)
    print(f"demo baseline map: {size / 1e6:.2f} MB, rendered in {page.load_time_s:.2f} s")
    assert page.load_time_s < 5.0
    assert page.errors == [] and page.requests == []
    labels = page.texts(".leaflet-control-layers label")
    for layer in (
        "Arealformål",
        "Jordbruksareal (AR5)",
        "Grøntområder",
        "Studieområde",
        "E18",
        "Kollektivknutepunkter",
        "5 minutters gange fra knutepunkt",
    ):
        assert layer in labels
    assert crop_stats(page.screenshot(), MAP_BOX)["std"] > 5.0
    # A scenario on the demo: evaluated, checked against the bundled rules, then drawn.
    scen = tmp_path / "scenario.yaml"
    scen.write_text(
        "schema_version: 1\nname: test\ntitle: Kontor ved Lysaker\n"
        f"catalogue: {cat.as_posix()}\n"
        "period: {start: 2026, end: 2040}\nsites:\n"
        "  - {id: s1, name: Lysaker stasjon, use: kontor, bra_m2: 20000, year: 2030,"
        " area: Lysaker, footprint_m2: 10000}\n",
        encoding="utf-8",
    )
    assert detect_input(scen) == "scenario"
    out2 = tmp_path / "scenario.html"
    assert main(["map", str(scen), "--offline", "--out", str(out2)]) == 0
    page2 = browser.open(out2, wait_for=READY_FLAG, timeout_s=30)
    assert page2.errors == [] and page2.requests == []
    labels2 = page2.texts(".leaflet-control-layers label")
    assert "Scenarioområder" in labels2 and any(x.startswith("Endring: ") for x in labels2)
    html2 = out2.read_text(encoding="utf-8")
    assert "Lysaker stasjon" in html2 and "Samlet vurdering" in html2


@pytest.mark.browser
@requires_chromium
@pytest.mark.parametrize("width", [1280, 412])
def test_banner_and_title_stay_visible_on_wide_and_phone_screens(browser, map_files, width) -> None:
    page = browser.open(map_files["study"], wait_for=READY_FLAG, width=width, height=800)
    # Nothing covers the banner: the element at its centre is the banner itself.
    on_top = page.evaluate(
        "(() => { const r = document.querySelector('.aa-banner').getBoundingClientRect();"
        " const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        " return r.right <= window.innerWidth && e.closest('.aa-banner') !== null; })()"
    )
    assert on_top
    expanded = page.count(".leaflet-control-layers-expanded")
    folded = page.count(".aa-legend.aa-folded")
    if width < 640:  # phone: layer list and legend folded, one tap away
        assert (expanded, folded) == (0, 1)
        page.evaluate("document.querySelector('.aa-legend .aa-head').click()")
        assert page.count(".aa-legend.aa-folded") == 0
    else:
        assert (expanded, folded) == (1, 0)
    assert page.texts(".leaflet-control-layers-overlays label") == STUDY_LAYERS_NB
    assert page.errors == []


@pytest.mark.parametrize(
    ("column", "value", "lang", "expected"),
    [
        ("bra_m2", 12000.0, "nb", "12\u00a0000"),
        ("bra_m2", 12000.0, "en", "12,000"),
        ("farmland_daa", 2.5, "nb", "2,50"),
        ("year", 2035.0, "nb", "2035"),
        ("verdict", "fail", "nb", "Brudd"),
        ("verdict_r1", "warn", "en", "Warning"),
        ("abc_class", "A", "nb", "A – nær tog/T-bane"),
        ("zone_category", "naering", "nb", "Næring"),
        ("share_within_500m_green", 0.734, "nb", "73\u00a0%"),
        ("in_area", np.bool_(True), "nb", "ja"),
        ("dist_rail_m", float("nan"), "nb", "–"),
        ("dist_rail_m", float("inf"), "nb", "ikke nådd"),
        ("dist_rail_m", float("inf"), "en", "not reached"),
    ],
)
def test_popup_values_are_formatted_for_planners(column, value, lang, expected) -> None:
    from arealanalyse.i18n import cell_text

    assert cell_text(column, value, lang) == expected


@pytest.mark.browser
@requires_chromium
def test_online_map_loads_leaflet_from_the_cdn_and_shows_osm_tiles(
    browser, layers, walk_areas, tmp_path: Path
) -> None:
    import io

    import xstatic.pkg.leaflet as xleaflet
    from PIL import Image

    online = maps.save_map(_study(layers, walk_areas), tmp_path / "online.html")
    base = Path(xleaflet.BASE_DIR)
    tile = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(tile, format="PNG")
    routes = {  # the CDN and the tile server, played by local bytes
        "leaflet@1.9.3/dist/leaflet.js": ("text/javascript", (base / "leaflet.js").read_bytes()),
        "leaflet@1.9.3/dist/leaflet.css": ("text/css", (base / "leaflet.css").read_bytes()),
        "tile.openstreetmap.org/": ("image/png", tile.getvalue()),
    }
    page = browser.open(online, wait_for=READY_FLAG, routes=routes, timeout_s=20)
    page.wait_for("document.querySelectorAll('.leaflet-tile-loaded').length > 0", timeout_s=10)
    assert page.errors == []
    assert any("cdn.jsdelivr.net/npm/leaflet@1.9.3" in u for u in page.requests)
    assert any(u.startswith("https://tile.openstreetmap.org/") for u in page.requests)
    assert "OpenStreetMap" in page.texts(".leaflet-control-attribution")[0]
    checked = page.evaluate(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-base input'))"
        ".map(i => i.checked)"
    )
    assert checked == [True, False]  # OpenStreetMap is the background online
    page.close()


def test_map_functions_never_modify_their_inputs(sites, layers) -> None:
    cells = _cells()
    before_cells, before_sites = cells.copy(), sites.copy()
    after = cells.assign(share_within_500m_green=cells["share_within_500m_green"] * 0.5)
    maps.access_map(cells, title="t", boundary=layers["boundary"])
    diff = share_difference(cells, after)
    maps.scenario_map(
        sites, title="t", baseline=cells, scenario=after, difference=diff, color_by="verdict"
    )
    maps.compare_map({"a": sites, "b": sites.iloc[:1]}, title="t")
    pd.testing.assert_frame_equal(pd.DataFrame(cells), pd.DataFrame(before_cells))
    pd.testing.assert_frame_equal(pd.DataFrame(sites), pd.DataFrame(before_sites))
    assert cells.crs == before_cells.crs and sites.crs == before_sites.crs


@pytest.mark.realdata
def test_study_map_of_real_baerum_boundary_and_vy_stations(real_data: Path, tmp_path: Path) -> None:
    # Real inputs in EPSG:4326 (simplified in a local UTM zone) and a grid in EPSG:25833.
    kommuner = gpd.read_file(real_data / "robhop-kommuner" / "kommuner_baerum_asker_oslo_M.geojson")
    baerum = kommuner[kommuner["kommunenummer"] == "3201"]
    stops = gpd.read_file(
        real_data / "vy-gtfs-stops-2019" / "vy_stops_2019_baerum_asker_bbox.geojson"
    )
    rail = stops[(stops["vehicle_type"] == 100) & (stops["location_type"] == 1)]
    transit = gpd.GeoDataFrame(
        {"name": rail["stop_name"], "mode": "rail"}, geometry=rail.geometry, crs=rail.crs
    )
    grid = gpd.read_file(real_data / "geoforum-ssb-grid" / "ssb_pop_250m_2015_baerum_asker.gpkg")
    sources = [
        {"name": "Kommunegrenser", "licence": "CC BY 4.0", "attribution": "© Kartverket"},
        {"name": "Vy GTFS 2019", "licence": "NLOD", "attribution": "Entur"},
    ]
    m = maps.study_area_map(
        {"boundary": baerum, "transit": transit}, title="Bærum", sources=sources
    )
    html = maps.map_html(m, offline=True)
    assert m.arealanalyse_layers == ["Studieområde", "Kollektivknutepunkter"]
    assert "utenfor Norge" not in html and "ugyldige koordinater" not in html
    assert "Sandvika" in html and "NLOD" in html
    # every stop lands on its real position (within rounding)
    feats = _features(m)["Kollektivknutepunkter"]
    got = np.array([f["geometry"]["coordinates"] for f in feats])
    want = np.column_stack([transit.geometry.x, transit.geometry.y])
    np.testing.assert_allclose(got, want, atol=1e-6)
    # the real population grid (EPSG:25833) as a choropleth of a 0-1 column
    grid = grid.assign(share_of_max=grid["pop_tot"] / grid["pop_tot"].max())
    a = maps.access_map(
        grid, columns=["share_of_max"], labels={"share_of_max": "Befolkning"}, title="SSB 2015"
    )
    out = maps.save_map(a, tmp_path / "grid.html", offline=True)
    n = len(_features(a)["Befolkning"])
    assert n == int(grid["share_of_max"].notna().sum()) > 1000
    assert out.stat().st_size < 400 * n + 300_000  # well under 0.4 kB per cell

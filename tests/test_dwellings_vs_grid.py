"""tools/dwellings_vs_grid.py: the dwelling-estimate error, by hand on a tiny extract and on
the real one (whose table in docs/metrics.md must be current)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import box

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("dvg", ROOT / "tools" / "dwellings_vs_grid.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _osm(
    path: Path,
    buildings: list[tuple[shapely.Polygon, dict[str, str]]],
    points: list[tuple[tuple[float, float], dict[str, str]]] = (),  # type: ignore[assignment]
) -> None:
    to_ll = Transformer.from_crs(25833, 4326, always_xy=True)
    w, s = to_ll.transform(261850, 6649850)
    e, n = to_ll.transform(262350, 6650250)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">',
           f'<bounds minlat="{s}" minlon="{w}" maxlat="{n}" maxlon="{e}"/>']  # fmt: skip
    ways, nid = [], 1
    for (x, y), tags in points:
        lon, lat = to_ll.transform(x, y)
        tag = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        out.append(f'<node id="{nid}" version="1" lat="{lat:.9f}" lon="{lon:.9f}">{tag}</node>')
        nid += 1
    for wid, (poly, tags) in enumerate(buildings, start=100):
        refs = []
        for x, y in list(poly.exterior.coords)[:-1]:
            lon, lat = to_ll.transform(x, y)
            out.append(f'<node id="{nid}" version="1" lat="{lat:.9f}" lon="{lon:.9f}"/>')
            refs.append(nid)
            nid += 1
        nds = "".join(f'<nd ref="{r}"/>' for r in [*refs, refs[0]])
        tag = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        ways.append(f'<way id="{wid}" version="1">{nds}{tag}</way>')
    path.write_text("\n".join([*out, *ways, "</osm>"]) + "\n")


def test_error_figures_by_hand(tmp_path: Path) -> None:
    # cell A (SW corner 262000, 6650000) holds a house; cell B (262100, 6650000) a 20 x 20 m
    # block of flats with 4 levels and a café inside (ground floor: no dwellings, so 3 levels
    # count after the recalibration, 4 before). SSB counts 2 and 40 residents; at 2 persons per
    # dwelling that is 1 and 20 dwellings. A shop outside every building changes nothing.
    house = box(262045, 6650045, 262055, 6650055)
    flats = box(262140, 6650040, 262160, 6650060)
    osm = tmp_path / "extract.osm"
    _osm(osm, [(house, {"building": "house"}),
               (flats, {"building": "apartments", "building:levels": "4"})],
         [((262150, 6650050), {"amenity": "cafe", "name": "Kafé"}),
          ((262070, 6650080), {"shop": "bakery"})])  # fmt: skip
    grid = tmp_path / "grid.csv"
    grid.write_text("rute_100m sum\n22620006650000 2\n22621006650000 40\n")
    # the flats' estimate by the documented rule: footprint (EPSG:25832) x levels x 0.8 / 75 m²
    to32 = Transformer.from_crs(25833, 25832, always_xy=True)
    footprint = shapely.Polygon([to32.transform(x, y) for x, y in flats.exterior.coords]).area
    res = _tool().compare(osm, grid, persons_per_dwelling=2.0, margin_m=100.0)
    for rules, levels in (("before", 4), ("after", 3)):
        f = res[rules]
        est_b = footprint * levels * 0.8 / 75.0
        assert f["cells"] == 2
        assert f["ssb_dwellings"] == pytest.approx(21.0)
        # (OSM stores coordinates to 7 decimals, about a centimetre: footprints agree to 1e-4)
        assert f["est_dwellings"] == pytest.approx(1.0 + est_b, rel=1e-4)
        assert f["bias"] == pytest.approx((1.0 + est_b) / 21.0 - 1.0, rel=1e-3)
        rel_b = abs(est_b - 20.0) / 20.0
        assert f["median_rel_error"] == pytest.approx(rel_b / 2, rel=1e-3)  # median of (0, rel_b)
        assert f["p90_rel_error"] == pytest.approx(0.9 * rel_b, rel=1e-3)  # numpy's linear
        # both cells lie in one row: the north half is the whole window, the south one empty
        assert res["halves"][rules]["north"] == f
        assert res["halves"][rules]["south"] is None
    assert res["buildings_compared"] == 2
    assert res["buildings_ground_floor_business"] == 1
    assert res["by_building_type"]["house"] == {"buildings": 1, "dwellings": 1.0}
    assert res["window_from"] == "the extract's header box"


def test_missing_files_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    grid = tmp_path / "grid.csv"
    grid.write_text("rute_100m sum\n22620006650000 2\n")
    code = _tool().main(["--osm", str(tmp_path / "absent.osm.pbf"), "--grid", str(grid)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "absent.osm.pbf" in err and "not found" in err


@pytest.mark.realdata
def test_real_extract_figures_are_published(real_data: Path) -> None:
    tool = _tool()
    osm = real_data / "osm-oslo-vest" / "oslo-vest.osm.pbf"
    grid = real_data / "ssb-grid-oslo" / "Oslo_bef_100m_2015.csv"
    res = tool.compare(osm, grid)
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    block = text.split(tool.BEGIN, 1)[1].split(tool.END, 1)[0]
    assert block == "\n" + tool.markdown(res), (
        "docs/metrics.md's dwelling-estimate table is stale: run "
        "`python tools/dwellings_vs_grid.py --write-docs`"
    )
    # the recalibration (ground floors with a business) helps overall and in each half
    before, after = res["before"], res["after"]
    assert 0 < after["bias"] < before["bias"]
    assert after["pearson_r"] > before["pearson_r"] > 0.8
    assert after["median_rel_error"] < before["median_rel_error"]
    for half in ("north", "south"):
        b, a = res["halves"]["before"][half], res["halves"]["after"][half]
        assert a["bias"] < b["bias"] and a["median_rel_error"] < b["median_rel_error"]

"""tools/dwellings_vs_grid.py: the dwelling-estimate error on a hand-made extract, known answers."""

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


def _osm(path: Path, buildings: list[tuple[shapely.Polygon, dict[str, str]]]) -> None:
    to_ll = Transformer.from_crs(25833, 4326, always_xy=True)
    w, s = to_ll.transform(261850, 6649850)
    e, n = to_ll.transform(262350, 6650250)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">',
           f'<bounds minlat="{s}" minlon="{w}" maxlat="{n}" maxlon="{e}"/>']  # fmt: skip
    ways, nid = [], 1
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
    # block of flats with 4 levels. SSB counts 2 and 40 residents; at 2 persons per dwelling
    # that is 1 and 20 dwellings.
    house = box(262045, 6650045, 262055, 6650055)
    flats = box(262140, 6650040, 262160, 6650060)
    osm = tmp_path / "extract.osm"
    _osm(osm, [(house, {"building": "house"}), (flats, {"building": "apartments",
                                                        "building:levels": "4"})])  # fmt: skip
    grid = tmp_path / "grid.csv"
    grid.write_text("rute_100m sum\n22620006650000 2\n22621006650000 40\n")
    # the flats' estimate by the documented rule: footprint (EPSG:25832) x 4 x 0.8 / 75 m²
    to32 = Transformer.from_crs(25833, 25832, always_xy=True)
    footprint = shapely.Polygon([to32.transform(x, y) for x, y in flats.exterior.coords]).area
    est_b = footprint * 4 * 0.8 / 75.0
    res = _tool().compare(osm, grid, persons_per_dwelling=2.0, margin_m=100.0)
    assert res["ssb_dwellings"] == pytest.approx(21.0)
    # (OSM stores coordinates to 7 decimals, about a centimetre: footprints agree to 1e-4)
    assert res["est_dwellings"] == pytest.approx(1.0 + est_b, rel=1e-4)
    assert res["bias"] == pytest.approx((1.0 + est_b) / 21.0 - 1.0, rel=1e-3)
    rel_b = abs(est_b - 20.0) / 20.0
    assert res["median_rel_error"] == pytest.approx(rel_b / 2, rel=1e-3)  # median of (0, rel_b)
    assert res["p90_rel_error"] == pytest.approx(0.9 * rel_b, rel=1e-3)  # numpy's linear quantile
    assert res["buildings_compared"] == 2
    assert res["by_building_type"]["house"] == {"buildings": 1, "dwellings": 1.0}

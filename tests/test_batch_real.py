"""arealanalyse batch on real files: SSB's 250 m population grid cut by Kartverket's kommuner.

Real inputs, read where they lie (never copied): the SSB 2015 population of Bærum and Asker on
the national 250 m grid (EPSG:25833, SSB's own CSV), the kommune polygons of Oslo, Bærum and
Asker (EPSG:4326, generalised) as the partition layer, and Vy's rail stations (GTFS stops). No
real walk network of Bærum and Asker exists offline, so the streets are a 500 m lattice over
the grid's extent, written at test time. Golden values: one run of the metric suite on the whole
area, and runs on each kommune alone, never the batch code.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml

pytestmark = pytest.mark.realdata

GRID = "geoforum-ssb-grid/ru250m_2015_baerum_asker_raw.csv"
KOMMUNER = "robhop-kommuner/kommuner_baerum_asker_oslo_M.geojson"
STOPS = "vy-gtfs-stops-2019/vy_stops_2019_baerum_asker_bbox.geojson"


def _catalogue(real_data: Path, folder: Path) -> Path:
    """A catalogue of the real grid and stations on a lattice of streets made here."""
    from arealanalyse.layers.readers import read_layer

    cells = read_layer(real_data / GRID, "homes")
    x0, y0, x1, y1 = np.round(cells.total_bounds, -3) + np.array([-1e3, -1e3, 1e3, 1e3])
    xs, ys = np.arange(x0, x1 + 1, 500.0), np.arange(y0, y1 + 1, 500.0)
    lines = [shapely.LineString([(x, y0), (x, y1)]) for x in xs]
    lines += [shapely.LineString([(x0, y), (x1, y)]) for y in ys]
    gpd.GeoDataFrame({"highway": ["footway"] * len(lines)}, geometry=lines, crs=cells.crs).to_file(
        folder / "gater.gpkg", driver="GPKG"
    )
    doc = {
        "schema_version": 1,
        "name": "baerum-asker-ssb",
        "crs": "EPSG:25832",
        "layers": {
            "homes": {"path": str(real_data / GRID)},
            "transit": {
                "path": str(real_data / STOPS),
                "where": "vehicle_type == 100 and location_type == 1",
                "columns": {"name": "stop_name"},
                "values": {"mode": "rail", "status": "existing"},
            },
            "walk_network": {"path": str(folder / "gater.gpkg")},
        },
    }
    path = folder / "baerum-asker-ssb.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _suite(layers: dict[str, gpd.GeoDataFrame], settings: object) -> object:
    from arealanalyse.metrics import run_suite
    from arealanalyse.network import WalkNetwork

    net = WalkNetwork.from_edges(layers["walk_network"], settings=settings)
    return run_suite(layers, net, settings=settings)


def test_batch_of_real_kommuner_over_the_real_ssb_grid(real_data, tmp_path, capsys):
    import dask_geopandas

    from arealanalyse.cli import main
    from arealanalyse.network import point_geometries
    from arealanalyse.study import Study

    catalogue = _catalogue(real_data, tmp_path)
    out = tmp_path / "out"
    args = [str(catalogue), "--partitions", str(real_data / KOMMUNER), "--by", "kommunenummer"]
    code = main(["batch", *args, "--workers", "2", "--out", str(out), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {p["key"]: p["status"] for p in payload["partitions"]} == dict.fromkeys(
        ("0301", "3203", "3201"), "ok"
    )

    cat = Study.open(catalogue)
    layers = {k: cat.layer(k) for k in ("homes", "transit", "walk_network")}
    union = _suite(layers, cat.settings)
    homes = layers["homes"]
    assert homes["population"].sum() == 120_140 + 89_849  # SSB 2015, Bærum + Asker

    # which kommune holds each cell's analysis point (the generalised outlines leave some out)
    kommuner = gpd.read_file(real_data / KOMMUNER).to_crs(cat.settings.crs)
    points = gpd.GeoSeries(point_geometries(homes.geometry, name="homes"), index=homes.index)
    inside = {
        k: points.covered_by(poly).to_numpy()
        for k, poly in zip(kommuner["kommunenummer"], kommuner.geometry, strict=True)
    }
    outside = ~np.logical_or.reduce(list(inside.values()))
    assert payload["homes_outside_partitions"] == int(outside.sum()) > 0
    summary = gpd.read_parquet(out / "summary.parquet")
    # Oslo: the grid file holds Bærum and Asker only, but Lysaker station lies on Oslo's side
    # of the generalised line, so Oslo reports its catchment (and no shares)
    assert summary.loc["0301", "homes"] == 0 and np.isnan(summary.loc["0301", "share_sdg_11_2_1"])
    for k in ("3201", "3203"):
        assert summary.loc[k, "homes"] == inside[k].sum() > 1000
        assert summary.loc[k, "population"] == pytest.approx(homes["population"][inside[k]].sum())
    assert summary["population"].sum() + homes["population"][outside].sum() == pytest.approx(
        209_989
    )

    # the map draws the two kommuner with their numbers in the tooltips
    html = (out / "summary_map.html").read_text(encoding="utf-8")
    assert "3201: " in html and "3203: " in html and "0301: " not in html

    # every reported cell has the figures of the single run on the whole area
    per_home = dask_geopandas.read_parquet(out / "datasets" / "per_home")
    assert per_home.npartitions == 2
    got = per_home.compute()
    want = union.per_home.loc[got.index]
    assert len(got) == int((~outside).sum()) and got.index.is_unique
    cols = [c for c in want.columns if c != "geometry"]
    assert {"dist_rail_m", "sdg_11_2_1", "access_m"} <= set(cols)
    for c in cols:
        a, b = got[c].to_numpy(dtype=float), want[c].to_numpy(dtype=float)
        assert np.array_equal(a, b) or np.allclose(a, b, rtol=0, atol=1e-6), c
    # ... also by the kommunegrense, where a kommune alone would send them elsewhere
    changed = 0
    for k in ("3201", "3203"):
        poly = kommuner.geometry[kommuner["kommunenummer"] == k].iloc[0]
        alone = _suite(
            {
                "homes": homes.loc[inside[k]],
                "transit": layers["transit"].loc[layers["transit"].within(poly).to_numpy()],
                "walk_network": layers["walk_network"].clip(poly),
            },
            cat.settings,
        ).per_home
        moved = alone["dist_rail_m"] != union.per_home.loc[alone.index, "dist_rail_m"]
        changed += int(moved.sum())
    assert changed > 50
    # the stations count the cells of both kommuner in their catchments
    catch = gpd.read_parquet(out / "datasets" / "catchments")
    lysaker = catch.loc[catch["name"].str.startswith("Lysaker")]
    assert lysaker["partition"].tolist() == ["0301"] and lysaker["homes_within_1000m"].iloc[0] > 5
    key = ["name", "homes_within_1000m", "population_within_1000m"]
    pd.testing.assert_frame_equal(
        catch[key].sort_values("name").reset_index(drop=True),
        union.catchments[key].sort_values("name").reset_index(drop=True),
        check_dtype=False,
    )

"""arealanalyse batch on the demo cut into three partitions: borders done right.

The golden values come from runs of the metric suite (``run_suite``) on the union and on each
partition alone, never from the batch code.
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
from shapely.geometry import Point, box

X_CUT, Y_CUT = 583_500.0, 6_644_000.0


def _absolute(doc: dict, root: Path) -> dict:
    for spec in doc["layers"].values():
        spec["path"] = str((root / spec["path"]).resolve())
    for spec in doc.get("rasters", {}).values():
        spec["path"] = str((root / spec["path"]).resolve())
    for feed in doc.get("timetables", {}).get("feeds", []):
        feed["path"] = str((root / feed["path"]).resolve())
    return doc


@pytest.fixture(scope="module")
def area(demo_catalogue: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo with one school added just east of the west/east border, and the partitions."""
    from arealanalyse.layers.catalogue import load_catalogue

    tmp = tmp_path_factory.mktemp("batch-demo")
    cat = load_catalogue(demo_catalogue)
    homes, walk = cat.layer("homes"), cat.layer("walk_network")
    services = cat.layer("services")
    # the home west of the border nearest to it; the school on the first street east of it
    west = homes.loc[homes.geometry.x.to_numpy() < X_CUT]
    home_id = (X_CUT - west.geometry.x).idxmin()
    hy = float(homes.geometry.y[home_id])
    east = walk.loc[walk.geometry.bounds["minx"].to_numpy() > X_CUT + 20]
    probe = Point(X_CUT + 40, hy)
    edge = east.geometry.iloc[int(np.argmin(east.geometry.distance(probe).to_numpy()))]
    school_at = shapely.line_interpolate_point(edge, edge.project(probe))
    added = gpd.GeoDataFrame(
        {"category": ["school"], "name": ["Grenseskolen"]}, geometry=[school_at], crs=services.crs
    )
    services = pd.concat([services, added], ignore_index=True)
    gpkg = tmp / "services.gpkg"
    services.to_file(gpkg, layer="services", driver="GPKG")
    doc = _absolute(
        yaml.safe_load(demo_catalogue.read_text(encoding="utf-8")), demo_catalogue.parent
    )
    doc["layers"]["services"] = {"path": str(gpkg), "layer": "services"}
    catalogue = tmp / "demo-med-skole.yaml"
    catalogue.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    parts = gpd.GeoDataFrame(
        {"navn": ["vest", "nordøst", "sørøst"]},
        geometry=[
            box(560_000, 6_620_000, X_CUT, 6_670_000),
            box(X_CUT, Y_CUT, 610_000, 6_670_000),
            box(X_CUT, 6_620_000, 610_000, Y_CUT),
        ],
        crs="EPSG:25832",
    )
    parts_file = tmp / "delomrader.gpkg"
    parts.to_file(parts_file, driver="GPKG")
    return {
        "catalogue": catalogue,
        "partitions": parts_file,
        "parts": parts,
        "home": home_id,
        "school": school_at,
        "tmp": tmp,
    }


@pytest.fixture(scope="module")
def union(area: dict) -> dict:
    """The suite on the whole study area (one run)."""
    from arealanalyse.batch import suite_layers
    from arealanalyse.layers.catalogue import load_catalogue
    from arealanalyse.metrics import run_suite
    from arealanalyse.network import WalkNetwork

    cat = load_catalogue(area["catalogue"])
    layers = suite_layers(cat)
    service = layers.pop("stop_places")
    net = WalkNetwork.from_edges(layers["walk_network"], settings=cat.settings)
    result = run_suite(layers, net, settings=cat.settings, service=service)
    return {"layers": layers, "service": service, "result": result, "settings": cat.settings}


def _alone(union: dict, polygon: shapely.Geometry) -> pd.DataFrame:
    """The suite on one partition alone: only the features that touch it."""
    from arealanalyse.metrics import run_suite
    from arealanalyse.metrics.green import green_groups
    from arealanalyse.network import WalkNetwork

    def cut(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return gdf.loc[gdf.geometry.intersects(polygon).to_numpy()]

    layers = {k: cut(v) for k, v in union["layers"].items()}
    # a park drawn in several polygons is one area: keep its parts whole, as a kommune's own
    # data would (otherwise its outline, size and entrances change at the border)
    green = union["layers"]["green"]
    groups = green_groups(green, settings=union["settings"])
    touching = groups[green.geometry.intersects(polygon).to_numpy()]
    layers["green"] = green.loc[np.isin(groups, touching)]
    layers["homes"] = union["layers"]["homes"].loc[
        union["layers"]["homes"].geometry.within(polygon).to_numpy()
    ]
    net = WalkNetwork.from_edges(layers["walk_network"], settings=union["settings"])
    service = cut(union["service"])
    return run_suite(layers, net, settings=union["settings"], service=service).per_home


@pytest.fixture(scope="module")
def batch(area: dict) -> dict:
    """One batch run of the three partitions on two local workers."""
    import contextlib
    import io

    from arealanalyse.cli import main

    out = area["tmp"] / "batch"
    args = [
        "batch",
        str(area["catalogue"]),
        "--partitions",
        str(area["partitions"]),
        "--by",
        "navn",
        "--workers",
        "2",
        "--out",
        str(out),
        "--json",
    ]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(args)
    assert code == 0, buf.getvalue()
    import dask_geopandas

    per_home = dask_geopandas.read_parquet(out / "datasets" / "per_home")
    return {
        "out": out,
        "payload": json.loads(buf.getvalue()),
        "dask_per_home": per_home,
        "per_home": per_home.compute(),
    }


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality (floats to 1e-6 m, inf equal to inf)."""
    if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
        x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        return np.isclose(x, y, rtol=0, atol=1e-6, equal_nan=True) | (x == y)
    return a.astype(str).to_numpy() == b.astype(str).to_numpy()


def _differences(got: pd.DataFrame, want: pd.DataFrame) -> dict[str, int]:
    got = got.loc[want.index]
    out = {}
    for col in want.columns:
        if col == "geometry" or col not in got.columns:
            continue
        bad = ~_same(got[col], want[col])
        if bad.any():
            out[col] = int(bad.sum())
    return out


def test_batch_writes_partitioned_geoparquet_summary_and_map(area, batch):
    out, payload = batch["out"], batch["payload"]
    assert payload["workers"] == 2
    assert sorted(payload["computed"]) == sorted(area["parts"]["navn"].map(_key))
    assert [p["status"] for p in payload["partitions"]] == ["ok", "ok", "ok"]
    # one GeoParquet file per partition, read back by dask-geopandas with spatial partitions
    ddf = batch["dask_per_home"]
    assert ddf.npartitions == 3 and ddf.spatial_partitions is not None
    assert sorted(p.name for p in (out / "datasets" / "per_home").iterdir()) == sorted(
        f"{_key(n)}.parquet" for n in area["parts"]["navn"]
    )
    for table in ("per_cell", "catchments"):
        assert len(list((out / "datasets" / table).glob("*.parquet"))) == 3
    summary = pd.read_csv(out / "summary.csv", index_col="key")
    assert len(summary) == 3 and (summary["status"] == "ok").all()
    assert summary["error"].isna().all()
    assert {"share_green_500m", "share_sdg_11_2_1", "peak_rss_mb", "seconds"} <= set(summary)
    assert summary["peak_rss_mb"].gt(50).all() and summary["halo_homes"].gt(0).all()
    geo = gpd.read_parquet(out / "summary.parquet")
    assert geo.geometry.notna().all() and len(geo) == 3
    html = (out / "summary_map.html").read_text(encoding="utf-8")
    assert all(f"{name}: " in html for name in area["parts"]["navn"])  # tooltips
    # every partition's folder is complete: manifest written last, with the inputs' hash
    for key in summary.index:
        manifest = json.loads((out / "partitions" / key / "manifest.json").read_text())
        assert manifest["status"] == "ok" and len(manifest["batch_hash"]) == 64
        assert "per_home.parquet" in manifest["files"]
    assert json.loads((out / "manifest.json").read_text())["partitions"] == dict.fromkeys(
        summary.index, "ok"
    )


def _key(name: str) -> str:
    from arealanalyse.batch.partitions import safe_key

    return safe_key(name)


def test_border_home_reaches_the_school_across_the_border(area, union, batch):
    home = area["home"]
    want = union["result"].per_home.loc[home]
    got = batch["per_home"].loc[home]
    alone = _alone(union, area["parts"].geometry.iloc[0]).loc[home]
    # the school across the border is the nearest: the union and the batch see it
    assert want["dist_school_m"] < 400 and want["within_400m_school"]
    assert got["dist_school_m"] == pytest.approx(want["dist_school_m"], abs=1e-6)
    assert bool(got["within_400m_school"]) and got["partition"] == "vest"
    # the partition alone does not: its nearest school is farther (or out of reach)
    assert alone["dist_school_m"] > want["dist_school_m"] + 50
    assert not alone["within_400m_school"]


def test_every_home_has_the_figures_of_a_single_run_on_the_union(union, batch):
    want = union["result"].per_home
    got = batch["per_home"]
    assert len(got) == len(want) and got.index.is_unique
    assert set(want.columns) - {"geometry"} <= set(got.columns)
    assert _differences(got, want) == {}
    # the summary rows add up to the union's counts
    summary = gpd.read_parquet(batch["out"] / "summary.parquet")
    totals = union["result"].summary.set_index("metric")["value"]
    for metric in ("homes", "dwellings", "population"):
        assert summary[metric].sum() == pytest.approx(totals[metric])
    # and a dwelling-weighted share of the partitions is the union's share
    share = (summary["share_green_500m"] * summary["dwellings"]).sum() / summary["dwellings"].sum()
    assert 100 * share == pytest.approx(totals["green_500m_dwellings"], abs=1e-6)


def test_interior_homes_have_the_figures_of_the_partition_alone(area, union, batch):
    from arealanalyse.batch import halo_m

    parts, reach = area["parts"], halo_m(union["settings"])
    checked = 0
    for i, polygon in enumerate(parts.geometry):
        alone = _alone(union, polygon)
        others = shapely.union_all(parts.geometry.drop(parts.index[i]).values)
        interior = alone.geometry.distance(others) > reach
        assert interior.sum() > 100, parts["navn"].iloc[i]
        assert _differences(batch["per_home"], alone.loc[interior.to_numpy()]) == {}
        checked += int(interior.sum())
    assert checked > 1000


def test_catchments_of_border_stations_count_homes_across_the_border(union, batch):
    want = union["result"].catchments
    got = gpd.read_parquet(batch["out"] / "datasets" / "catchments")
    assert len(got) == len(want) and got.index.is_unique
    assert _differences(got, want) == {}

"""arealanalyse batch on the demo cut into three partitions: borders done right.

The golden values come from runs of the metric suite (``run_suite``) on the union and on each
partition alone, never from the batch code.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from shapely.geometry import Point, box
from shapely.ops import substring

X_CUT, Y_CUT = 583_500.0, 6_644_000.0


def _absolute(doc: dict, root: Path) -> dict:
    for spec in doc["layers"].values():
        spec["path"] = str((root / spec["path"]).resolve())
    for spec in doc.get("rasters", {}).values():
        spec["path"] = str((root / spec["path"]).resolve())
    for feed in doc.get("timetables", {}).get("feeds", []):
        feed["path"] = str((root / feed["path"]).resolve())
    return doc


@contextlib.contextmanager
def _shared(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A folder of this test run that pytest-xdist workers share; held under a lock.

    The first worker to get the lock makes what the others then read (as ``demo_catalogue``).
    """
    base = tmp_path_factory.getbasetemp()
    run_dir = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = run_dir / name
    folder.mkdir(exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _make_area(demo_catalogue: Path, tmp: Path) -> dict:
    """Write the demo with one school added just east of the west/east border; return facts."""
    from arealanalyse.study import Study

    cat = Study.open(demo_catalogue)
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
        "catalogue": str(catalogue),
        "partitions": str(parts_file),
        "home": int(home_id),
        "school": shapely.to_wkt(school_at),
    }


@pytest.fixture(scope="module")
def area(demo_catalogue: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo with one school added just east of the west/east border, and the partitions."""
    with _shared(tmp_path_factory, "batch-demo") as tmp:
        facts = tmp / "area.json"
        if not facts.is_file():
            facts.write_text(json.dumps(_make_area(demo_catalogue, tmp)), encoding="utf-8")
        area = json.loads(facts.read_text(encoding="utf-8"))
    area.update(
        {
            "catalogue": Path(area["catalogue"]),
            "partitions": Path(area["partitions"]),
            "parts": gpd.read_file(area["partitions"]),
            "school": shapely.from_wkt(area["school"]),
            "tmp": tmp,
        }
    )
    return area


@pytest.fixture(scope="module")
def union(area: dict) -> dict:
    """The suite on the whole study area (one run)."""
    from arealanalyse.batch import suite_layers
    from arealanalyse.metrics import run_suite
    from arealanalyse.network import WalkNetwork
    from arealanalyse.study import Study

    cat = Study.open(area["catalogue"])
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
def batch(area: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One batch run of the three partitions on two local workers (once per test run)."""
    from arealanalyse.cli import main

    with _shared(tmp_path_factory, "batch-demo"):
        out = area["tmp"] / "batch"
        said = area["tmp"] / "batch.json"
        if not said.is_file():
            args = [str(area["catalogue"]), "--partitions", str(area["partitions"])]
            args += ["--by", "navn", "--workers", "2", "--out", str(out), "--json"]
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                code = main(["batch", *args])
            assert code == 0, buf.getvalue()
            said.write_text(buf.getvalue(), encoding="utf-8")
        payload = said.read_text(encoding="utf-8")
    import dask_geopandas

    per_home = dask_geopandas.read_parquet(out / "datasets" / "per_home")
    return {
        "out": out,
        "payload": json.loads(payload),
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


def _segments(points: list[tuple[float, float]], step_m: float) -> list[shapely.LineString]:
    """A path through ``points`` as lines of at most ``step_m`` (as real networks come)."""
    path = shapely.LineString(points)
    cuts = np.append(np.arange(0.0, path.length, step_m), path.length)
    return [substring(path, a, b) for a, b in itertools.pairwise(cuts)]


def test_a_peninsula_joined_beyond_the_halo_snaps_as_in_the_union():
    """A street 150 m off the main grid, joined to it only by a path far beyond the halo."""
    from arealanalyse.batch import SNAP_COLUMN, CatalogueSplit, halo_m, partition_suite
    from arealanalyse.metrics import run_suite
    from arealanalyse.network import WalkNetwork
    from arealanalyse.settings import Settings

    s = Settings()
    crs = "EPSG:25832"
    grid = [shapely.LineString([(x, 0), (x, 3000)]) for x in range(0, 3001, 200)]
    grid += [shapely.LineString([(0, y), (3000, y)]) for y in range(0, 3001, 200)]
    peninsula = _segments([(1000, 3150), (1600, 3150)], 100)
    far = 3300 + halo_m(s) + 1000  # the detour runs this far north, east and south
    detour = _segments(
        [(1600, 3150), (1600, far), (3000 + far, far), (3000 + far, -far), (3000, -far), (3000, 0)],
        200,
    )
    walk = gpd.GeoDataFrame(geometry=grid + peninsula + detour, crs=crs)
    homes = gpd.GeoDataFrame(
        {"dwellings": [1.0] * 5},
        geometry=[Point(x, 3160) for x in (1050, 1250, 1450)] + [Point(310, 410), Point(2690, 10)],
        crs=crs,
    )
    school = gpd.GeoDataFrame(
        {"category": "school", "name": ["på halvøya", "i rutenettet"]},
        geometry=[Point(1590, 3140), Point(200, 190)],
        crs=crs,
    )
    layers = {"homes": homes, "walk_network": walk, "services": school}
    parts = gpd.GeoDataFrame(
        {"key": ["x", "y"], "label": ["x", "y"]},
        geometry=[box(-100, -100, 3100, 3300), box(3100, -50_000, 50_000, 50_000)],
        crs=crs,
    )
    union = run_suite(layers, WalkNetwork.from_edges(walk, settings=s), settings=s).per_home
    sub, own = CatalogueSplit(layers, parts, settings=s).subset(0)
    assert len(sub["walk_network"]) < len(walk)  # the detour's far part is not in the halo
    got = partition_suite(sub, own=own, settings=s).per_home
    on_peninsula = homes.index[:3]
    # in the union the peninsula's homes walk along it to its school, 100-550 m
    assert union.loc[on_peninsula, "dist_school_m"].between(100, 560).all()
    assert _differences(got, union.loc[got.index]) == {}
    # without the mark, the cut's largest piece is the grid: the homes snap 160 m across
    # the water to it and their school is another
    plain = {**sub, "walk_network": sub["walk_network"].drop(columns=SNAP_COLUMN)}
    wrong = partition_suite(plain, own=own, settings=s).per_home
    assert (wrong.loc[on_peninsula, "access_m"] > 150).all()
    assert (
        wrong.loc[on_peninsula, "dist_school_m"] > union.loc[on_peninsula, "dist_school_m"]
    ).all()


def test_a_station_where_nobody_lives_reports_its_catchment():
    """A partition that owns a station but no homes, none within its halo either."""
    from arealanalyse.batch import CatalogueSplit, partition_suite, summary_row
    from arealanalyse.settings import Settings

    s = Settings()
    crs = "EPSG:25832"
    walk = gpd.GeoDataFrame(
        geometry=[shapely.LineString([(0, 0), (20000, 0)]), *_segments([(0, 0), (0, 500)], 100)],
        crs=crs,
    )
    homes = gpd.GeoDataFrame({"dwellings": [2.0]}, geometry=[Point(19_000, 10)], crs=crs)
    station = gpd.GeoDataFrame(
        {"name": ["Ødemark"], "mode": ["rail"], "status": ["existing"]},
        geometry=[Point(0, 10)],
        crs=crs,
    )
    parts = gpd.GeoDataFrame(
        {"key": ["tom", "by"], "label": ["tom", "by"]},
        geometry=[box(-1000, -1000, 1000, 1000), box(18_000, -1000, 20_000, 1000)],
        crs=crs,
    )
    layers = {"homes": homes, "walk_network": walk, "transit": station}
    sub, own = CatalogueSplit(layers, parts, settings=s).subset(0)
    assert len(sub["homes"]) == 0 and own["transit"].tolist() == [True]
    r = partition_suite(sub, own=own, settings=s)
    assert len(r.per_home) == 0
    assert r.catchments["name"].tolist() == ["Ødemark"]
    assert r.catchments[["homes_within_500m", "homes_within_1000m"]].to_numpy().tolist() == [
        [0.0, 0.0]
    ]
    row = summary_row(r)
    assert (row["homes"], row["dwellings"], row["population"]) == (0.0, 0.0, 0.0)
    assert not any(k.startswith("share_") for k in row)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("by", r"has no column 'kommune'; use --by with one of \['rute'\]"),
        ("points", "partitions must be polygons"),
        ("crs", "lies outside the homes of liten.yaml.*CRS"),
        ("both", "give --workers or --scheduler, not both"),
        ("two", "--partitions cuts one catalogue; give exactly one"),
    ],
)
def test_bad_batch_input_is_one_line_and_exit_2(tmp_path, capsys, change, says):
    import re

    from arealanalyse.cli import main
    from batch_areas import X0, Y0, grid_partitions, lattice_area

    catalogue = lattice_area(tmp_path, "liten", width_m=1200, height_m=1200, homes=40)
    parts = grid_partitions(tmp_path / "ruter.gpkg", (X0, Y0, X0 + 1200, Y0 + 1200), 2, 1)
    args = [str(catalogue), "--partitions", str(parts), "--by", "rute", "--workers", "1"]
    if change == "by":
        args[4] = "kommune"
    elif change == "points":
        gpd.GeoDataFrame(
            {"rute": ["a"]}, geometry=[Point(X0 + 10, Y0 + 10)], crs="EPSG:25832"
        ).to_file(parts, driver="GPKG")
    elif change == "crs":  # the right numbers in the wrong CRS: the grid lands far away
        gpd.read_file(parts).set_crs("EPSG:25833", allow_override=True).to_file(
            parts, driver="GPKG"
        )
    elif change == "both":
        args += ["--scheduler", "tcp://127.0.0.1:1"]
    elif change == "two":
        args.insert(0, str(catalogue))
    code = main(["batch", *args, "--out", str(tmp_path / "ut")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert "\n" not in err and re.search(says, err), err
    assert not (tmp_path / "ut" / "summary.csv").exists()


def test_run_batch_takes_a_study_made_in_memory(tmp_path):
    """A Study of layers in memory is cut by a partition layer (the driver writes the cuts)."""
    from arealanalyse.batch import run_batch
    from arealanalyse.study import Study
    from batch_areas import X0, Y0, grid_partitions, lattice_area

    catalogue = lattice_area(tmp_path, "minne", width_m=1600, height_m=800, homes=60)
    opened = Study.open(catalogue)
    study = Study.from_layers(opened.layers(), settings=opened.settings, name="i-minnet")
    parts = grid_partitions(tmp_path / "ruter.gpkg", (X0, Y0, X0 + 1600, Y0 + 800), 2, 1)
    report = run_batch(
        [study], out=tmp_path / "ut", partitions=parts, by="rute", workers=1, lang="en"
    )
    assert [r["status"] for r in report.rows] == ["ok", "ok"]
    homes = opened.layer("homes")
    inside = homes.geometry.covered_by(box(X0, Y0, X0 + 1600, Y0 + 800))
    assert sum(r["homes"] for r in report.rows) == int(inside.sum())
    # a list of study areas is opened by the workers from files: a study in memory cannot be one
    report = run_batch([study, catalogue], out=tmp_path / "ut2", workers=1)
    assert [r["status"] for r in report.rows] == ["failed", "ok"]
    assert "made in memory" in report.rows[0]["error"]

"""Measure the OSM dwelling estimate against SSB's population grid on a real OSM extract.

The homes layer is read from the OSM file through the public API (``read_layer(path, "homes")``,
the dwelling estimate of :func:`arealanalyse.layers.dwellings.estimate_dwellings`); the grid is
SSB's 100 m population grid. Only grid cells that lie wholly inside the extract (its header
bounding box shrunk by ``--margin-m``, because buildings cut by the extract's edge are dropped)
are compared; cells SSB does not list hold no residents. SSB residents become dwellings with
``--persons-per-dwelling`` (default 1.69, bydel Frogner, SSB 2019: the oslo-vest extract lies in
Frogner and St. Hanshaugen, 1.66).

Printed (and written with ``--json``): cells compared, per-cell Pearson correlation, median and
90th-percentile relative error over cells with residents (|estimate − SSB| / SSB, dwellings),
total bias (Σ estimate / Σ SSB − 1), and the estimate by OSM building type.

Run from the project root::

    .venv/bin/python tools/dwellings_vs_grid.py \\
        --osm ../shared/data/real/osm-oslo-vest/oslo-vest.osm.pbf \\
        --grid ../shared/data/real/ssb-grid-oslo/Oslo_bef_100m_2015.csv

The figures are published in docs/metrics.md ("How good is the dwelling estimate?").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from arealanalyse.fetch.compare import compare_dwellings_to_grid
from arealanalyse.layers.readers import read_layer, read_source
from arealanalyse.layers.ssbgrid import GRID_CRS
from arealanalyse.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
DEFAULT_OSM = REAL / "osm-oslo-vest" / "oslo-vest.osm.pbf"
DEFAULT_GRID = REAL / "ssb-grid-oslo" / "Oslo_bef_100m_2015.csv"


def extract_bounds(path: Path) -> tuple[float, float, float, float] | None:
    """Return (west, south, east, north) of an OSM file's header box (None when it has none)."""
    import osmium

    reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    try:
        box = reader.header().box()
    finally:
        reader.close()
    if not box.valid():
        return None
    return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)


def window_cells(
    bounds_lonlat: tuple[float, float, float, float], *, cell_m: float, margin_m: float
) -> gpd.GeoDataFrame:
    """Return the grid cells (EPSG:25833) wholly inside the box shrunk by ``margin_m``."""
    w, s, e, n = bounds_lonlat
    ring = [(w, s), (e, s), (e, n), (w, n)]
    tr = Transformer.from_crs(4326, GRID_CRS, always_xy=True)
    box = shapely.Polygon([tr.transform(x, y) for x, y in ring]).buffer(-margin_m, join_style=2)
    minx, miny, maxx, maxy = box.bounds
    xs = np.arange(np.floor(minx / cell_m) * cell_m, maxx, cell_m)
    ys = np.arange(np.floor(miny / cell_m) * cell_m, maxy, cell_m)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    cells = shapely.box(gx, gy, gx + cell_m, gy + cell_m)
    inside = shapely.contains(box, cells)
    ids = [
        f"{int(x) + 2_000_000:07d}{int(y):07d}" for x, y in zip(gx[inside], gy[inside], strict=True)
    ]
    return gpd.GeoDataFrame({"ssb_id": ids}, geometry=cells[inside], crs=GRID_CRS)


def compare(
    osm: Path, grid: Path, *, persons_per_dwelling: float = 1.69, margin_m: float = 100.0
) -> dict[str, Any]:
    """Compare the estimate with SSB's grid; return the figures as a dict (see module doc)."""
    s = Settings(persons_per_dwelling=persons_per_dwelling)
    homes = read_layer(osm, "homes", settings=s)
    ssb = read_source(grid, name="ssb:grid", kind="homes").to_crs(GRID_CRS)
    cell_m = float(ssb["cell_m"].iloc[0])
    bounds = extract_bounds(osm)
    if bounds is None:  # no header box: the buildings' own extent
        w, s_, e, n = homes.to_crs(4326).total_bounds
        bounds = (w, s_, e, n)
    cells = window_cells(bounds, cell_m=cell_m, margin_m=margin_m)
    pop = pd.Series(ssb["population"].to_numpy(dtype=float), index=ssb["ssb_id"].to_numpy())
    cells["population"] = cells["ssb_id"].map(pop).fillna(0.0).to_numpy()
    cmp = compare_dwellings_to_grid(homes, cells.set_index("ssb_id"), settings=s)
    summary = dict(cmp.attrs["summary"])
    inside = homes.loc[
        gpd.GeoSeries(homes.geometry.representative_point(), crs=homes.crs)
        .to_crs(GRID_CRS)
        .within(shapely.union_all(cells.geometry.values))
        .to_numpy()
    ]
    by_type = (
        inside.assign(building=inside.get("building", pd.Series("", index=inside.index)))
        .groupby("building")["dwellings"]
        .agg(["size", "sum"])
        .sort_values("sum", ascending=False)
    )
    summary.update(
        osm=osm.name,
        grid=grid.name,
        cell_m=cell_m,
        margin_m=margin_m,
        buildings_compared=len(inside),
        by_building_type={
            str(k): {"buildings": int(r["size"]), "dwellings": round(float(r["sum"]), 1)}
            for k, r in by_type.iterrows()
        },
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print (and optionally write) the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osm", type=Path, default=DEFAULT_OSM, help="OSM PBF/XML extract")
    ap.add_argument("--grid", type=Path, default=DEFAULT_GRID, help="SSB grid (CSV, GML...)")
    ap.add_argument("--persons-per-dwelling", type=float, default=1.69)
    ap.add_argument("--margin-m", type=float, default=100.0, help="edge of the extract left out")
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    args = ap.parse_args(argv)
    res = compare(
        args.osm, args.grid, persons_per_dwelling=args.persons_per_dwelling, margin_m=args.margin_m
    )
    keys = ("cells", "ssb_dwellings", "est_dwellings", "bias", "pearson_r",
            "median_rel_error", "p90_rel_error", "cells_missed", "cells_spurious")  # fmt: skip
    for k in keys:
        v = res.get(k)
        print(f"{k:>18}: {v:,.3f}" if isinstance(v, float) else f"{k:>18}: {v}")
    if args.json is not None:
        args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

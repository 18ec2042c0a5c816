"""Build the SYNTHETIC Bærum demo study area on disk: :func:`build_demo`.

``scale=S`` tiles S copies of the real-scale study area side by side (west to east) and joins
their walk networks with a footpath through the gap between copies, so the main component stays
one: S = 4 gives about four times the nodes, homes and jobs, for benchmarks.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from arealanalyse import __version__
from arealanalyse.demo import write
from arealanalyse.demo.generate import Demo, _walk_layer, generate
from arealanalyse.demo.network import Network, components
from arealanalyse.demo.timetable import demo_feed
from arealanalyse.errors import ArealanalyseError
from arealanalyse.layers.schema import KINDS
from arealanalyse.settings import Settings, resolve

__all__ = ["DEFAULT_SEED", "build_demo", "demo_name", "demo_summary", "revised_plan_path"]

#: The seed of the published demo.
DEFAULT_SEED = 20261122


def demo_name(scale: int) -> str:
    """Name of a demo build: ``baerum-demo`` or ``baerum-demo-scale<S>``.

    Examples
    --------
    >>> demo_name(1), demo_name(4)
    ('baerum-demo', 'baerum-demo-scale4')
    """
    return "baerum-demo" if scale == 1 else f"baerum-demo-scale{scale}"


def _shift(gdf: gpd.GeoDataFrame, dx: float) -> gpd.GeoDataFrame:
    out = gdf.copy()
    geom = shapely.transform(gdf.geometry.values, lambda xy: xy + np.array([dx, 0.0]))
    out = out.set_geometry(shapely.set_precision(geom, 0.01) if dx else geom)
    return out


def _connector(ax: float, ay: float, bx: float, by: float, xm: float) -> np.ndarray:
    """Points of a footpath A -> (xm, ay) -> (xm, by) -> B with steps of at most 100 m."""
    pts = [np.array([ax, ay])]
    for (x0, y0), (x1, y1) in (((ax, ay), (xm, ay)), ((xm, ay), (xm, by)), ((xm, by), (bx, by))):
        n = max(1, int(np.ceil(np.hypot(x1 - x0, y1 - y0) / 100.0)))
        t = np.arange(1, n + 1) / n
        pts.extend(np.column_stack([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]))
    out = np.round(np.array(pts), 2)
    keep = np.ones(len(out), dtype=bool)
    keep[1:] = np.any(np.diff(out, axis=0) != 0, axis=1)
    return out[keep]


def _tile(demo: Demo, scale: int) -> Demo:
    """Tile ``scale`` copies of ``demo`` side by side, joining the walk networks."""
    if scale == 1:
        return demo
    stride = demo.grid.nx * demo.grid.cell
    net = demo.network
    labels = components(net.u, net.v, net.n_nodes)
    main = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
    east = main[np.argmax(net.x[main])]
    west = main[np.argmin(net.x[main])]
    xs, ys, us, vs, hws, levs = [], [], [], [], [], []
    n_off = 0
    for k in range(scale):
        xs.append(np.round(net.x + k * stride, 2))
        ys.append(net.y)
        us.append(net.u + n_off)
        vs.append(net.v + n_off)
        hws.append(net.highway)
        levs.append(net.level)
        n_off += net.n_nodes
    for k in range(scale - 1):
        a, b = east + k * net.n_nodes, west + (k + 1) * net.n_nodes
        xm = demo.grid.x0 + (k + 1) * stride
        pts = _connector(xs[k][east], net.y[east], xs[k + 1][west], net.y[west], xm)
        inner = pts[1:-1]
        ids = np.concatenate([[a], n_off + np.arange(len(inner)), [b]])
        xs.append(inner[:, 0])
        ys.append(inner[:, 1])
        us.append(ids[:-1])
        vs.append(ids[1:])
        hws.append(np.full(len(ids) - 1, "footway", dtype=object))
        levs.append(np.full(len(ids) - 1, 16))
        n_off += len(inner)
    tiled = Network(
        np.concatenate(xs),
        np.concatenate(ys),
        np.concatenate(us),
        np.concatenate(vs),
        np.concatenate(hws),
        np.concatenate(levs),
    )
    layers: dict[str, gpd.GeoDataFrame] = {}
    for kind, gdf in demo.layers.items():
        if kind == "walk_network":
            continue
        parts = []
        for k in range(scale):
            part = _shift(gdf, k * stride)
            if kind == "areas" and k > 0:
                part["name"] = part["name"] + f" #{k + 1}"
            parts.append(part)
        layers[kind] = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=gdf.crs)
    layers["walk_network"] = _walk_layer(tiled, str(demo.layers["boundary"].crs))
    layers = {k: layers[k] for k in demo.layers}
    grid = replace(demo.grid, nx=demo.grid.nx * scale)
    plan = None
    if demo.plan is not None:
        plan_parts = [_shift(demo.plan, k * stride) for k in range(scale)]
        plan = gpd.GeoDataFrame(pd.concat(plan_parts, ignore_index=True), crs=demo.plan.crs)
    return Demo(
        layers=layers,
        dem=np.tile(demo.dem, (1, scale)),
        noise=np.tile(demo.noise, (1, scale)),
        grid=grid,
        network=tiled,
        plan=plan,
    )


def build_demo(
    out_dir: str | os.PathLike[str],
    /,
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    settings: Settings | None = None,
    catalogue: str | os.PathLike[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Generate the SYNTHETIC Bærum demo study area and write it to ``out_dir``.

    Writes ``<name>.gpkg`` (one layer per canonical kind plus a ``metadata`` table), ``dem.tif``,
    ``noise.tif`` and the synthetic GTFS feed ``<name>-gtfs.zip``
    (:mod:`arealanalyse.demo.timetable`) into ``out_dir``, and a layer catalogue (default
    ``out_dir/<name>.yaml``; ``<name>`` is ``baerum-demo`` or ``baerum-demo-scale<S>``).
    Building twice with the same arguments gives byte-identical files.

    Parameters
    ----------
    out_dir
        Folder for the data files (created if needed).
    scale
        Integer >= 1: number of copies of the study area tiled side by side (benchmarks).
    seed
        Seed of every random choice.
    settings
        Run settings (the working CRS).
    catalogue
        Where to write the catalogue; paths inside it are relative to it.
    progress
        Called with a short label before each step.

    Returns
    -------
    pathlib.Path
        The catalogue path.

    Examples
    --------
    >>> build_demo("/tmp/x", scale=0)
    Traceback (most recent call last):
    ...
    arealanalyse.errors.ArealanalyseError: demo build: scale must be an integer >= 1, got 0; ...
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ArealanalyseError(
            f"demo build: scale must be an integer >= 1, got {scale!r}; use e.g. --scale 4."
        )
    s = resolve(settings)
    step = progress or (lambda _label: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = demo_name(int(scale))
    demo = _tile(generate(seed, crs=s.crs, progress=step), int(scale))
    step("writing")
    cat_path = Path(catalogue) if catalogue is not None else out / f"{name}.yaml"
    gpkg = out / f"{name}.gpkg"
    meta = {
        "synthetic": "true",
        "title": _title(int(scale)),
        "note": write.SYNTHETIC_NOTE,
        "generator": f"arealanalyse {__version__} demo build",
        "fingerprint": generator_fingerprint(seed=seed, scale=int(scale)),
        "seed": str(seed),
        "scale": str(scale),
        "crs": s.crs,
        "created": write.FIXED_DATE,
    }
    step("timetable")
    files, rush = demo_feed(demo.layers["transit"], copies=int(scale))
    transit = demo.layers["transit"].copy()
    transit["departures_per_hour"] = rush.to_numpy()  # weekday 07-09, from the synthetic feed
    demo.layers["transit"] = transit
    gtfs = out / f"{name}-gtfs.zip"
    write.write_zip(files, gtfs)
    meta["timetable"] = gtfs.name
    for kind, gdf in demo.layers.items():
        meta[f"features.{kind}"] = str(len(gdf))
    layers = {k: demo.layers[k][[*KINDS[k].column_names, "geometry"]] for k in demo.layers}
    write.write_gpkg(layers, gpkg, meta)
    if demo.plan is not None:
        plan_meta = {
            **meta,
            "title": f"{_title(int(scale))}: revised kommuneplan (KPA 2026 proposal, SYNTHETIC)",
        }
        plan_meta = {k: v for k, v in plan_meta.items() if not k.startswith("features.")}
        plan_meta["features.zoning"] = str(len(demo.plan))
        write.write_gpkg({"zoning": demo.plan}, revised_plan_path(gpkg), plan_meta)
    transform = demo.grid.transform
    write.write_tif(
        demo.dem, transform, s.crs, out / "dem.tif", description="SYNTHETIC terrain height (m)"
    )
    write.write_tif(
        demo.noise,
        transform,
        s.crs,
        out / "noise.tif",
        description="SYNTHETIC road and rail noise Lden (dB)",
    )

    def rel(p: Path) -> str:
        return Path(os.path.relpath(p.resolve(), cat_path.resolve().parent)).as_posix()

    text = write.catalogue_text(
        name=name,
        title=_title(int(scale)),
        gpkg=rel(gpkg),
        dem=rel(out / "dem.tif"),
        noise=rel(out / "noise.tif"),
        kinds=list(layers),
        scale=int(scale),
        seed=seed,
        crs=s.crs,
        gtfs=rel(gtfs),
    )
    write.write_catalogue(cat_path, text)
    return cat_path


def revised_plan_path(gpkg: str | os.PathLike[str], /) -> Path:
    """Path of the demo's revised plan next to its GeoPackage: ``<name>-kpa-2026.gpkg``.

    Examples
    --------
    >>> revised_plan_path("layers/baerum-demo/baerum-demo.gpkg").as_posix()
    'layers/baerum-demo/baerum-demo-kpa-2026.gpkg'
    """
    p = Path(gpkg)
    return p.with_name(f"{p.stem}-kpa-2026.gpkg")


def _title(scale: int) -> str:
    base = "Bærum demo study area (SYNTHETIC, syntetiske data)"
    return base if scale == 1 else f"{base}, {scale} copies"


def generator_fingerprint(*, seed: int = DEFAULT_SEED, scale: int = 1) -> str:
    """Return a hash of the generator's code and data, seed and scale (in the demo's metadata).

    A demo built by older generator code, or from other municipality outlines, has another
    fingerprint, so callers can rebuild it instead of silently analysing stale data.

    Examples
    --------
    >>> len(generator_fingerprint()), generator_fingerprint() == generator_fingerprint(scale=2)
    (16, False)
    """
    import hashlib

    h = hashlib.sha256(f"{__version__}|{seed}|{scale}".encode())
    for src in sorted(Path(__file__).parent.glob("*.py")):
        h.update(src.name.encode())
        h.update(src.read_bytes())
    from arealanalyse.resources import KOMMUNER_2020, package_file

    h.update(package_file(KOMMUNER_2020).read_bytes())
    return h.hexdigest()[:16]


def demo_is_current(gpkg: str | os.PathLike[str], /) -> bool:
    """Whether a demo GeoPackage was built by this generator code (see the fingerprint).

    Examples
    --------
    >>> demo_is_current("/nonexistent.gpkg")
    False
    """
    import pyogrio

    path = Path(gpkg)
    if not path.is_file():
        return False
    try:
        meta = pyogrio.read_dataframe(path, layer="metadata")
    except Exception:  # an unreadable or foreign file is not a current demo
        return False
    values = dict(zip(meta["key"], meta["value"], strict=False))
    seed = int(values.get("seed", DEFAULT_SEED))
    scale = int(values.get("scale", 1))
    return values.get("fingerprint") == generator_fingerprint(seed=seed, scale=scale)


def demo_summary(gpkg: str | os.PathLike[str]) -> pd.DataFrame:
    """One row per layer of a demo GeoPackage: features and the main total.

    Examples
    --------
    >>> demo_summary("/nonexistent.gpkg")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.LayerFileError: demo GeoPackage '/nonexistent.gpkg' does not exist; ...
    """
    from arealanalyse.errors import LayerFileError

    path = Path(gpkg)
    if not path.is_file():
        raise LayerFileError(
            f"demo GeoPackage {str(path)!r} does not exist; "
            "build it with `arealanalyse demo build`."
        )
    totals = {
        "homes": ["dwellings", "population"],
        "workplaces": ["jobs", "bra_m2"],
        "farmland": ["area_daa"],
        "green": ["area_daa"],
        "zoning": ["area_daa"],
        "walk_network": ["length_m"],
        "areas": ["area_daa"],
        "ar5": ["area_daa"],
        "cultivable_land": ["area_daa"],
        "nature_types": ["area_daa"],
        "sea": ["area_daa"],
        "hazard_zones": ["area_daa"],
        "recreation_areas": ["area_daa"],
    }
    rows = []
    for kind in KINDS:
        info = pyogrio.read_info(path, layer=kind)
        total = ""
        cols = totals.get(kind)
        if cols:
            df = pyogrio.read_dataframe(path, layer=kind, columns=cols, read_geometry=False)
            total = ", ".join(f"{c}={df[c].sum():,.0f}" for c in cols)
        rows.append({"layer": kind, "features": int(info["features"]), "totals": total})
    return pd.DataFrame(rows)

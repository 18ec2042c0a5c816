"""What each partition task reads: a catalogue of its own, or its share of one split catalogue.

Two ways to give a batch its study areas:

* **a list of catalogues**: each catalogue is one partition. Its task loads the catalogue itself
  (every worker must reach the catalogue's files). When the catalogue has a ``boundary`` layer the
  partition owns the features inside it; layers that reach beyond the boundary (a ``clip``
  tolerance) are its halo.
* **one catalogue and a partition layer**: the driver loads the catalogue once,
  :class:`CatalogueSplit` cuts it into each partition's own features plus its halo, and
  :func:`write_inputs` writes them as GeoParquet files in the batch's output folder (which every
  worker must reach); the task reads them back with :func:`read_inputs`.

The content of a partition's inputs is hashed (:func:`hash_frame`), so a rerun knows which
partitions saw no change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.batch.compute import OWNED_KINDS, SNAP_COLUMN, SUITE_KINDS
from arealanalyse.batch.partitions import halo_m, owner_of
from arealanalyse.errors import CatalogueError
from arealanalyse.io import write_json, write_table
from arealanalyse.settings import Settings, resolve

if TYPE_CHECKING:
    from arealanalyse.study import Study

__all__ = [
    "OWN_COLUMN",
    "CatalogueSplit",
    "catalogue_inputs",
    "hash_frame",
    "mark_main_component",
    "mark_own",
    "open_study",
    "read_inputs",
    "suite_layers",
    "write_inputs",
]

#: Column of a written input layer that marks the features the partition owns.
OWN_COLUMN = "_batch_own"
_META = "inputs.json"


def hash_frame(gdf: pd.DataFrame, /) -> str:
    """Return a sha256 of a (Geo)DataFrame's content: columns, dtypes, index, values, geometry.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> a = gpd.GeoDataFrame({"x": [1.0]}, geometry=[Point(0, 0)], crs=25832)
    >>> hash_frame(a) == hash_frame(a.copy()), hash_frame(a) == hash_frame(a.assign(x=2.0))
    (True, False)
    """
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(t)] for c, t in gdf.dtypes.items()]).encode())
    geom_col = gdf.geometry.name if isinstance(gdf, gpd.GeoDataFrame) else None
    attrs = gdf.drop(columns=[geom_col]) if geom_col else gdf
    h.update(pd.util.hash_pandas_object(attrs, index=True).to_numpy().tobytes())
    if geom_col:
        h.update(str(gdf.crs).encode())
        for wkb in shapely.to_wkb(np.asarray(gdf.geometry.values, dtype=object)):
            h.update(b"" if wkb is None else wkb)
    return h.hexdigest()


def open_study(source: str | Path | Study, /) -> Study:
    """Return the :class:`~arealanalyse.study.Study` of a catalogue path (or the study given).

    The one place a batch opens a study area, on the driver and on the workers alike.
    """
    from arealanalyse.study import Study

    return source if isinstance(source, Study) else Study.open(source)


def suite_layers(cat: Study, /) -> dict[str, gpd.GeoDataFrame]:
    """Load a study's layers the suite reads, plus its timetable's stop places."""
    name = cat.path.name if cat.path is not None else cat.name
    for kind in ("homes", "walk_network"):
        if not cat.has(kind):
            raise CatalogueError(
                f"Catalogue {name!r} has no {kind} layer; a batch runs the metric suite, which "
                f"needs homes and a walk_network: add layers.{kind}."
            )
    layers = {k: cat.layer(k) for k in SUITE_KINDS if cat.has(k)}
    if cat.has_timetable:
        service = cat.service_levels()
        if service is not None:
            attrs = dict(service.attrs)
            service = service.to_crs(cat.settings.crs)
            service.attrs = attrs
            layers["stop_places"] = service
    return layers


def catalogue_inputs(
    path: str | Path, /
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, np.ndarray], Settings, shapely.Geometry | None]:
    """Load one catalogue as a partition: layers, own masks, settings and the boundary polygon.

    With a ``boundary`` layer the partition owns the features whose analysis point lies inside
    it; without one it owns everything.
    """
    cat = open_study(path)
    layers = suite_layers(cat)
    own: dict[str, np.ndarray] = {}
    polygon = None
    if cat.has("boundary"):
        boundary = cat.layer("boundary")
        polygon = shapely.make_valid(shapely.union_all(boundary.geometry.values))
        parts = gpd.GeoSeries([polygon], crs=boundary.crs)
        for kind in OWNED_KINDS:
            if kind in layers:
                own[kind] = owner_of(layers[kind].geometry, parts) == 0
    return layers, own, cat.settings, polygon


def mark_main_component(
    walk_network: gpd.GeoDataFrame, /, *, settings: Settings | None = None
) -> gpd.GeoDataFrame:
    """Return the walk network one line part a row, with :data:`SNAP_COLUMN` on its main part.

    Points snap to the largest connected component of the network
    (``settings.snap_components``). A partition's cut of the network cannot tell which that is:
    a peninsula joined to the rest only by a path beyond the halo, or a partition whose own
    streets are a smaller piece of its cut than a neighbour's, would snap differently from a
    run on the whole. The network is built once here and the lines of its largest component
    marked, so every partition snaps as the whole would.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> walk = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)]),
    ...     LineString([(100, 0), (200, 0)]), LineString([(0, 50), (20, 50)])], crs=25832)
    >>> mark_main_component(walk)[SNAP_COLUMN].tolist()
    [True, True, False]
    """
    from arealanalyse.study import Study

    parts = walk_network.explode(index_parts=False, ignore_index=True)
    net = Study.from_layers({"walk_network": parts}, settings=settings).network
    main = np.zeros(len(parts), dtype=bool)
    on_main = net.component[net.u] == 0
    main[np.asarray(net.source_index[on_main], dtype=np.int64)] = True
    parts[SNAP_COLUMN] = main
    parts.attrs = dict(walk_network.attrs)
    return parts


class CatalogueSplit:
    """One catalogue's layers cut into partitions, each with the halo it needs.

    Parameters
    ----------
    layers
        The catalogue's layers (:func:`suite_layers`), in the working CRS.
    partitions
        The partition polygons (:func:`~arealanalyse.batch.partitions.read_partitions`).
    settings
        Run settings; the halo is :func:`~arealanalyse.batch.partitions.halo_m`.
    """

    def __init__(
        self,
        layers: Mapping[str, gpd.GeoDataFrame],
        partitions: gpd.GeoDataFrame,
        /,
        *,
        settings: Settings | None = None,
    ):
        from arealanalyse.metrics.green import green_groups

        self.settings = resolve(settings)
        self.layers = dict(layers)
        if self.settings.snap_components == "largest":
            self.layers["walk_network"] = mark_main_component(
                self.layers["walk_network"], settings=self.settings
            )
        self.partitions = partitions
        self.halo_m = halo_m(self.settings)
        self.owner = {
            k: owner_of(g.geometry, partitions) for k, g in self.layers.items() if k in OWNED_KINDS
        }
        self._trees = {
            k: shapely.STRtree(np.asarray(g.geometry.values, dtype=object))
            for k, g in self.layers.items()
        }
        green = self.layers.get("green")
        self._green_groups = (
            green_groups(green, settings=self.settings) if green is not None else None
        )

    def unowned(self, kind: str) -> int:
        """Features of ``kind`` no partition holds (they are reported nowhere)."""
        return int((self.owner[kind] < 0).sum()) if kind in self.owner else 0

    def owned(self, i: int, kind: str = "homes") -> int:
        """Features of ``kind`` partition ``i`` owns."""
        return int((self.owner[kind] == i).sum()) if kind in self.owner else 0

    def subset(self, i: int, /) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, np.ndarray]]:
        """Partition ``i``'s layers (own features and halo) and its own masks."""
        poly = self.partitions.geometry.iloc[i]
        sites = None
        zoning = self.layers.get("zoning")
        if zoning is not None and "zoning" in self.owner:
            # land take of an own zone counts farmland and green wherever the zone reaches
            sites = np.asarray(zoning.geometry.values, dtype=object)[self.owner["zoning"] == i]
        layers: dict[str, gpd.GeoDataFrame] = {}
        own: dict[str, np.ndarray] = {}
        for kind, gdf in self.layers.items():
            tree = self._trees[kind]
            idx = tree.query(poly, predicate="dwithin", distance=self.halo_m)
            parts = [idx]
            if kind in self.owner:
                parts.append(np.flatnonzero(self.owner[kind] == i))
            if kind in ("farmland", "green") and sites is not None and len(sites):
                parts.append(tree.query(sites, predicate="intersects")[1])
            idx = np.unique(np.concatenate(parts)).astype(np.int64)
            if kind == "green" and self._green_groups is not None and len(idx):
                # a park cut by the halo's edge is still one park (size thresholds)
                idx = np.flatnonzero(np.isin(self._green_groups, self._green_groups[idx]))
            sub = gdf.iloc[idx]
            sub.attrs = dict(gdf.attrs)
            layers[kind] = sub
            if kind in self.owner:
                own[kind] = self.owner[kind][idx] == i
        return layers, own


def mark_own(
    layers: Mapping[str, gpd.GeoDataFrame], own: Mapping[str, np.ndarray], /
) -> dict[str, gpd.GeoDataFrame]:
    """Return copies of a partition's layers with the own features marked (:data:`OWN_COLUMN`)."""
    frames = {}
    for kind, gdf in layers.items():
        frame = gdf.copy()
        if kind in own:
            frame[OWN_COLUMN] = np.asarray(own[kind], dtype=bool)
        frame.attrs = dict(gdf.attrs)
        frames[kind] = frame
    return frames


def write_inputs(
    folder: str | Path,
    frames: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    settings: Settings,
    polygon: shapely.Geometry,
) -> None:
    """Write a partition's layers (own features marked, :func:`mark_own`) and its settings."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    attrs: dict[str, Any] = {}
    for kind, frame in frames.items():
        write_table(frame, out / f"{kind}.parquet")
        if frame.attrs.get("transit"):
            attrs[kind] = {"transit": frame.attrs["transit"]}
    meta = {
        "settings": json.loads(settings.model_dump_json()),
        "polygon_wkb": shapely.to_wkb(polygon, hex=True),
        "layers": sorted(frames),
        "attrs": attrs,
    }
    write_json(out / _META, meta)


def read_inputs(
    folder: str | Path, /
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, np.ndarray], Settings, shapely.Geometry]:
    """Read what :func:`write_inputs` wrote: layers, own masks, settings, partition polygon."""
    src = Path(folder)
    meta = json.loads((src / _META).read_text(encoding="utf-8"))
    layers: dict[str, gpd.GeoDataFrame] = {}
    own: dict[str, np.ndarray] = {}
    for kind in meta["layers"]:
        gdf = gpd.read_parquet(src / f"{kind}.parquet")
        if OWN_COLUMN in gdf.columns:
            own[kind] = gdf[OWN_COLUMN].to_numpy(dtype=bool)
            gdf = gdf.drop(columns=[OWN_COLUMN])
        gdf.attrs = dict(meta.get("attrs", {}).get(kind, {}))
        layers[kind] = gdf
    settings = Settings.model_validate(meta["settings"])
    return layers, own, settings, shapely.from_wkb(meta["polygon_wkb"])

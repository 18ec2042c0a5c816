"""One study area for a run: its catalogue, layers, walk network, timetable, rasters and caches.

A :class:`Study` is opened once (:meth:`Study.open` on a layer catalogue, or
:meth:`Study.from_layers` on layers in memory) and passed to everything that works on the study
area: the scenario :class:`~arealanalyse.scenarios.evaluate.Evaluator`, the rules check, the main
job, the arealregnskap and every CLI command. It loads lazily and only once what a command asks
for: a layer when it is first used, the walk network when a distance is first needed, the
timetable and its service levels, the rasters. Nothing else in the package reads a catalogue or
builds a walk network (a test counts the call sites), so two steps of one run never disagree on
the data and never pay for it twice.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString, Point
>>> walk = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs=25832)
>>> homes = gpd.GeoDataFrame({"dwellings": [1.0]}, geometry=[Point(10, 5)], crs=25832)
>>> study = Study.from_layers({"walk_network": walk, "homes": homes}, name="tiny")
>>> study.kinds, study.network.n_edges
(['walk_network', 'homes'], 1)
>>> study.network is study.network  # built once
True
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from arealanalyse.errors import ArealanalyseError, CatalogueError, TimetableError
from arealanalyse.io import sha256_file
from arealanalyse.layers.catalogue import Catalogue, MissingSpec, SourceSpec, load_catalogue
from arealanalyse.layers.rasters import Raster, read_raster
from arealanalyse.limits import DISTANCE_M_MAX
from arealanalyse.metrics.cache import AccessCache
from arealanalyse.network import WalkNetwork
from arealanalyse.settings import Settings, resolve
from arealanalyse.transit import Timetable, merge_timetables, read_timetable, service_levels
from arealanalyse.transit.timetable import day_to_date

__all__ = ["Progress", "Study", "network_facts"]

Progress = Callable[[str], None]

#: Raster kinds a study reads (when its catalogue names them).
RASTER_KINDS: tuple[str, ...] = ("dem", "noise")


def _quiet(_: str) -> None:
    return None


def network_facts(net: WalkNetwork, /) -> dict[str, Any]:
    """Say what a walk graph is made of and what its topology step did (checks, reports).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> lines = [LineString([(0, 0), (10, 0)]), LineString([(50, 0), (60, 0)])]
    >>> study = Study.from_layers({"walk_network": gpd.GeoDataFrame(geometry=lines, crs=25832)})
    >>> f = network_facts(study.network)
    >>> f["nodes"], f["edges"], f["components"], f["largest_component_share"]
    (4, 2, 2, 0.5)
    """
    return {
        "nodes": net.n_nodes,
        "edges": net.n_edges,
        "components": int(net.component.max()) + 1 if net.n_nodes else 0,
        "largest_component_share": round(net.largest_component_share, 4),
        "topology": net.topology,
    }


class Study:
    """One study area, opened once and passed to every computation on it.

    Open one with :meth:`open` (a layer catalogue) or :meth:`from_layers` (layers in memory);
    the constructor is not meant to be called directly.

    Attributes
    ----------
    settings
        The run's settings (the catalogue's working CRS and timetable date unless given).
    access_cache
        The :class:`~arealanalyse.metrics.AccessCache` shared by every accessibility
        computation on this study's network (snapped homes, distance fields).
    progress
        Called with a short message when something slow is loaded (layers, timetable, network).
    area
        For a sub-study made by :meth:`subset`: the polygon whose homes it reports (its layers
        reach ``halo_m`` beyond it); ``None`` otherwise.
    """

    def __init__(
        self,
        *,
        name: str,
        settings: Settings,
        catalogue: Catalogue | None = None,
        layers: Mapping[str, gpd.GeoDataFrame] | None = None,
        title: str = "",
        synthetic: bool = False,
        sources: Sequence[SourceSpec] = (),
        timetable: Timetable | None = None,
        rasters: Mapping[str, Raster] | None = None,
        inputs: Mapping[str, str] | None = None,
        area: shapely.Geometry | None = None,
        progress: Progress | None = None,
        snap_column: str | None = None,
    ) -> None:
        if (catalogue is None) == (layers is None):
            raise ValueError("a Study has either a catalogue or layers; use Study.open/from_layers")
        self._catalogue = catalogue
        self._layers = {k: v for k, v in (layers or {}).items()}
        self._name = name
        self._title = title
        self._synthetic = synthetic
        self._sources = list(sources)
        self.settings = settings
        self.progress: Progress = progress or _quiet
        self.access_cache = AccessCache()
        self.area = area
        self._timetable = timetable
        self._timetable_read = catalogue is None
        self._service: gpd.GeoDataFrame | None = None
        self._rasters: dict[str, Raster | None] = dict(rasters or {})
        self._network: WalkNetwork | None = None
        self._snap_column = snap_column
        self._inputs: dict[str, str] | None = dict(inputs) if inputs is not None else None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        catalogue: str | os.PathLike[str],
        /,
        *,
        settings: Settings | None = None,
        progress: Progress | None = None,
    ) -> Study:
        """Open the study area a layer catalogue describes (validated now; nothing read yet).

        Parameters
        ----------
        catalogue
            The catalogue YAML (``layers/<area>.yaml``).
        settings
            Run settings; default the catalogue's (its ``crs`` and timetable ``date``).
        progress
            Called with a short message when layers, the timetable or the network are loaded.

        Raises
        ------
        CatalogueError
            The file does not exist or is not a valid catalogue (one line naming it and the fix).
        """
        path = Path(catalogue)
        if not path.is_file():
            raise CatalogueError(
                f"Catalogue {str(path)!r} does not exist; check the path (build the demo study "
                "area with 'arealanalyse demo build', or fetch one with 'arealanalyse fetch')."
            )
        cat = load_catalogue(path, settings=settings)
        return cls(
            name=cat.name,
            settings=cat.settings,
            catalogue=cat,
            title=cat.title,
            synthetic=cat.synthetic,
            sources=cat.sources,
            progress=progress,
        )

    @classmethod
    def from_layers(
        cls,
        layers: Mapping[str, gpd.GeoDataFrame],
        /,
        *,
        settings: Settings | None = None,
        name: str = "study",
        title: str = "",
        synthetic: bool = False,
        sources: Sequence[SourceSpec] = (),
        timetable: Timetable | None = None,
        rasters: Mapping[str, Raster] | None = None,
        inputs: Mapping[str, str] | None = None,
        progress: Progress | None = None,
        snap_column: str | None = None,
    ) -> Study:
        """Make a study area of canonical layers in memory (tests, notebooks, batch partitions).

        Parameters
        ----------
        layers
            ``{kind: GeoDataFrame}`` in the working CRS (normalised, e.g. by
            :func:`arealanalyse.layers.read_layer`); never modified.
        settings
            Run settings.
        name, title, synthetic, sources
            What maps and reports say about the study area.
        timetable
            Its timetable (:func:`arealanalyse.transit.read_timetable`), if any.
        rasters
            ``{"dem": Raster, "noise": Raster}`` (:func:`~arealanalyse.layers.rasters.read_raster`).
        inputs
            ``{label: sha256}`` of the files the layers came from (for manifests).
        progress
            Called with a short message when the network is built.
        snap_column
            A boolean column of ``walk_network``: points snap only to its rows that are True
            (a batch partition's cut marks the whole network's largest component), see
            :meth:`~arealanalyse.network.WalkNetwork.from_edges`.
        """
        unknown = sorted(set(rasters or {}) - set(RASTER_KINDS))
        if unknown:
            raise ValueError(f"unknown raster kind {unknown[0]!r}; use one of {RASTER_KINDS}")
        return cls(
            name=name,
            settings=resolve(settings),
            layers=layers,
            title=title,
            synthetic=synthetic,
            sources=sources,
            timetable=timetable,
            rasters=rasters,
            inputs=inputs if inputs is not None else {},
            progress=progress,
            snap_column=snap_column,
        )

    def subset(self, area: shapely.Geometry, /, *, halo_m: float, name: str | None = None) -> Study:
        """Return a sub-study: the features within ``halo_m`` of ``area`` (whole features).

        Homes just outside ``area`` still reach targets (and the network) in the halo, so a
        computation on the sub-study gives the homes inside ``area`` the distances of a run on
        the whole study area, as long as ``halo_m`` is at least the longest distance searched.
        The timetable and rasters are shared; the network is built from the clipped layer on
        first use. ``area`` is kept as :attr:`area` (the part whose homes the sub-study reports).

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import Point, box
        >>> homes = gpd.GeoDataFrame({"dwellings": [1.0, 1.0, 1.0]},
        ...     geometry=[Point(5, 5), Point(150, 5), Point(900, 5)], crs=25832)
        >>> part = Study.from_layers({"homes": homes}).subset(box(0, 0, 100, 100), halo_m=100)
        >>> part.layer("homes").geometry.x.tolist()
        [5.0, 150.0]
        """
        if not math.isfinite(halo_m) or not 0 <= halo_m <= DISTANCE_M_MAX:
            raise ValueError(f"halo_m must be a distance from 0 to {DISTANCE_M_MAX:g} m")
        if area is None or area.is_empty:
            raise ValueError("subset needs a non-empty area polygon")
        reach = area.buffer(halo_m) if halo_m > 0 else area
        layers = {}
        for kind in self.kinds:
            gdf = self.layer(kind)
            keep = shapely.intersects(reach, gdf.geometry.values)
            part = gdf.loc[keep]
            part.attrs = dict(gdf.attrs)
            layers[kind] = part
        rasters = {k: r for k in RASTER_KINDS if (r := self.raster(k)) is not None}
        inputs = dict(self.input_hashes())
        inputs["area"] = hashlib.sha256(shapely.to_wkb(area)).hexdigest()
        inputs["halo_m"] = f"{halo_m:g}"
        return Study(
            name=name or f"{self.name}:part",
            settings=self.settings,
            layers=layers,
            title=self.title,
            synthetic=self.synthetic,
            sources=self.sources,
            timetable=self.timetable(),
            rasters=rasters,
            inputs=inputs,
            area=area,
            progress=self.progress,
        )

    # ------------------------------------------------------------------ metadata
    @property
    def name(self) -> str:
        """Short name of the study area."""
        return self._name

    @property
    def title(self) -> str:
        """Human title (falls back to the name)."""
        return self._title or self._name

    @property
    def synthetic(self) -> bool:
        """Whether the data is synthetic (demo); shown on every map and report."""
        return self._synthetic

    @property
    def sources(self) -> list[SourceSpec]:
        """Data sources with licences (shown on maps and reports)."""
        return list(self._sources)

    @property
    def catalogue(self) -> Catalogue | None:
        """The catalogue the study was opened from (None for layers in memory)."""
        return self._catalogue

    @property
    def path(self) -> Path | None:
        """The catalogue file (None for layers in memory)."""
        return None if self._catalogue is None else self._catalogue.path

    @property
    def missing(self) -> list[MissingSpec]:
        """Layers a fetch could not get (the catalogue's ``missing:`` section)."""
        return [] if self._catalogue is None else self._catalogue.missing

    @property
    def kinds(self) -> list[str]:
        """Layer kinds present, in the catalogue's order."""
        return self._catalogue.kinds if self._catalogue is not None else list(self._layers)

    def has(self, kind: str) -> bool:
        """Whether the study has a layer of ``kind``."""
        return kind in self.kinds

    def __repr__(self) -> str:
        where = f"catalogue={str(self.path)!r}" if self.path else f"layers={self.kinds}"
        return f"Study({self.name!r}, {where})"

    # ------------------------------------------------------------------ data
    def layer(self, kind: str) -> gpd.GeoDataFrame:
        """Return the canonical layer ``kind`` (read once; each call returns a copy)."""
        if self._catalogue is not None:
            return self._catalogue.layer(kind)
        if kind not in self._layers:
            raise CatalogueError(
                f"Study {self.name!r} has no {kind!r} layer; it has {self.kinds}. Add it to the "
                "layers the study is made of."
            )
        gdf = self._layers[kind]
        out = gdf.copy()
        out.attrs = dict(gdf.attrs)
        return out

    def layers(self, kinds: Iterable[str] | None = None) -> dict[str, gpd.GeoDataFrame]:
        """Return ``{kind: GeoDataFrame}`` of every layer (or of those of ``kinds`` present)."""
        wanted = self.kinds if kinds is None else [k for k in kinds if self.has(k)]
        cat = self._catalogue
        if cat is not None and not all(cat.is_loaded(k) for k in wanted):
            self.progress(f"Leser lag fra {cat.path.name}")
        return {k: self.layer(k) for k in wanted}

    @property
    def has_network(self) -> bool:
        """Whether the study has a ``walk_network`` layer to build its network from."""
        return self.has("walk_network")

    @property
    def network(self) -> WalkNetwork:
        """The walk network, built from the ``walk_network`` layer on first use (once)."""
        if self._network is None:
            if not self.has_network:
                what = f"Catalogue {self.path.name!r}" if self.path else f"Study {self.name!r}"
                raise CatalogueError(
                    f"{what} has no walk_network layer; add one (the demo and the OSM fetcher "
                    "provide it)."
                )
            walk = self.layer("walk_network")
            self.progress(f"Bygger gangnettet ({len(walk)} segmenter)")
            if self._snap_column is None:
                self._network = WalkNetwork.from_edges(walk, settings=self.settings)
            else:
                self._network = WalkNetwork.from_edges(
                    walk, settings=self.settings, snap_column=self._snap_column
                )
            self.access_cache.bind(self._network)
        return self._network

    @property
    def has_timetable(self) -> bool:
        """Whether the study has a timetable (catalogued feeds, or one given in memory)."""
        if self._catalogue is not None:
            return self._catalogue.has_timetable
        return self._timetable is not None

    def timetable(self) -> Timetable | None:
        """Return the study area's timetable (feeds merged; read once), or None without one."""
        if not self._timetable_read:
            assert self._catalogue is not None
            self._timetable = self._read_timetable(self._catalogue)
            self._timetable_read = True
        return self._timetable

    def _read_timetable(self, cat: Catalogue) -> Timetable | None:
        if cat.model.timetables is None:
            return None
        self.progress("Leser rutetabellen")
        parts = []
        for feed, path in zip(cat.model.timetables.feeds, cat.timetable_paths(), strict=True):
            layer = self.layer(feed.stop_places) if feed.stop_places else None
            try:
                parts.append(read_timetable(path, format=feed.format, stop_places=layer))
            except TimetableError as exc:
                raise TimetableError(f"Catalogue {cat.path.name!r}: {exc}") from None
        return merge_timetables(parts)

    def service_levels(self) -> gpd.GeoDataFrame | None:
        """Stop places with frequency measures (:func:`arealanalyse.transit.service_levels`).

        Computed once with the study's settings; None without a timetable.
        """
        if self._service is None:
            tt = self.timetable()
            if tt is None:
                return None
            self._service = service_levels(tt, settings=self.settings)
        out = self._service.copy()
        out.attrs = dict(self._service.attrs)
        return out

    def raster(self, kind: str) -> Raster | None:
        """Return the raster ``kind`` (``dem``, ``noise``) in the working CRS, or None."""
        if kind not in RASTER_KINDS:
            raise ValueError(f"unknown raster kind {kind!r}; use one of {RASTER_KINDS}")
        if kind not in self._rasters:
            path = self._catalogue.raster_path(kind) if self._catalogue is not None else None
            self._rasters[kind] = (
                read_raster(path, name=kind, settings=self.settings) if path is not None else None
            )
        return self._rasters[kind]

    # ------------------------------------------------------------------ provenance
    def input_files(self) -> dict[str, Path]:
        """``{label: path}`` of the files the study is read from, for manifests.

        The catalogue, the layers' sources, the rasters and the timetable feeds (folders are
        left out).
        """
        if self._catalogue is None:
            return {}
        out = self._catalogue.input_files()
        for path in self._catalogue.timetable_paths():
            if path.is_file():
                out[f"timetable:{path.name}"] = path
        return out

    def input_hashes(self) -> dict[str, str]:
        """``{label: sha256}`` of :meth:`input_files` (computed once).

        A file shared by several layers is hashed once.
        """
        if self._inputs is None:
            hashed: dict[Path, str] = {}
            out = {}
            for label, path in self.input_files().items():
                if path not in hashed:
                    hashed[path] = sha256_file(path)
                out[label] = hashed[path]
            self._inputs = out
        return dict(self._inputs)

    # ------------------------------------------------------------------ checks
    def check(self) -> list[dict[str, Any]]:
        """Load every layer, the walk network, the timetable and the rasters; one row each.

        Errors are collected, not raised: a row has ``ok`` False and the one-line ``error``.
        The ``walk_network`` row carries the built graph's :func:`network_facts`.
        """
        if self._catalogue is None:
            raise CatalogueError(f"Study {self.name!r} has no catalogue to check.")
        rows = self._catalogue.check_layers()
        for row in rows:
            if row["kind"] == "walk_network" and row["ok"]:
                try:
                    row["network"] = network_facts(self.network)
                except ArealanalyseError as exc:
                    row.clear()
                    row.update({"kind": "walk_network", "ok": False, "error": str(exc)})
        if self.has_timetable:
            rows.append(self._timetable_row())
        return rows + self._catalogue.check_rasters()

    def _timetable_row(self) -> dict[str, Any]:
        assert self._catalogue is not None and self._catalogue.model.timetables is not None
        try:
            tt = self.timetable()
            assert tt is not None
            day, _ = tt.resolve_day(self.settings.transit.date)
            n = int(tt.departures_per_day().get(day, 0))
        except ArealanalyseError as exc:
            return {"kind": "timetable", "ok": False, "error": str(exc)}
        return {
            "kind": "timetable",
            "ok": True,
            "features": len(tt.stop_places),
            "repaired": 0,
            "dropped": 0,
            "weight": f"departures={n:,} on {day_to_date(day)}",
            "source": ", ".join(f.path for f in self._catalogue.model.timetables.feeds),
            "error": "",
        }

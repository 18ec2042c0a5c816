"""Layer catalogues: one YAML file per study area saying where each layer comes from.

A catalogue is validated strictly (unknown keys are errors, with a suggestion) before anything is
read. Paths are relative to the catalogue file. Layers are read lazily and cached per
:class:`Catalogue` object. See ``docs/layers.md`` for the format.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "ru250m.csv").write_text("ru250m;pop_tot\\n22365006629250;6\\n")
>>> _ = (d / "area.yaml").write_text(
...     "schema_version: 1\\nname: tiny\\nlayers:\\n  homes: {path: ru250m.csv}\\n")
>>> cat = load_catalogue(d / "area.yaml")
>>> cat.kinds, int(cat.layer("homes")["population"].sum())
(['homes'], 6)
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeAlias

import geopandas as gpd
import shapely
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pyproj import CRS
from pyproj.exceptions import CRSError

from arealanalyse.errors import ArealanalyseError, CatalogueError, CrsError
from arealanalyse.filters import check_filter
from arealanalyse.layers.osm import OSM_KINDS, clip_polygon_lonlat, osm_extract
from arealanalyse.layers.overlap import check_overlap
from arealanalyse.layers.rasterinfo import raster_info
from arealanalyse.layers.readers import check_encoding, detect_format, read_layer
from arealanalyse.layers.schema import KINDS, RASTER_KINDS
from arealanalyse.layers.validate import load_report
from arealanalyse.limits import (
    DISTANCE_M_MAX,
    MAX_SCALE_DISTORTION,
    crs_distortion,
    working_crs_problem,
)
from arealanalyse.settings import Settings, check_service_date
from arealanalyse.yamlfiles import load_model

__all__ = [
    "Catalogue",
    "CatalogueModel",
    "LayerSpec",
    "MissingSpec",
    "SourceLike",
    "SourceSpec",
    "TimetablesSpec",
    "load_catalogue",
]


def _parse_crs(value: str) -> None:
    try:
        CRS.from_user_input(value)
    except (CRSError, TypeError, ValueError):
        raise ValueError(f"{value!r} is not a CRS pyproj knows; write it like EPSG:25832") from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ClipSpec(_Strict):
    """Keep only features near another layer of the catalogue, or in a box (whole features).

    An OpenStreetMap file is cut while it is read, so a county or country file yields a
    kommune's layers in bounded memory and time.
    """

    to: str = Field("boundary", description="Kind of the catalogue layer to clip to.")
    tolerance_m: float = Field(
        0.0, ge=0, le=DISTANCE_M_MAX, description="Buffer around the clip area, in metres."
    )
    bbox: tuple[float, float, float, float] | None = Field(
        None, description="A box [min_x, min_y, max_x, max_y] to clip to instead of a layer."
    )
    bbox_crs: str = Field("EPSG:4326", description="CRS of bbox (lon/lat degrees by default).")

    @model_validator(mode="after")
    def _box_or_layer(self) -> ClipSpec:
        if self.bbox is not None:
            if "to" in self.model_fields_set:
                raise ValueError("clip takes either 'to' (a layer) or 'bbox', not both")
            x0, y0, x1, y1 = self.bbox
            if not all(math.isfinite(v) for v in self.bbox) or not (x0 < x1 and y0 < y1):
                raise ValueError(
                    f"clip.bbox {list(self.bbox)} must be [min_x, min_y, max_x, max_y] with "
                    "min < max"
                )
        return self

    @property
    def layer(self) -> str | None:
        """The catalogue layer clipped to, or None for a box."""
        return None if self.bbox is not None else self.to


class LayerSpec(_Strict):
    """Where one canonical layer comes from and how its columns map."""

    path: str = Field(description="Source file, relative to the catalogue.")
    layer: str | None = Field(None, description="Layer inside a multi-layer file.")
    # mirrors readers.FORMATS (a test checks they agree)
    format: Literal["auto", "vector", "csv", "gtfs", "netex", "ssb_grid", "sosi", "osm"] = "auto"
    columns: dict[str, str] = Field(default_factory=dict, description="canonical: source column")
    values: dict[str, Any] = Field(default_factory=dict, description="canonical: constant value")
    where: str | None = Field(
        None, description="Attribute filter in the filter language (arealanalyse.filters)."
    )
    crs: str | None = Field(None, description="CRS of a source that has none (CSV).")
    encoding: str | None = Field(
        None, description="Text encoding of the source when not UTF-8: latin-1 or cp1252."
    )
    x: str | None = None
    y: str | None = None
    clip: ClipSpec | None = None
    description: str = ""

    @field_validator("where")
    @classmethod
    def _where_parses(cls, v: str | None) -> str | None:
        return check_filter(v)

    @field_validator("crs")
    @classmethod
    def _crs_parses(cls, v: str | None) -> str | None:
        if v is not None:
            _parse_crs(v)
        return v

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, v: str | None) -> str | None:
        return None if v is None else check_encoding(v)


class RasterSpec(_Strict):
    """A raster layer (GeoTIFF or anything rasterio reads)."""

    path: str
    description: str = ""


class FeedSpec(_Strict):
    """One timetable feed (GTFS zip/folder, or NeTEx zip/folder/XML)."""

    path: str = Field(description="Feed file or folder, relative to the catalogue.")
    format: Literal["auto", "gtfs", "netex"] = "auto"
    stop_places: str | None = Field(
        None,
        description="Catalogue layer kind (e.g. transit) whose nsr_id gives NeTEx stop places "
        "their coordinates.",
    )
    description: str = ""


class TimetablesSpec(_Strict):
    """The study area's timetables: departures per stop place drive the frequency measures."""

    feeds: list[FeedSpec] = Field(min_length=1, description="One or more feeds, merged.")
    date: str | None = Field(
        None, description="Service date YYYY-MM-DD; default the representative weekday."
    )

    @field_validator("date")
    @classmethod
    def _is_date(cls, v: str | None) -> str | None:
        return check_service_date(v)


class SourceSpec(_Strict):
    """A data source with its licence and attribution, shown on maps and reports."""

    name: str
    licence: str
    attribution: str = ""
    url: str = ""


#: A data source as maps and reports take it: a catalogue's entry, a mapping of the same keys
#: (``name``, ``licence``, ``attribution``, ``url``) or a line of text.
SourceLike: TypeAlias = SourceSpec | Mapping[str, str] | str


class MissingSpec(_Strict):
    """A layer the catalogue lacks, why, and how to supply it by hand (written by ``fetch``)."""

    layer: str = Field(description="Canonical kind the gap affects (e.g. farmland, homes).")
    step: str = Field("", description="The fetch step that did not deliver it.")
    service: str = Field("", description="Service or file the step depends on.")
    reason: str = Field(description="Why it is missing (the one-line error).")
    supply: str = Field("", description="How to supply it by hand.")
    status: Literal["failed", "skipped", "not_available"] = Field(
        "failed",
        description="failed: the step was tried and failed; skipped: left out on request; "
        "not_available: no open service provides it (e.g. the kommuneplan).",
    )


class CatalogueModel(_Strict):
    """The YAML schema of a layer catalogue."""

    schema_version: Literal[1]
    name: str
    title: str = ""
    kommunenummer: str | None = None
    synthetic: bool = False
    crs: str = "EPSG:25832"
    description: str = ""
    sources: list[SourceSpec] = Field(default_factory=list)
    layers: dict[str, LayerSpec]
    rasters: dict[str, RasterSpec] = Field(default_factory=dict)
    missing: list[MissingSpec] = Field(default_factory=list)
    timetables: TimetablesSpec | None = None

    @field_validator("crs")
    @classmethod
    def _working_crs(cls, v: str) -> str:
        problem = working_crs_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("layers")
    @classmethod
    def _known_kinds(cls, v: dict[str, LayerSpec]) -> dict[str, LayerSpec]:
        unknown = sorted(set(v) - set(KINDS))
        if unknown:
            k = unknown[0]
            close = difflib.get_close_matches(k, list(KINDS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use one of {sorted(KINDS)}"
            raise ValueError(f"unknown layer kind {k!r}; {hint}")
        return v

    @field_validator("rasters")
    @classmethod
    def _known_rasters(cls, v: dict[str, RasterSpec]) -> dict[str, RasterSpec]:
        unknown = sorted(set(v) - set(RASTER_KINDS))
        if unknown:
            raise ValueError(
                f"unknown raster kind {unknown[0]!r}; use one of {sorted(RASTER_KINDS)}"
            )
        return v


class Catalogue:
    """A loaded, validated layer catalogue. Layers are read on first use and cached."""

    def __init__(self, model: CatalogueModel, path: Path, *, settings: Settings | None = None):
        self.model = model
        self.path = path
        self.root = path.parent
        if settings is None:
            settings = Settings(crs=model.crs)
            if model.timetables is not None and model.timetables.date is not None:
                transit = settings.transit.model_copy(update={"date": model.timetables.date})
                settings = settings.model_copy(update={"transit": transit})
        self.settings = settings
        self._cache: dict[str, gpd.GeoDataFrame] = {}
        for feed in model.timetables.feeds if model.timetables else []:
            if feed.stop_places is not None and feed.stop_places not in model.layers:
                raise CatalogueError(
                    f"Catalogue {path.name!r}: timetables.feeds.stop_places refers to "
                    f"{feed.stop_places!r}, which is not a layer of this catalogue; add it or "
                    "remove the reference."
                )
        for kind, spec in model.layers.items():
            if spec.clip is not None and spec.clip.layer is None:
                continue
            if spec.clip is not None and spec.clip.to not in model.layers:
                raise CatalogueError(
                    f"Catalogue {path.name!r}: layers.{kind}.clip.to refers to {spec.clip.to!r}, "
                    "which is not a layer of this catalogue; add it or remove the clip."
                )
            if spec.clip is not None and spec.clip.to == kind:
                raise CatalogueError(
                    f"Catalogue {path.name!r}: layers.{kind}.clip.to cannot be the layer itself."
                )
        for kind in model.layers:  # a clip chain must end: a -> b -> a would never finish
            chain = [kind]
            spec = model.layers[kind]
            while spec.clip is not None and spec.clip.layer is not None:  # a bbox ends it
                nxt = spec.clip.layer
                if nxt in chain:
                    cycle = " -> ".join([*chain[chain.index(nxt) :], nxt])
                    raise CatalogueError(
                        f"Catalogue {path.name!r}: layers clip to each other in a cycle "
                        f"({cycle}); remove one of those clip entries."
                    )
                chain.append(nxt)
                spec = model.layers[nxt]

    # --- metadata -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """Short name of the study area."""
        return self.model.name

    @property
    def title(self) -> str:
        """Human title (falls back to the name)."""
        return self.model.title or self.model.name

    @property
    def synthetic(self) -> bool:
        """Whether the data is synthetic (demo); shown on every map and report."""
        return self.model.synthetic

    @property
    def sources(self) -> list[SourceSpec]:
        """Data sources with licences."""
        return list(self.model.sources)

    @property
    def missing(self) -> list[MissingSpec]:
        """Layers a fetch could not get, with the reason and how to supply them."""
        return list(self.model.missing)

    @property
    def kinds(self) -> list[str]:
        """Layer kinds present, in the catalogue's order."""
        return list(self.model.layers)

    def source_path(self, kind: str) -> Path:
        """Absolute path of a layer's source file."""
        return (self.root / self.model.layers[kind].path).resolve()

    def timetable_paths(self) -> list[Path]:
        """Absolute paths of the timetable feeds (empty when the catalogue has none)."""
        feeds = self.model.timetables.feeds if self.model.timetables else []
        return [(self.root / f.path).resolve() for f in feeds]

    def raster_path(self, kind: str) -> Path | None:
        """Absolute path of a raster (``dem``, ``noise``) or ``None`` when not catalogued."""
        spec = self.model.rasters.get(kind)
        return (self.root / spec.path).resolve() if spec else None

    def input_files(self) -> dict[str, Path]:
        """``{label: path}`` of the files a run on this catalogue reads (for manifests)."""
        out = {f"catalogue:{self.path.name}": self.path}
        for kind in self.kinds:
            src = self.source_path(kind)
            if src.is_file():
                out[f"layer:{kind}:{src.name}"] = src
        for kind in self.model.rasters:
            rp = self.raster_path(kind)
            if rp is not None and rp.is_file():
                out[f"raster:{kind}:{rp.name}"] = rp
        return out

    # --- data -----------------------------------------------------------------------------
    def has(self, kind: str) -> bool:
        """Whether the catalogue has a layer of ``kind``."""
        return kind in self.model.layers

    def is_loaded(self, kind: str) -> bool:
        """Whether the layer ``kind`` was read already (the next :meth:`layer` is cheap)."""
        return kind in self._cache

    def layer(self, kind: str) -> gpd.GeoDataFrame:
        """Return the canonical layer ``kind`` (a copy; the cache is never exposed)."""
        if kind not in self.model.layers:
            raise CatalogueError(
                f"Catalogue {self.path.name!r} has no {kind!r} layer; it has {self.kinds}. "
                f"Add layers.{kind} to the catalogue."
            )
        if kind not in self._cache:
            spec = self.model.layers[kind]
            clip = self._clip_area(spec.clip)
            self._prefetch_osm(kind, clip)
            self._cache[kind] = read_layer(
                self.source_path(kind),
                kind,
                name=f"{self.name}:{kind}",
                layer=spec.layer,
                format=spec.format,
                columns=spec.columns,
                values=spec.values,
                where=spec.where,
                crs=spec.crs,
                x=spec.x,
                y=spec.y,
                clip=clip,
                clip_tolerance_m=spec.clip.tolerance_m if spec.clip else 0.0,
                settings=self.settings,
                **({"encoding": spec.encoding} if spec.encoding else {}),
            )
            self._check_distortion(kind, self._cache[kind])
            if kind != "boundary" and spec.clip is None and "boundary" in self.model.layers:
                self._check_meets_boundary(kind)
        out = self._cache[kind].copy()
        out.attrs = dict(self._cache[kind].attrs)
        return out

    def _check_meets_boundary(self, kind: str) -> None:
        """Raise when a layer has nothing within reach of the study area (wrong CRS or file)."""
        area = shapely.union_all(self.layer("boundary").geometry.values)
        check_overlap(
            self._cache[kind],
            area,
            name=f"{self.name}:{kind}",
            area_name="the catalogue's boundary",
            tolerance_m=self.settings.max_search_m,
        )

    def _check_distortion(self, kind: str, gdf: gpd.GeoDataFrame) -> None:
        """Refuse a working CRS whose scale distortion over the layer passes 1 %."""
        if gdf.empty:
            return
        d = crs_distortion(self.settings.crs, gdf.total_bounds)
        if not d < MAX_SCALE_DISTORTION:
            shown = "not finite" if not math.isfinite(d) else f"{100 * d:.2f} %"
            del self._cache[kind]
            raise CrsError(
                f"Catalogue {self.path.name!r}: the working CRS {self.settings.crs} distorts "
                f"distances by {shown} over layer {kind!r} (at most "
                f"{100 * MAX_SCALE_DISTORTION:g} % is allowed); set crs: to the UTM zone of "
                "the study area, e.g. EPSG:25832 (UTM 32N) or EPSG:25833 (UTM 33N)."
            )

    def _clip_area(self, clip: ClipSpec | None) -> gpd.GeoDataFrame | gpd.GeoSeries | None:
        if clip is None:
            return None
        if clip.bbox is not None:
            return gpd.GeoSeries([shapely.box(*clip.bbox)], crs=clip.bbox_crs)
        return self.layer(clip.to)

    def _is_osm(self, kind: str) -> bool:
        spec = self.model.layers[kind]
        path = self.source_path(kind)
        return spec.format == "osm" or (
            spec.format == "auto" and path.exists() and detect_format(path) == "osm"
        )

    def _prefetch_osm(self, kind: str, clip: gpd.GeoDataFrame | gpd.GeoSeries | None) -> None:
        """Read every kind the catalogue takes from the same OSM file (and clip) in one pass."""
        if not self._is_osm(kind):
            return

        spec = self.model.layers[kind]
        group = [
            k
            for k, other in self.model.layers.items()
            if k in OSM_KINDS
            and k not in self._cache
            and other.clip == spec.clip
            and self.source_path(k) == self.source_path(kind)
            and self._is_osm(k)
        ]
        if len(group) < 2:
            return
        area = None
        if clip is not None and spec.clip is not None:
            area = clip_polygon_lonlat(
                clip, buffer_m=spec.clip.tolerance_m, settings=self.settings,
                name=f"{self.name}:{kind}",
            )  # fmt: skip
        osm_extract(self.source_path(kind), kinds=group, clip=area)

    @property
    def has_timetable(self) -> bool:
        """Whether the catalogue names timetable feeds."""
        return self.model.timetables is not None

    def load_all(self) -> dict[str, gpd.GeoDataFrame]:
        """Load every layer; returns ``{kind: GeoDataFrame}``."""
        return {k: self.layer(k) for k in self.kinds}

    def check_layers(self) -> list[dict[str, Any]]:
        """Load every layer; return one status row each (errors are collected, not raised).

        The study's check (:meth:`arealanalyse.study.Study.check`) adds the walk network, the
        timetable and the rasters.
        """
        rows: list[dict[str, Any]] = []
        for kind in self.kinds:
            try:
                gdf = self.layer(kind)
            except ArealanalyseError as exc:
                rows.append({"kind": kind, "ok": False, "error": str(exc)})
                continue
            rep = load_report(gdf)
            weight = None
            for w in KINDS[kind].weight:
                if w in gdf:
                    weight = f"{w}={gdf[w].sum():,.0f}"
                    break
            row: dict[str, Any] = {
                "kind": kind,
                "ok": True,
                "features": len(gdf),
                "repaired": rep.get("repaired", 0),
                "dropped": rep.get("dropped", 0),
                "weight": weight or "",
                "source": self.model.layers[kind].path,
                "error": "",
            }
            for key in ("dropped_by_reason", "repaired_by_reason", "clipped_out"):
                if rep.get(key):
                    row[key] = rep[key]
            if (
                rep.get("dropped")
                and not rep.get("dropped_by_reason")
                and rep.get("dropped_reason")
            ):
                row["dropped_by_reason"] = {rep["dropped_reason"]: rep["dropped"]}
            rows.append(row)
        return rows

    def check_rasters(self) -> list[dict[str, Any]]:
        """Read every raster's header and range; one status row each (errors are collected)."""
        rows: list[dict[str, Any]] = []
        for kind in self.model.rasters:
            path = self.raster_path(kind)
            assert path is not None
            try:
                info = raster_info(path, name=f"{self.name}:{kind}")
            except ArealanalyseError as exc:
                rows.append({"kind": kind, "ok": False, "error": str(exc)})
                continue
            rows.append(
                {
                    "kind": kind,
                    "ok": True,
                    "features": info["width"] * info["height"],
                    "repaired": 0,
                    "dropped": 0,
                    "weight": f"min={info['min']:.1f} max={info['max']:.1f}",
                    "source": self.model.rasters[kind].path,
                    "error": "",
                }
            )
        return rows


def load_catalogue(path: str | Path, /, *, settings: Settings | None = None) -> Catalogue:
    """Read and validate a layer catalogue; nothing is loaded until a layer is asked for."""
    p = Path(path)
    model = load_model(p, CatalogueModel, error=CatalogueError, what=f"Catalogue {p.name!r}")
    return Catalogue(model, p.resolve(), settings=settings)

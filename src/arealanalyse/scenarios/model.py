"""Scenario files: the strict pydantic schema (reading the files is :mod:`.load`).

A scenario file is YAML validated with pydantic v2 (``extra="forbid"`` everywhere, so a misspelled
key is an error that suggests the closest valid key). Paths inside a file are relative to that file.
``extends:`` names a parent file (usually ``baseline.yaml``) whose content the file builds on; see
:func:`~arealanalyse.scenarios.load.merge_raw` for the rules and ``docs/scenarios.md`` for every
key.

Validation happens in two cheap stages before any heavy work:

1. :func:`~arealanalyse.scenarios.load.load_scenario` checks each file of the ``extends`` chain on
   its own (keys, types, land uses, arealformål codes, BRA >= 0, referenced files exist, no
   cycle), then the merged result (unique site ids, phasing years inside the period, a catalogue
   is named), and reads every geometry file the scenario names and the inputs' hashes: after
   loading, nothing reads a file again and :mod:`~arealanalyse.scenarios.apply` only transforms.
2. :func:`arealanalyse.scenarios.place.resolve_sites` checks the scenario against the study area
   (named areas, transit nodes, sites inside the boundary, no overlapping sites).

Every problem is one line ``<file>: <key path>: <problem>; <fix>``, raised as
:class:`ScenarioValidationError` (a :class:`~arealanalyse.errors.ScenarioError`) whose
``problems`` attribute lists them all.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, ClassVar, Literal

import geopandas as gpd
import numpy as np
import shapely
import shapely.geometry
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from arealanalyse.errors import ScenarioError
from arealanalyse.layers.codes import AREALFORMAL, GREEN_TYPES, SERVICE_CATEGORIES, TransitMode
from arealanalyse.limits import (
    BRA_M2_MAX,
    DISTANCE_M_MAX,
    DWELLINGS_MAX,
    JOBS_PER_1000M2_MAX,
    YEAR_MAX,
    YEAR_MIN,
)
from arealanalyse.scenarios.jobs import USES

__all__ = [
    "FrequencyChange",
    "GreenAdd",
    "GreenChanges",
    "Located",
    "NewLine",
    "Period",
    "Rezone",
    "Scenario",
    "ScenarioValidationError",
    "ServiceAdd",
    "ServiceChanges",
    "Site",
    "TransitChanges",
    "parse_geometry",
]


class ScenarioValidationError(ScenarioError):
    """One or more problems in a scenario; ``problems`` lists each as one line."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        more = len(self.problems) - 1
        tail = (
            f" (and {more} more; 'arealanalyse scenario validate FILE' lists all)" if more else ""
        )
        super().__init__(self.problems[0] + tail)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


def _suggest(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_geometry(value: str | dict[str, Any]) -> shapely.Geometry:
    """Parse a WKT string or a GeoJSON geometry/Feature dict into a shapely geometry.

    Examples
    --------
    >>> parse_geometry("POINT (1 2)").wkt
    'POINT (1 2)'
    >>> parse_geometry({"type": "Point", "coordinates": [1, 2]}).wkt
    'POINT (1 2)'
    """
    if isinstance(value, dict):
        obj = value.get("geometry", value) if value.get("type") == "Feature" else value
        return shapely.geometry.shape(obj)
    return shapely.from_wkt(value)


class Located(_Strict):
    """Something placed by exactly one of ``area``, ``geometry`` or ``file``."""

    area: str | None = Field(None, description="A named area of the study area's areas layer.")
    geometry: str | dict[str, Any] | None = Field(
        None, description="WKT or GeoJSON geometry in the scenario's crs."
    )
    file: str | None = Field(None, description="A vector file (relative to this scenario file).")

    POLYGONAL: ClassVar[bool] = True

    _shapes: gpd.GeoSeries | None = PrivateAttr(None)

    @property
    def file_shapes(self) -> gpd.GeoSeries | None:
        """The geometries read from ``file`` (in the file's CRS) when the scenario was loaded.

        None for entries placed by ``area`` or ``geometry``, and for a ``file`` entry of a
        scenario built in memory that :func:`read_located_files` has not read yet.
        """
        return self._shapes

    @field_validator("geometry")
    @classmethod
    def _geometry_parses(cls, v: str | dict[str, Any] | None) -> str | dict[str, Any] | None:
        if v is None:
            return v
        example = "'POLYGON ((x y, ...))'" if cls.POLYGONAL else "'POINT (x y)'"
        try:
            geom = parse_geometry(v)
        except Exception as exc:  # shapely/GEOS raise several types
            raise ValueError(
                f"not a valid WKT or GeoJSON geometry ({type(exc).__name__}); write e.g. "
                f"{example} in the scenario's crs (EPSG:25832 metres)"
            ) from None
        if geom.is_empty:
            raise ValueError("the geometry is empty; give coordinates")
        if not np.all(np.isfinite(shapely.get_coordinates(geom))):
            raise ValueError("the geometry has coordinates that are not finite numbers; fix them")
        if cls.POLYGONAL and geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"must be a Polygon or MultiPolygon, not a {geom.geom_type}")
        if not geom.is_valid:
            raise ValueError(
                f"the polygon is invalid ({shapely.is_valid_reason(geom)}); fix its rings"
            )
        return v

    @model_validator(mode="after")
    def _one_location(self) -> Located:
        given = [k for k in ("area", "geometry", "file") if getattr(self, k) is not None]
        if len(given) != 1:
            what = "none" if not given else " and ".join(given)
            raise ValueError(f"give exactly one of area, geometry or file (got {what})")
        return self


class Site(Located):
    """A development site: new floor space (BRA) of one use, and/or new dwellings."""

    id: str = Field(min_length=1, description="Unique id, e.g. 'lysaker-1'.")
    name: str = ""
    use: str = Field(
        description="kontor, handel, volumhandel, industri_lager, bolig, blandet, offentlig."
    )
    bra_m2: float = Field(description="Gross floor area (BRA) in m².")
    dwellings: int = Field(0, le=DWELLINGS_MAX, description="New dwellings on the site.")
    year: int | None = Field(
        None,
        ge=YEAR_MIN,
        le=YEAR_MAX,
        description="Phasing year (must lie inside the period).",
    )
    footprint_m2: float | None = Field(
        None,
        gt=0,
        le=BRA_M2_MAX,
        description="For area sites: a footprint of this size nearest the node.",
    )

    @field_validator("use", mode="before")
    @classmethod
    def _known_use(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.strip().lower().replace("/", "_").replace("-", "_").replace(" ", "_")
            if v not in USES:
                raise ValueError(
                    f"unknown land use {v!r}{_suggest(v, list(USES))}; use one of "
                    + ", ".join(USES)
                )
        return v

    @field_validator("bra_m2")
    @classmethod
    def _bra_positive(cls, v: float) -> float:
        if v < 0:
            raise ValueError(
                f"negative BRA ({v:g} m²); give the gross floor area as a number >= 0 "
                "(a loss of floor space is a rezone entry)"
            )
        if v > BRA_M2_MAX:
            raise ValueError(
                f"BRA of {v:,.0f} m² is not plausible for one site (at most {BRA_M2_MAX:,.0f} "
                "m²); check the number (m², not mm² or a typo) or split the site"
            )
        return v

    @field_validator("dwellings")
    @classmethod
    def _dwellings_positive(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"negative dwellings ({v}); give a number >= 0")
        return v

    @model_validator(mode="after")
    def _footprint_needs_area(self) -> Site:
        if self.footprint_m2 is not None and self.area is None:
            raise ValueError("footprint_m2 only applies to sites given by area; remove it")
        return self


class Rezone(Located):
    """Change the arealformål of zoning polygons within an area (e.g. næring → bolig)."""

    id: str | None = None
    from_: int = Field(alias="from", description="SOSI arealformål code before.")
    to: int = Field(description="SOSI arealformål code after.")
    dwellings: int = Field(
        0, ge=0, le=DWELLINGS_MAX, description="New dwellings the rezoning makes room for."
    )

    @field_validator("from_", "to")
    @classmethod
    def _known_code(cls, v: int) -> int:
        if v not in AREALFORMAL:
            near = difflib.get_close_matches(str(v), [str(c) for c in AREALFORMAL], n=3)
            hint = f" (close: {', '.join(near)})" if near else ""
            raise ValueError(
                f"unknown SOSI arealformål code {v}{hint}; use a code from the SOSI "
                "KpArealformål/RpArealformål list, e.g. 1300 næring, 1110 bolig"
            )
        return v


def _check_hours(v: tuple[str, str]) -> tuple[str, str]:
    from arealanalyse.transit.timetable import parse_clock

    start, end = parse_clock(v[0]), parse_clock(v[1])  # ValueError says how to write a time
    if end <= start:
        raise ValueError(f"hours {v[0]}-{v[1]} end before they start; swap them")
    return v


class NewLine(_Strict):
    """A new transit line (e.g. Fornebubanen): stops by name, a headway, service hours."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$", description="Line id.")
    name: str = Field("", description="Public name, e.g. 'Fornebubanen'.")
    mode: TransitMode
    stops: list[str] = Field(
        min_length=2, description="Names of transit-layer nodes (existing or planned), in order."
    )
    headway_min: float = Field(gt=0, le=240, description="Minutes between departures each way.")
    hours: tuple[str, str] = Field(("05:30", "24:30"), description="First and last departure.")
    minutes_between_stops: float | None = Field(
        None, gt=0, description="Running time per stop gap (default: from distance and speed)."
    )
    weekdays_only: bool = False

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: tuple[str, str]) -> tuple[str, str]:
        return _check_hours(v)


class FrequencyChange(_Strict):
    """A new headway for an existing route of the timetable, in a period of the day."""

    route: str = Field(min_length=1, description="route_id or public line name, e.g. '150'.")
    headway_min: float = Field(gt=0, le=240, description="Minutes between departures each way.")
    hours: tuple[str, str] = Field(("06:00", "20:00"), description="Period the headway applies.")

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: tuple[str, str]) -> tuple[str, str]:
        return _check_hours(v)


class TransitChanges(_Strict):
    """Transit nodes that open (planned → existing) or close, new lines and new headways.

    ``lines`` and ``frequency`` change the study area's timetable (a catalogue with
    ``timetables``); the frequency classes, knutepunkter and frequency-based ABC classes follow.
    Nodes a new line serves open with it.
    """

    open: list[str] = Field(default_factory=list)
    close: list[str] = Field(default_factory=list)
    lines: list[NewLine] = Field(default_factory=list)
    frequency: list[FrequencyChange] = Field(default_factory=list)


class GreenAdd(Located):
    """A new green area."""

    name: str = ""
    green_type: str = "park"

    @field_validator("green_type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        if v not in GREEN_TYPES:
            raise ValueError(
                f"unknown green_type {v!r}{_suggest(v, list(GREEN_TYPES))}; use one of "
                + ", ".join(GREEN_TYPES)
            )
        return v


class GreenChanges(_Strict):
    """Green areas added, or removed by name."""

    add: list[GreenAdd] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class ServiceAdd(Located):
    """A new service point (a polygon or named area becomes its representative point)."""

    POLYGONAL: ClassVar[bool] = False

    name: str = ""
    category: str

    @field_validator("category")
    @classmethod
    def _known_category(cls, v: str) -> str:
        if v not in SERVICE_CATEGORIES:
            raise ValueError(
                f"unknown service category {v!r}{_suggest(v, list(SERVICE_CATEGORIES))}; use "
                "one of " + ", ".join(SERVICE_CATEGORIES)
            )
        return v


class ServiceChanges(_Strict):
    """Services added, or removed by name."""

    add: list[ServiceAdd] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class Period(_Strict):
    """The plan period, both years included."""

    start: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    end: int = Field(ge=YEAR_MIN, le=YEAR_MAX)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start}); swap them")
        return self

    @property
    def years(self) -> int:
        """Number of years, both ends included (2026-2040 is 15 years)."""
        return self.end - self.start + 1


class Abc(_Strict):
    """ABC location classes by network distance to rail/metro (overrides the settings)."""

    a_max_m: float = Field(gt=0, le=DISTANCE_M_MAX)
    b_max_m: float = Field(gt=0, le=DISTANCE_M_MAX)

    @model_validator(mode="after")
    def _ordered(self) -> Abc:
        if self.b_max_m < self.a_max_m:
            raise ValueError("b_max_m must be >= a_max_m; swap them")
        return self


class Scenario(_Strict):
    """A scenario file (after ``extends`` is resolved, the whole scenario)."""

    schema_version: Literal[1]
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = ""
    description: str = ""
    extends: str | None = None
    catalogue: str | None = None
    crs: str = "EPSG:25832"
    period: Period | None = None
    jobs_per_1000m2: dict[str, float] = Field(default_factory=dict)
    abc: Abc | None = None
    sites: list[Site] = Field(default_factory=list)
    rezone: list[Rezone] = Field(default_factory=list)
    transit: TransitChanges = Field(default_factory=TransitChanges)
    green: GreenChanges = Field(default_factory=GreenChanges)
    services: ServiceChanges = Field(default_factory=ServiceChanges)

    _path: Path | None = PrivateAttr(None)
    _chain: list[Path] = PrivateAttr(default_factory=list)
    _origins: dict[tuple[str, str, int], tuple[Path, int]] = PrivateAttr(default_factory=dict)
    _inputs: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("jobs_per_1000m2")
    @classmethod
    def _known_uses(cls, v: dict[str, float]) -> dict[str, float]:
        for use, value in v.items():
            if use not in USES:
                raise ValueError(
                    f"unknown land use {use!r}{_suggest(use, list(USES))}; use one of "
                    + ", ".join(USES)
                )
            if not 0 <= value <= JOBS_PER_1000M2_MAX:
                raise ValueError(
                    f"jobs per 1,000 m² for {use!r} is {value:g}; give a number from 0 to "
                    f"{JOBS_PER_1000M2_MAX:g} (offices have 40-60)"
                )
        return v

    @field_validator("crs")
    @classmethod
    def _crs_parses(cls, v: str) -> str:
        from pyproj import CRS
        from pyproj.exceptions import CRSError

        try:
            CRS.from_user_input(v)
        except CRSError:
            raise ValueError(f"unknown CRS {v!r}; write it like EPSG:25832") from None
        return v

    # --- provenance ----------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The scenario file this was loaded from (the leaf of the ``extends`` chain)."""
        return self._path

    @property
    def chain(self) -> list[Path]:
        """Files of the ``extends`` chain, from the leaf to the root baseline."""
        return list(self._chain)

    @property
    def inputs(self) -> dict[str, str]:
        """``{label: sha256}`` of the files the scenario was read from, hashed on loading.

        The files are its ``extends`` chain and the geometry files it names.
        """
        return dict(self._inputs)

    def located(self) -> list[tuple[str, str, Located]]:
        """Every entry placed by area, geometry or file: ``(section, where, entry)``.

        ``section`` is ``sites``, ``rezone``, ``green.add`` or ``services.add``; ``where`` is
        ``'<file>: section[i]'``, naming the file and position of the entry.
        """
        label = self._path.name if self._path else self.name
        out: list[tuple[str, str, Located]] = [
            ("sites", self.origin("sites", i), site) for i, site in enumerate(self.sites)
        ]
        out += [("rezone", f"{label}: rezone[{i}]", rz) for i, rz in enumerate(self.rezone)]
        for section, items in (("green.add", self.green.add), ("services.add", self.services.add)):
            out += [(section, f"{label}: {section}[{i}]", item) for i, item in enumerate(items)]
        return out

    def origin(self, section: str, index: int) -> str:
        """``'<file>: section[i]'`` naming the file and position where an entry was declared."""
        items = getattr(self, section)
        fallback = (self._path or Path("?"), index)
        key = getattr(items[index], "id", None)
        if key is None:
            file, idx = fallback
        else:
            nth = sum(1 for item in items[:index] if getattr(item, "id", None) == key)
            file, idx = self._origins.get((section, str(key), nth), fallback)
        return f"{file.name}: {section}[{idx}]"

    def to_yaml(self, *, relative_to: Path | None = None) -> str:
        """Return the resolved scenario as YAML, paths relative to ``relative_to``.

        Examples
        --------
        >>> s = Scenario(schema_version=1, name="x", sites=[])
        >>> print(s.to_yaml().splitlines()[0])
        schema_version: 1
        """
        base = relative_to or (self._path.parent if self._path else None)
        data = self.model_dump(mode="json", by_alias=True, exclude={"extends"})

        def rel(p: str | None) -> str | None:
            if p is None or base is None:
                return p
            return Path(os.path.relpath(p, base)).as_posix()

        data["catalogue"] = rel(data.get("catalogue"))
        for section in (
            data["sites"],
            data["rezone"],
            data["green"]["add"],
            data["services"]["add"],
        ):
            for item in section:
                if item.get("file"):
                    item["file"] = rel(item["file"])
        order = list(Scenario.model_fields)
        ordered = {(Scenario.model_fields[k].alias or k): data[k] for k in order if k in data}
        return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)

"""Scenario files: the strict pydantic schema, loading with ``extends`` and validation.

A scenario file is YAML validated with pydantic v2 (``extra="forbid"`` everywhere, so a misspelled
key is an error that suggests the closest valid key). Paths inside a file are relative to that file.
``extends:`` names a parent file (usually ``baseline.yaml``) whose content the file builds on; see
:func:`merge_raw` for the rules and ``docs/scenarios.md`` for every key.

Validation happens in two cheap stages before any heavy work:

1. :func:`load_scenario` checks each file of the ``extends`` chain on its own (keys, types, land
   uses, arealformål codes, BRA >= 0, referenced files exist, no cycle), then the merged result
   (unique site ids, phasing years inside the period, a catalogue is named), and reads every
   geometry file the scenario names (:func:`read_located_files`) and the inputs' hashes: after
   loading, nothing reads a file again and :mod:`~arealanalyse.scenarios.apply` only transforms.
2. :func:`arealanalyse.scenarios.apply.resolve_sites` checks the scenario against the study area
   (named areas, transit nodes, sites inside the boundary, no overlapping sites).

Every problem is one line ``<file>: <key path>: <problem>; <fix>``, raised as
:class:`ScenarioValidationError` (a :class:`~arealanalyse.errors.ScenarioError`) whose
``problems`` attribute lists them all.
"""

from __future__ import annotations

import copy
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
    ValidationError,
    field_validator,
    model_validator,
)

from arealanalyse.errors import ArealanalyseError, ScenarioError
from arealanalyse.io import sha256_file
from arealanalyse.layers.codes import AREALFORMAL, GREEN_TYPES, SERVICE_CATEGORIES
from arealanalyse.layers.readers import read_source
from arealanalyse.limits import (
    BRA_M2_MAX,
    DISTANCE_M_MAX,
    DWELLINGS_MAX,
    JOBS_PER_1000M2_MAX,
    YEAR_MAX,
    YEAR_MIN,
)
from arealanalyse.scenarios.jobs import USES
from arealanalyse.scenarios.messages import format_error
from arealanalyse.yamlfiles import read_yaml

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
    "load_scenario",
    "merge_raw",
    "parse_geometry",
    "read_located_files",
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
    mode: Literal["rail", "metro", "tram", "bus", "ferry"]
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


# --- loading ------------------------------------------------------------------------------

_PATH_KEYS = (("sites",), ("rezone",), ("green", "add"), ("services", "add"))

#: Manifest label of a geometry file, by the section that names it.
_FILE_LABELS = {
    "sites": "site_file",
    "rezone": "rezone_file",
    "green.add": "green_file",
    "services.add": "service_file",
}


def _errors(exc: ValidationError, label: str) -> list[str]:
    return [format_error(e, label, root=Scenario) for e in exc.errors()]


def _absolutize(raw: dict[str, Any], base: Path, label: str, problems: list[str]) -> None:
    """Turn relative paths in ``raw`` into absolute ones; record missing files."""
    cat = raw.get("catalogue")
    if isinstance(cat, str):
        p = (base / cat).resolve()
        if not p.is_file():
            problems.append(
                f"{label}: catalogue: file {cat!r} does not exist (looked in {base}); fix the "
                "path (relative to the scenario file)"
            )
        raw["catalogue"] = str(p)
    for keys in _PATH_KEYS:
        section: Any = raw
        for k in keys:
            section = section.get(k) if isinstance(section, dict) else None
        if not isinstance(section, list):
            continue
        for i, item in enumerate(section):
            if isinstance(item, dict) and isinstance(item.get("file"), str):
                p = (base / item["file"]).resolve()
                if not p.exists():
                    problems.append(
                        f"{label}: {'.'.join(keys)}[{i}].file: file {item['file']!r} does not "
                        f"exist (looked in {base}); fix the path (relative to the scenario file)"
                    )
                item["file"] = str(p)


def _item_id(item: Any) -> str | None:
    """Return the ``id`` of a list entry as text (None when absent or not a plain value)."""
    key = item.get("id") if isinstance(item, dict) else None
    return str(key) if isinstance(key, str | int | float) and key != "" else None


def _merge_by_id(parent: list[Any], child: list[Any]) -> list[Any]:
    out = list(parent)
    index = {_item_id(item): i for i, item in enumerate(out) if _item_id(item) is not None}
    for item in child:
        key = _item_id(item)
        if key is not None and key in index:
            out[index[key]] = item
        else:
            out.append(item)
    return out


def merge_raw(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Merge a child scenario onto its parent (the ``extends`` rules).

    * ``name``, ``title`` and ``description`` are the child's own (never inherited).
    * Mappings merge key by key (``period``, ``jobs_per_1000m2``, ``abc``, ``transit``, ...).
    * ``sites`` and ``rezone`` merge by ``id``: a child entry with a parent's id replaces it,
      others are appended.
    * Other lists (``transit.open``, ``green.add``, ...) are concatenated, parent first.
    * Any other value in the child replaces the parent's.

    Examples
    --------
    >>> p = {"name": "base", "title": "B", "sites": [{"id": "a", "bra_m2": 1}],
    ...      "transit": {"open": ["X"]}}
    >>> c = {"name": "c", "sites": [{"id": "a", "bra_m2": 2}, {"id": "b", "bra_m2": 3}],
    ...      "transit": {"open": ["Y"]}}
    >>> m = merge_raw(p, c)
    >>> m["name"], "title" in m, m["sites"], m["transit"]
    ('c', False, [{'id': 'a', 'bra_m2': 2}, {'id': 'b', 'bra_m2': 3}], {'open': ['X', 'Y']})
    """
    out = {k: copy.deepcopy(v) for k, v in parent.items() if k not in ("title", "description")}
    for key, value in child.items():
        if key == "extends":
            continue
        old = out.get(key)
        if key in ("sites", "rezone") and isinstance(old, list) and isinstance(value, list):
            out[key] = _merge_by_id(old, copy.deepcopy(value))
        elif isinstance(old, dict) and isinstance(value, dict):
            out[key] = merge_raw(old, value) if key != "jobs_per_1000m2" else {**old, **value}
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + copy.deepcopy(value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _load_chain(
    path: Path, seen: list[Path], problems: list[str]
) -> tuple[dict[str, Any] | None, list[Path], dict[tuple[str, str, int], tuple[Path, int]]]:
    path = path.resolve()
    if path in seen:
        cycle = " -> ".join(p.name for p in [*seen, path])
        problems.append(
            f"{seen[-1].name}: extends: cycle {cycle}; remove the extends that points back"
        )
        return None, [], {}
    label = path.name
    raw = read_yaml(path, error=ScenarioError, what="Scenario file")
    n_before = len(problems)
    try:
        Scenario.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_errors(exc, label))
    _absolutize(raw, path.parent, label, problems)
    origins: dict[tuple[str, str, int], tuple[Path, int]] = {}
    for section in ("sites", "rezone"):
        seen_ids: dict[str, int] = {}
        items = raw.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get("id") is not None:
                key = str(item["id"])
                nth = seen_ids.get(key, 0)
                seen_ids[key] = nth + 1
                origins[(section, key, nth)] = (path, i)
    parent_ref = raw.get("extends")
    if not isinstance(parent_ref, str):
        return (raw if len(problems) == n_before else None), [path], origins
    parent_path = (path.parent / parent_ref).resolve()
    if not parent_path.is_file() and parent_path not in seen:
        problems.append(
            f"{label}: extends: file {parent_ref!r} does not exist (looked in {path.parent}); "
            "fix the path (relative to the scenario file)"
        )
        return None, [path], origins
    parent_raw, chain, parent_origins = _load_chain(parent_path, [*seen, path], problems)
    if parent_raw is None or len(problems) > n_before:
        return None, [path, *chain], origins
    return merge_raw(parent_raw, raw), [path, *chain], {**parent_origins, **origins}


def load_scenario(path: str | os.PathLike[str], /) -> Scenario:
    """Load a scenario file, resolve ``extends`` and validate it (no layer is read).

    Raises
    ------
    ScenarioValidationError
        With one line per problem: file, key path, problem and fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cat.yaml").write_text("# a layer catalogue\\n")
    >>> _ = (d / "base.yaml").write_text("schema_version: 1\\nname: base\\ncatalogue: cat.yaml\\n"
    ...                                  "period: {start: 2026, end: 2040}\\n")
    >>> _ = (d / "a.yaml").write_text("schema_version: 1\\nname: a\\nextends: base.yaml\\n"
    ...     "sites:\\n  - {id: s1, use: kontor, bra_m2: 1000, geometry: "
    ...     "'POLYGON ((0 0, 10 0, 10 10, 0 0))'}\\n")
    >>> s = load_scenario(d / "a.yaml")
    >>> s.name, s.period.years, s.sites[0].bra_m2, [p.name for p in s.chain]
    ('a', 15, 1000.0, ['a.yaml', 'base.yaml'])
    >>> _ = (d / "bad.yaml").write_text("schema_version: 1\\nname: bad\\nsites:\\n"
    ...     "  - {id: s1, use: kontor, bra_m2: 10, are: Lysaker}\\n")
    >>> load_scenario(d / "bad.yaml")
    Traceback (most recent call last):
    ...
    arealanalyse.scenarios.model.ScenarioValidationError: bad.yaml: sites[0].are: unknown key ...
    """
    p = Path(path)
    problems: list[str] = []
    raw, chain, origins = _load_chain(p, [], problems)
    if problems or raw is None:
        raise ScenarioValidationError(problems or [f"{p.name}: could not be loaded"])
    label = f"{p.name} (after extends)" if len(chain) > 1 else p.name
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioValidationError(_errors(exc, label)) from None
    scenario._path = p.resolve()
    scenario._chain = chain
    scenario._origins = origins
    problems = check_merged(scenario, label)
    if problems:
        raise ScenarioValidationError(problems)
    problems = read_located_files(scenario)
    if problems:
        raise ScenarioValidationError(problems)
    inputs = {f"scenario:{f.name}": sha256_file(f) for f in chain}
    for section, _, item in scenario.located():
        if item.file is not None and Path(item.file).is_file():
            inputs[f"{_FILE_LABELS[section]}:{Path(item.file).name}"] = sha256_file(item.file)
    scenario._inputs = inputs
    return scenario


def read_located_files(scenario: Scenario, /) -> list[str]:
    """Read the geometry files a scenario's entries name (``file:``); one line per problem.

    Each file's features are kept in its own CRS (:attr:`Located.file_shapes`); a file without
    a CRS is a problem. Entries read before are not read again.
    """
    problems: list[str] = []
    for _, where, item in scenario.located():
        if item.file is None or item._shapes is not None:
            continue
        label = f"{where}.file"
        try:
            gdf = read_source(Path(item.file), name=label)
        except ArealanalyseError as exc:
            problems.append(f"{label}: {exc}")
            continue
        if gdf.crs is None:
            problems.append(
                f"{label}: file {Path(item.file).name!r} has no CRS; save it with one (EPSG:25832)"
            )
            continue
        item._shapes = gdf.geometry
    return problems


def check_merged(s: Scenario, label: str) -> list[str]:
    """Check a whole scenario (after ``extends``); return one line per problem."""
    problems: list[str] = []
    if s.catalogue is None:
        problems.append(
            f"{label}: catalogue: no layer catalogue named; add 'catalogue: "
            "../layers/<area>.yaml' to the baseline (or this file)"
        )
    seen: dict[str, int] = {}
    for i, site in enumerate(s.sites):
        if site.id in seen:
            problems.append(
                f"{s.origin('sites', i)}.id: duplicate site id {site.id!r} (also "
                f"sites[{seen[site.id]}]); give each site its own id"
            )
        seen[site.id] = i
        if (
            site.year is not None
            and s.period is not None
            and not (s.period.start <= site.year <= s.period.end)
        ):
            problems.append(
                f"{s.origin('sites', i)}.year: {site.year} is outside the period "
                f"{s.period.start}-{s.period.end}; move it inside or widen the period"
            )
        if site.use == "bolig" and site.bra_m2 > 0 and site.dwellings == 0:
            problems.append(
                f"{s.origin('sites', i)}.dwellings: a bolig site needs dwellings; add dwellings: N"
            )
    rez_ids = [r.id for r in s.rezone if r.id is not None]
    dupes = sorted({r for r in rez_ids if rez_ids.count(r) > 1})
    if dupes:
        problems.append(f"{label}: rezone: duplicate ids {dupes}; give each rezoning its own id")
    return problems

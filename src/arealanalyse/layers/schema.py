"""Canonical layer kinds: the schema every source is normalised to.

Each :class:`LayerKind` says which geometry types it accepts, which columns it has (with types,
defaults and code lists) and which columns are derived on load. ``docs/layers.md`` is generated
from these objects, so the documentation cannot drift from the code::

    >>> from arealanalyse.layers.schema import KINDS
    >>> sorted(KINDS)[:4]
    ['ar5', 'areas', 'barriers', 'boundary']
    >>> KINDS["farmland"].required_columns
    ('arealtype',)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from arealanalyse.layers import codes

__all__ = ["KINDS", "RASTER_KINDS", "Column", "LayerKind", "describe_kind"]

Dtype = Literal["str", "int", "float"]
GeomFamily = Literal["polygon", "point", "line", "point_or_polygon"]


@dataclass(frozen=True)
class Column:
    """One canonical column."""

    name: str
    dtype: Dtype
    description: str
    required: bool = False
    default: Any = None
    codes: Mapping[Any, Any] | None = None
    derived: bool = False


@dataclass(frozen=True)
class LayerKind:
    """A canonical layer kind."""

    name: str
    description: str
    geometry: GeomFamily
    columns: tuple[Column, ...]
    weight: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns a source must provide (directly or through a mapping)."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        """All canonical column names, in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


_STATUS = {"existing": "eksisterende", "planned": "planlagt"}
_AREA_DAA = Column("area_daa", "float", "Area in dekar (1 daa = 1,000 m²), computed.", derived=True)

KINDS: dict[str, LayerKind] = {
    k.name: k
    for k in (
        LayerKind(
            "boundary",
            "Study area or municipality outline.",
            "polygon",
            (
                Column("kommunenummer", "str", "Four-digit municipality number, e.g. 3201."),
                Column("name", "str", "Name, e.g. Bærum.", default=""),
            ),
        ),
        LayerKind(
            "zoning",
            "Land-use plan areas (kommuneplanens arealdel or reguleringsplan) by SOSI arealformål.",
            "polygon",
            (
                Column(
                    "arealformal",
                    "int",
                    "SOSI arealformål code.",
                    required=True,
                    codes=codes.AREALFORMAL,
                ),
                Column(
                    "status",
                    "str",
                    "existing (nåværende) or planned (framtidig).",
                    default="existing",
                    codes=_STATUS,
                ),
                Column("plan_id", "str", "Plan identifier (planidentifikasjon).", default=""),
                Column("name", "str", "Area name or field label.", default=""),
                Column("arealformal_navn", "str", "Name of the code, derived.", derived=True),
                Column(
                    "category",
                    "str",
                    "Coarse category (bolig, naering, ...), derived.",
                    derived=True,
                    codes=codes.AREALFORMAL_CATEGORIES,
                ),
                _AREA_DAA,
            ),
        ),
        LayerKind(
            "farmland",
            "AR5 farmland (jordbruksareal): classes 21, 22 and 23; other AR5 classes are dropped.",
            "polygon",
            (
                Column(
                    "arealtype", "int", "AR5 arealtype code.", required=True, codes=codes.AR5_ARTYPE
                ),
                Column("arealtype_navn", "str", "Name of the AR5 class, derived.", derived=True),
                _AREA_DAA,
            ),
            notes=(
                "Rows of AR5 classes other than 21/22/23 are valid AR5 but not farmland: they "
                "are dropped and counted in the load report.",
            ),
        ),
        LayerKind(
            "green",
            "Green areas open to the public: parks, forest (Marka), friluftsområder.",
            "polygon",
            (
                Column(
                    "green_type",
                    "str",
                    "Type of green area.",
                    default="other",
                    codes=codes.GREEN_TYPES,
                ),
                Column("name", "str", "Name.", default=""),
                _AREA_DAA,
            ),
        ),
        LayerKind(
            "homes",
            "Where people live: building points/polygons with dwellings, or population-grid cells.",
            "point_or_polygon",
            (
                Column("dwellings", "float", "Number of dwellings (boliger)."),
                Column("population", "float", "Number of residents."),
                Column("source", "str", "building, grid or osm_estimate.", default="building"),
            ),
            weight=("dwellings", "population"),
            notes=(
                "At least one of dwellings or population must be given; the other is "
                "derived with Settings.persons_per_dwelling and the load report says so.",
            ),
        ),
        LayerKind(
            "services",
            "Service points in a fixed category vocabulary; polygons become representative points.",
            "point",
            (
                Column(
                    "category",
                    "str",
                    "Service category.",
                    required=True,
                    codes=codes.SERVICE_CATEGORIES,
                ),
                Column("name", "str", "Name.", default=""),
            ),
        ),
        LayerKind(
            "transit",
            "Transit stops and stations (knutepunkter).",
            "point",
            (
                Column("name", "str", "Stop name.", required=True),
                Column(
                    "mode",
                    "str",
                    "rail, metro, tram, bus or ferry.",
                    required=True,
                    codes=codes.TRANSIT_MODES,
                ),
                Column(
                    "nsr_id", "str", "National stop register id (NSR:StopPlace:...).", default=""
                ),
                Column("departures_per_hour", "float", "Departures per hour (optional)."),
                Column("status", "str", "existing or planned.", default="existing", codes=_STATUS),
            ),
        ),
        LayerKind(
            "roads",
            "Roads, including the E18 corridor (ref = 'E18').",
            "line",
            (
                Column(
                    "road_class", "str", "motorway, trunk, primary, ... (OSM highway).", default=""
                ),
                Column("ref", "str", "Road number, e.g. E18, E16, Fv168.", default=""),
                Column("name", "str", "Name.", default=""),
            ),
        ),
        LayerKind(
            "barriers",
            "Lines a pedestrian cannot cross on the level: motorways, trunk roads and railways, "
            "without their bridges and tunnels. Entries into green areas never cross them.",
            "line",
            (
                Column(
                    "barrier_type",
                    "str",
                    "What the barrier is.",
                    default="other",
                    codes=codes.BARRIER_TYPES,
                ),
                Column("name", "str", "Name or road number.", default=""),
            ),
        ),
        LayerKind(
            "walk_network",
            "Walkable street and path segments; the graph is built from their endpoints.",
            "line",
            (
                Column("highway", "str", "Segment type (footway, residential, ...).", default=""),
                Column(
                    "level",
                    "str",
                    "Vertical level: lines on different levels never join where they cross "
                    "(OSM layer, or +1 on a bridge and -1 in a tunnel; map SOSI VERTNIV or "
                    "Elveg/NVDB medium for other sources).",
                    default="0",
                ),
                Column("length_m", "float", "Length in metres, computed.", derived=True),
            ),
        ),
        LayerKind(
            "areas",
            "Named strategic areas (E18 corridor business areas, business parks, centres, nodes) "
            "that scenarios and rules refer to by name.",
            "polygon",
            (
                Column("name", "str", "Unique area name, e.g. 'Ramstadsletta'.", required=True),
                Column(
                    "area_type",
                    "str",
                    "Kind of strategic area.",
                    required=True,
                    codes=codes.AREA_TYPES,
                ),
                _AREA_DAA,
            ),
        ),
        LayerKind(
            "workplaces",
            "Workplaces: buildings or sites with jobs and business floor space (BRA).",
            "point_or_polygon",
            (
                Column("jobs", "float", "Number of jobs (arbeidsplasser)."),
                Column("bra_m2", "float", "Gross floor area (BRA) in m².", default=0.0),
                Column(
                    "use",
                    "str",
                    "Business use (kontor, handel, industri_lager, ...).",
                    default="blandet",
                ),
            ),
            weight=("jobs",),
        ),
        LayerKind(
            "ar5",
            "AR5 arealressurskart with full coverage: every arealtype (NIBIO's AR5 "
            "klassifikasjonssystem), for the arealregnskap.",
            "polygon",
            (
                Column(
                    "arealtype", "int", "AR5 arealtype code.", required=True, codes=codes.AR5_ARTYPE
                ),
                Column("arealtype_navn", "str", "Name of the AR5 class, derived.", derived=True),
                _AREA_DAA,
            ),
            notes=(
                "Unlike `farmland`, no class is dropped. AR5 is a planar partition: overlaps "
                "larger than `Settings.overlap_tolerance_m2` are an error in the arealregnskap.",
            ),
        ),
        LayerKind(
            "buildings",
            "Building footprints (FKB-Bygning, OSM building=*) or points (matrikkelen); they "
            "decide what land is built in the arealregnskap.",
            "point_or_polygon",
            (
                Column(
                    "building_type",
                    "str",
                    "Building type: FKB bygningstype code or OSM building value.",
                    default="",
                ),
                Column("source", "str", "fkb, osm, matrikkel, ...", default=""),
            ),
        ),
        LayerKind(
            "cultivable_land",
            "Dyrkbar jord (NIBIO's Dyrkbar jord): land that can be cultivated to fulldyrka jord.",
            "polygon",
            (_AREA_DAA,),
        ),
        LayerKind(
            "nature_types",
            "Naturtyper (Miljødirektoratets instruks or DN-håndbok 13).",
            "polygon",
            (
                Column("nature_type", "str", "Name or code of the naturtype.", default=""),
                Column(
                    "value",
                    "str",
                    "Value class (lokalitetskvalitet, or A/B/C in DN-håndbok 13).",
                    default="",
                ),
                Column("name", "str", "Locality name.", default=""),
                _AREA_DAA,
            ),
        ),
        LayerKind(
            "sea",
            "Sea surface (sjø); land within Settings.strandsone_m of it is the strandsone "
            "(PBL § 1-8, the 100-metre belt along the sea).",
            "polygon",
            (_AREA_DAA,),
        ),
        LayerKind(
            "hazard_zones",
            "Hazard zones: NVE flom- and skredfaresoner, kvikkleiresoner, stormflo.",
            "polygon",
            (
                Column(
                    "hazard_type",
                    "str",
                    "Kind of hazard.",
                    required=True,
                    codes=codes.HAZARD_TYPES,
                ),
                Column("name", "str", "Zone name or id.", default=""),
                _AREA_DAA,
            ),
        ),
        LayerKind(
            "recreation_areas",
            "Friluftsområder (Miljødirektoratet's kartlagte friluftslivsområder).",
            "polygon",
            (
                Column("name", "str", "Area name.", default=""),
                Column(
                    "value", "str", "Value (svært viktig, viktig, registrert, ...).", default=""
                ),
                _AREA_DAA,
            ),
        ),
    )
}

#: Raster kinds: GeoTIFF (or anything rasterio reads) with one band.
RASTER_KINDS: dict[str, str] = {
    "dem": "Terrain height in metres (DEM/DTM).",
    "noise": "Road and rail noise, Lden in dB (T-1442 red zone >= 65 dB).",
}


def describe_kind(kind: str) -> str:
    """Return a Markdown description of a layer kind's schema.

    Examples
    --------
    >>> print(describe_kind("boundary").splitlines()[0])
    ### `boundary`
    """
    k = KINDS[kind]
    lines = [f"### `{k.name}`", "", k.description, "", f"Geometry: {k.geometry}.", ""]
    lines += ["| column | type | required | description |", "|---|---|---|---|"]
    for c in k.columns:
        req = "yes" if c.required else ("derived" if c.derived else "no")
        desc = c.description
        if c.codes is not None and len(c.codes) <= 15:
            desc += " Codes: " + ", ".join(f"`{v}`" for v in c.codes) + "."
        lines.append(f"| `{c.name}` | {c.dtype} | {req} | {desc} |")
    for note in k.notes:
        lines += ["", note]
    return "\n".join(lines) + "\n"

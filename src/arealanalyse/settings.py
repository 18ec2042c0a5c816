"""Run settings: one frozen object passed explicitly, never global state.

Every function that needs a parameter takes ``settings: Settings | None = None`` and resolves it at
call time with :func:`resolve`. Override per run with :meth:`Settings.model_copy` or by building
a new object::

    >>> from arealanalyse.settings import Settings
    >>> s = Settings()
    >>> s.walk_distance_m(5)
    400.0
    >>> Settings(walk_speed_kmh=6.0).walk_distance_m(5)
    500.0
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "DEFAULT_DWELLINGS_PER_DAA",
    "TRANSIT_PRESETS",
    "Settings",
    "TransitSettings",
    "check_service_date",
    "resolve",
]

#: Dwellings per daa of unbuilt land, by SOSI arealformål code (Bærum-like densities; set your
#: own per plan in Settings.reserve_dwellings_per_daa or with `arealregnskap --density`).
DEFAULT_DWELLINGS_PER_DAA: dict[int, float] = {
    1110: 2.0,  # boligbebyggelse (unspecified): mostly småhus
    1111: 1.0,  # frittliggende småhusbebyggelse
    1112: 3.0,  # konsentrert småhusbebyggelse
    1113: 8.0,  # blokkbebyggelse
    1130: 5.0,  # sentrumsformål: half housing, half business at ~10 homes/daa
    1800: 4.0,  # kombinert bebyggelse og anleggsformål
    1801: 4.0,  # bolig/forretning
    1802: 4.0,  # bolig/tjenesteyting
    1803: 4.0,  # bolig/forretning/kontor
}


def check_service_date(value: str | None) -> str | None:
    """Return a service date ``YYYY-MM-DD`` unchanged (None too); raise ValueError otherwise.

    Examples
    --------
    >>> check_service_date("2026-03-02"), check_service_date(None)
    ('2026-03-02', None)
    """
    if value is not None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD") from None
    return value


def _minutes(hhmm: str) -> int:
    """Minutes after midnight of ``'HH:MM'`` (hours may pass 24 for windows past midnight)."""
    h, _, m = hhmm.partition(":")
    if not (h.isdigit() and m.isdigit() and len(m) == 2 and int(m) < 60):
        raise ValueError(f"{hhmm!r} is not a time HH:MM; write e.g. '07:00'")
    return int(h) * 60 + int(m)


#: Swiss ARE (2022) station categories, as GOAT configures them (``station_config`` in
#: plan4better/goat ``apps/core/src/core/schemas/oev_gueteklasse.py``): row i applies to a mean
#: headway below ``oev_headway_bands_min[i]``; values are the category (1 = I ... 7 = VII) of a
#: station whose best transport group is A, B or C.
_ARE_CATEGORIES: tuple[dict[str, int], ...] = (
    {"A": 1, "B": 1, "C": 2},
    {"A": 1, "B": 2, "C": 3},
    {"A": 2, "B": 3, "C": 4},
    {"A": 3, "B": 4, "C": 5},
    {"A": 4, "B": 5, "C": 6},
    {"A": 5, "B": 6, "C": 7},
)
#: Category -> {walking distance (m): class}; beyond the largest distance the category gives no
#: class (GOAT's ``classification``, with its class numbers 1-6 written as A-F).
_ARE_CLASSES: dict[int, dict[int, str]] = {
    1: {300: "A", 500: "A", 750: "B", 1000: "C"},
    2: {300: "A", 500: "B", 750: "C", 1000: "D"},
    3: {300: "B", 500: "C", 750: "D", 1000: "E"},
    4: {300: "C", 500: "D", 750: "E", 1000: "F"},
    5: {300: "D", 500: "E", 750: "F"},
    6: {300: "E", 500: "F"},
    7: {300: "F"},
}


class TransitSettings(BaseModel):
    """Thresholds of the frequency-based transit measures (see ``docs/transit.md``).

    Three measures, each on its own time window of the service date:

    * ÖV-Güteklassen (Swiss ARE 2022, as implemented by GOAT): station category I-VII from the
      best transport group and the mean headway, then classes A-F by walking distance.
    * Kollektivknutepunkt (miljokommune.no): two or more modes, each with a rush-hour headway of
      at most 10 min (bus), 15 min (bane: metro, tram) or 30 min (train).
    * SDG 11.2.1 with a frequency criterion (GHSCI): only stops with a daytime headway of at most
      ``sdg_max_headway_min`` count.

    Presets: :data:`TRANSIT_PRESETS` (``TransitSettings.preset("goat")``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: str | None = Field(
        None,
        description="Service date YYYY-MM-DD; None = the feed's representative weekday.",
    )
    oev_window: tuple[str, str] = Field(
        ("06:00", "20:00"), description="ÖV-Güteklassen: time window (ARE: weekdays 06-20)."
    )
    oev_groups: dict[str, str] = Field(
        {"rail": "A", "metro": "A", "tram": "B", "bus": "C", "ferry": "C"},
        description="ÖV-Güteklassen: transport group (A best) of each mode; others not counted.",
    )
    oev_headway_bands_min: tuple[float, ...] = Field(
        (5.0, 10.0, 20.0, 40.0, 60.0, 120.0),
        description="ÖV-Güteklassen: upper bounds (exclusive) of the mean-headway bands.",
    )
    oev_categories: tuple[dict[str, int], ...] = Field(
        _ARE_CATEGORIES, description="ÖV-Güteklassen: category per headway band and group."
    )
    oev_classes: dict[int, dict[int, str]] = Field(
        _ARE_CLASSES, description="ÖV-Güteklassen: class per category and walking distance (m)."
    )
    oev_direction_divisor: float = Field(
        2.0,
        gt=0,
        description="ÖV-Güteklassen: departures are divided by this to count one direction.",
    )
    knutepunkt_window: tuple[str, str] = Field(
        ("07:00", "09:00"), description="Knutepunkt test: the rush-hour window."
    )
    knutepunkt_max_headway_min: dict[str, float] = Field(
        {"bus": 10.0, "metro": 15.0, "tram": 15.0, "rail": 30.0},
        description="Knutepunkt test: longest rush-hour headway per mode (miljokommune.no).",
    )
    knutepunkt_min_modes: int = Field(
        2, ge=1, description="Knutepunkt test: modes that must meet their headway."
    )
    knutepunkt_cluster_m: float = Field(
        250.0,
        ge=0,
        description="Stop places closer than this (straight line) form one knutepunkt.",
    )
    sdg_window: tuple[str, str] = Field(
        ("07:00", "19:00"), description="SDG 11.2.1 frequency criterion: daytime window."
    )
    sdg_max_headway_min: float = Field(
        20.0, gt=0, description="SDG 11.2.1: longest daytime headway of a stop that counts."
    )
    abc_basis: Literal["frequency", "distance"] = Field(
        "frequency",
        description="Site ABC class from frequency (when a timetable exists) or distance only.",
    )
    abc_b_max_headway_min: float = Field(
        15.0,
        gt=0,
        description="ABC B: rail/metro/tram stop with at most this rush-hour headway.",
    )

    @field_validator("oev_window", "knutepunkt_window", "sdg_window")
    @classmethod
    def _window(cls, v: tuple[str, str]) -> tuple[str, str]:
        if _minutes(v[1]) <= _minutes(v[0]):
            raise ValueError(f"window {v[0]}-{v[1]} ends before it starts; swap the times")
        return v

    @field_validator("date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        return check_service_date(v)

    @model_validator(mode="after")
    def _tables(self) -> TransitSettings:
        bands = self.oev_headway_bands_min
        if any(b <= a for a, b in itertools.pairwise(bands)):
            raise ValueError("oev_headway_bands_min must increase")
        if len(self.oev_categories) != len(bands):
            raise ValueError("oev_categories needs one row per headway band")
        groups = set(self.oev_groups.values())
        for row in self.oev_categories:
            if set(row) != groups:
                raise ValueError(f"each oev_categories row needs the groups {sorted(groups)}")
            missing = sorted(set(row.values()) - set(self.oev_classes))
            if missing:
                raise ValueError(f"oev_classes has no distances for categories {missing}")
        for cat, table in self.oev_classes.items():
            if not table or any(c not in "ABCDEF" or len(c) != 1 for c in table.values()):
                raise ValueError(f"oev_classes[{cat}] must map distances to classes A-F")
        return self

    def __hash__(self) -> int:  # dict fields: hash the canonical JSON (Settings stays hashable)
        return hash(self.model_dump_json())

    def window_minutes(self, which: Literal["oev", "knutepunkt", "sdg"]) -> tuple[int, int]:
        """Start and end of a measure's window in minutes after midnight.

        Examples
        --------
        >>> TransitSettings().window_minutes("knutepunkt")
        (420, 540)
        """
        w = getattr(self, f"{which}_window")
        return _minutes(w[0]), _minutes(w[1])

    @classmethod
    def preset(cls, name: str, /, **changes: Any) -> TransitSettings:
        """Return the settings of a named preset (:data:`TRANSIT_PRESETS`), with changes.

        Examples
        --------
        >>> TransitSettings.preset("goat").oev_window
        ('07:00', '09:00')
        >>> TransitSettings.preset("ghsci-30").sdg_max_headway_min
        30.0
        """
        if name not in TRANSIT_PRESETS:
            raise ValueError(
                f"unknown transit preset {name!r}; use one of {sorted(TRANSIT_PRESETS)}"
            )
        return cls(**{**TRANSIT_PRESETS[name], **changes})


#: Named presets of :class:`TransitSettings` (documented in ``docs/transit.md``).
TRANSIT_PRESETS: dict[str, dict[str, Any]] = {
    # Swiss ARE (2022): weekday 06-20, groups and tables as GOAT configures them (the default).
    "are": {},
    # GOAT's example request: the morning peak 07-09 instead of the whole day.
    "goat": {"oev_window": ("07:00", "09:00")},
    # GHSCI's lenient SDG 11.2.1 variant: a daytime headway of 30 min or better.
    "ghsci-30": {"sdg_max_headway_min": 30.0},
    # Only the distance to rail/metro decides a site's ABC class (the pre-timetable behaviour).
    "abc-distance": {"abc_basis": "distance"},
}


class Settings(BaseModel):
    """Parameters of an analysis run, with documented defaults.

    Distances are network (walking) distances in metres unless a name says otherwise.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    crs: str = Field(
        "EPSG:25832", description="Working CRS (ETRS89 / UTM 32N for Bærum and Asker)."
    )
    walk_speed_kmh: float = Field(
        4.8, gt=0, description="Walking speed; 4.8 km/h makes 5 min = 400 m."
    )
    service_walk_minutes: float = Field(
        5.0, gt=0, description="The 'short walk' to daily services."
    )
    green_distance_m: float = Field(
        500.0, gt=0, description="Distance to a green area (SSB-style)."
    )
    green_min_area_daa: float = Field(5.0, ge=0, description="Smallest green area that counts.")
    who_green_distance_m: float = Field(300.0, gt=0, description="WHO green space distance.")
    who_green_min_area_ha: float = Field(0.5, ge=0, description="WHO green space minimum size.")
    green_entrance_spacing_m: float = Field(
        50.0, gt=0, description="Spacing of entry points along a green area's boundary."
    )
    green_access_link_m: float = Field(
        150.0,
        ge=0,
        description="Longest access link from the walk network to a green area with no street or "
        "path within green_entrance_spacing_m of its edge (0: no access links).",
    )
    green_merge_gap_m: float = Field(
        0.5,
        ge=0,
        description="Green polygons of one type closer than this (touching, overlapping) are "
        "one green area before the size thresholds apply.",
    )
    bus_distance_m: float = Field(500.0, gt=0, description="SDG 11.2.1: distance to a bus stop.")
    rail_distance_m: float = Field(
        1000.0, gt=0, description="SDG 11.2.1: distance to rail, metro or tram."
    )
    catchment_distances_m: tuple[float, ...] = Field(
        (500.0, 1000.0), description="Catchment radii around each transit node."
    )
    share_distances_m: tuple[float, ...] = Field(
        (400.0, 500.0, 800.0, 1000.0), description="Distances reported by share-within tables."
    )
    max_search_m: float = Field(
        2500.0, gt=0, description="Bound of the shortest-path searches; farther is 'not reached'."
    )
    max_snap_m: float = Field(
        300.0, gt=0, description="Largest access distance from a home to the walk network."
    )
    gravity_beta: float = Field(
        0.0025, ge=0, description="Distance-decay exp(-beta * d) for the gravity measure (per m)."
    )
    persons_per_dwelling: float = Field(
        2.3, gt=0, description="Bærum average household size, to convert people <-> dwellings."
    )
    abc_a_max_m: float = Field(
        600.0, gt=0, description="ABC: A location within this of rail/metro."
    )
    abc_b_max_m: float = Field(
        1000.0, gt=0, description="ABC: B location within this of rail/metro."
    )
    noise_red_lden_db: float = Field(65.0, description="T-1442 red zone, road noise Lden.")
    noise_yellow_lden_db: float = Field(55.0, description="T-1442 yellow zone, road noise Lden.")
    grid_cell_m: float = Field(250.0, gt=0, description="SSB grid cell size for per-cell results.")
    # Arealregnskap (KDD 2023): see docs/arealregnskap.md for where each default comes from.
    building_buffer_existing_m: float = Field(
        30.0,
        ge=0,
        description="Land within this of a building counts as built in existing (nåværende) "
        "plan areas (NINA/Agder: 30 m in kommuneplan areas).",
    )
    building_buffer_planned_m: float = Field(
        10.0,
        ge=0,
        description="The same in planned (framtidig) plan areas (NINA/Agder: 10 m).",
    )
    reserve_min_width_m: float = Field(
        15.0,
        ge=0,
        description="Unbuilt land narrower than this is not reserve (NINA/Agder: -7.5/+7.5 m).",
    )
    reserve_min_area_m2: float = Field(
        250.0, ge=0, description="Unbuilt pieces smaller than this are not reserve (NINA/Agder)."
    )
    strandsone_m: float = Field(
        100.0, gt=0, description="Width of the strandsone along the sea (PBL § 1-8)."
    )
    overlap_tolerance_m2: float = Field(
        1.0,
        ge=0,
        description="Overlaps of plan or AR5 polygons up to this are digitising slivers, "
        "resolved without double counting; larger ones are data errors.",
    )
    dwellings_need_per_year: float = Field(
        600.0, ge=0, le=100_000, description="New homes needed per year (Bærum's housing target)."
    )
    reserve_dwellings_per_daa: dict[int, float] = Field(
        default_factory=lambda: dict(DEFAULT_DWELLINGS_PER_DAA),
        description="Dwellings per daa of unbuilt reserve, by SOSI arealformål code; codes "
        "not listed add no dwellings.",
    )
    reserve_cabins_per_daa: dict[int, float] = Field(
        default_factory=lambda: {1120: 1.0},
        description="Fritidsboliger per daa of unbuilt reserve, by SOSI arealformål code.",
    )
    cabins_need_per_year: float = Field(
        0.0, ge=0, description="New fritidsboliger needed per year (none planned in Bærum)."
    )
    network_merge_tolerance_m: float = Field(
        0.5,
        ge=0,
        le=10.0,
        description="Walk network topology: line ends closer than this become one node, and a "
        "line end this close to another line's interior makes a T-junction (at most 10 m).",
    )
    network_max_dz_m: float = Field(
        2.0,
        gt=0,
        le=100.0,
        description="Walk network topology, 3-D lines (Elveg, NVDB): largest height difference "
        "at which two lines meet; a bridge over a path is kept apart.",
    )
    snap_components: Literal["largest", "all"] = Field(
        "largest",
        description="Which parts of the walk network homes and targets snap to: the largest "
        "connected component, or all (a home may then snap to an isolated piece).",
    )
    transit: TransitSettings = Field(
        default_factory=TransitSettings,
        description="Frequency-based transit measures (ÖV-Güteklassen, knutepunkt, SDG 11.2.1).",
    )

    @field_validator("crs")
    @classmethod
    def _projected_in_metres(cls, v: str) -> str:
        from arealanalyse.limits import working_crs_problem

        problem = working_crs_problem(v)
        if problem:
            raise ValueError(f"working CRS: {problem}")
        return v

    @field_validator("reserve_dwellings_per_daa", "reserve_cabins_per_daa")
    @classmethod
    def _plausible_densities(cls, v: dict[int, float]) -> dict[int, float]:
        for code, density in v.items():
            if not 0 <= density <= 100:  # NaN fails too; the densest blocks are ~30-40 per daa
                raise ValueError(
                    f"density {density!r} for arealformål {code} is not plausible; give 0 to 100 "
                    "dwellings per daa"
                )
        return v

    @property
    def walk_speed_m_s(self) -> float:
        """Walking speed in metres per second."""
        return self.walk_speed_kmh / 3.6

    def walk_distance_m(self, minutes: float) -> float:
        """Distance walked in ``minutes`` at the walking speed, rounded to the centimetre."""
        return round(self.walk_speed_kmh * 1000.0 / 60.0 * minutes, 2)

    @property
    def service_distance_m(self) -> float:
        """The 5-minute walk as a distance (400 m at 4.8 km/h)."""
        return self.walk_distance_m(self.service_walk_minutes)

    @property
    def who_green_min_area_daa(self) -> float:
        """WHO minimum green area in daa (1 ha = 10 daa)."""
        return self.who_green_min_area_ha * 10.0


def resolve(settings: Settings | None) -> Settings:
    """Return ``settings`` or the defaults when it is ``None``."""
    return settings if settings is not None else Settings()

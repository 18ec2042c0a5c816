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

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["DEFAULT_DWELLINGS_PER_DAA", "Settings", "resolve"]

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

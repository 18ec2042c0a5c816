"""The steps of a fetch, what each delivers and from where, and what a fetch returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arealanalyse.fetch import entur, kartverket, ssb
from arealanalyse.fetch import farmland as farmland_fetch
from arealanalyse.fetch import osm as osm_fetch

__all__ = [
    "HOMES_MODES",
    "PARTIAL_EXIT_CODE",
    "STEPS",
    "STEP_INFO",
    "FetchResult",
    "Missing",
    "StepCallback",
    "StepInfo",
]

#: Fetch steps in order (``skip=`` takes any of them except ``boundary``).
STEPS: tuple[str, ...] = (
    "boundary", "walk_network", "services", "green", "roads", "osm_buildings", "ssb_grid",
    "homes", "transit", "farmland", "zoning",
)  # fmt: skip

#: How the ``homes`` layer is made.
HOMES_MODES: tuple[str, ...] = ("osm_ssb", "osm", "ssb")

#: Exit code of ``arealanalyse fetch`` when the catalogue was written but a step failed.
PARTIAL_EXIT_CODE = 4

_OSM_SUPPLY = (
    "download an OpenStreetMap extract that covers the municipality (e.g. Geofabrik's "
    "norway-latest.osm.pbf) and add layers.{layer}: {{path: <file>.osm.pbf, format: osm}} to "
    "the catalogue, or run again later or with --endpoint overpass=<mirror>"
)


@dataclass(frozen=True)
class StepInfo:
    """What a step delivers, from where, and how a planner supplies it by hand."""

    layer: str
    service: str
    supply: str
    source: str | None = None
    endpoint: str | None = None


#: Every step's layer, service, catalogue source key, endpoint key and the manual fallback.
STEP_INFO: dict[str, StepInfo] = {
    "boundary": StepInfo(
        "boundary", kartverket.SERVICE,
        "add layers.boundary: any polygon file of the municipality (e.g. Kartverket's "
        "'Kommuner' from Geonorge), or run again when the service answers",
        "kartverket", "kommuneinfo",
    ),
    **{
        kind: StepInfo(kind, osm_fetch.SERVICE, _OSM_SUPPLY.format(layer=kind), "osm",
                       "overpass")
        for kind in ("walk_network", "services", "green", "roads")
    },
    "osm_buildings": StepInfo(
        "homes", osm_fetch.SERVICE, _OSM_SUPPLY.format(layer="homes"), "osm", "overpass"
    ),
    "ssb_grid": StepInfo(
        "homes", ssb.SERVICE,
        "download 'Befolkning på rutenett 250 m' from Geonorge (GML) or SSB (CSV) and add it "
        "as layers.homes, or point --endpoint ssb_grid=URL at a copy",
        "ssb", "ssb_grid",
    ),
    "homes": StepInfo(
        "homes", "OSM buildings and/or the SSB grid",
        "supply OSM buildings or the SSB grid (see those entries) and run again",
    ),
    "transit": StepInfo(
        "transit", entur.SERVICE,
        "download the county's stop register (storage.googleapis.com/marduk-production/tiamat/"
        "<county>_latest.zip) or a GTFS feed from Entur and add it as layers.transit",
        "entur", "entur_nsr",
    ),
    "farmland": StepInfo(
        "farmland", farmland_fetch.AR50_SERVICE,
        "export FKB-AR5 for the municipality (GML, SOSI, GeoPackage or FileGDB, from the "
        "municipality's FKB or Geonorge with a Norge digitalt login) and run again with "
        "--farmland FILE, or add it as layers.farmland",
        "ar50", "ar50",
    ),
    "zoning": StepInfo(
        "zoning", "kommuneplan file",
        "run again with --plan FILE (SOSI, SOSI-GML, GeoPackage...) or add layers.zoning",
    ),
}  # fmt: skip

StepCallback = Callable[[str, str], None]


@dataclass
class Missing:
    """A layer the run did not get (one entry of the catalogue's ``missing:`` section)."""

    layer: str
    step: str
    service: str
    reason: str
    supply: str
    status: str = "failed"

    def as_dict(self) -> dict[str, str]:
        """Return the catalogue entry."""
        return {
            "layer": self.layer,
            "step": self.step,
            "service": self.service,
            "reason": self.reason,
            "supply": self.supply,
            "status": self.status,
        }


@dataclass
class FetchResult:
    """What :func:`fetch_kommune` did."""

    catalogue: Path
    name: str
    layers: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)
    dwelling_comparison: dict[str, Any] = field(default_factory=dict)
    requests_sent: int = 0
    cache_hits: int = 0

    @property
    def failed(self) -> list[Missing]:
        """Missing layers whose step was tried and failed (or whose input failed)."""
        return [m for m in self.missing if m.status == "failed"]

    @property
    def complete(self) -> bool:
        """True when no step failed (steps skipped on request do not count)."""
        return not self.failed and not self.kept

    @property
    def exit_code(self) -> int:
        """0 when complete, :data:`PARTIAL_EXIT_CODE` otherwise."""
        return 0 if self.complete else PARTIAL_EXIT_CODE

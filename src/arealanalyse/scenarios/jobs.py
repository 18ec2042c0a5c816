"""Land uses of development sites and the jobs each 1,000 m² of BRA holds.

The defaults are planning rules of thumb for floor space per employee (m² BRA per job) used in
Norwegian business-area strategies (næringsarealanalyser): offices ~25 m² per job, shops ~50,
volume retail (bulky goods) ~100, industry/warehousing ~125, public services ~40. They are
approximations for comparing alternatives, not forecasts: a scenario may override any of them
(``jobs_per_1000m2: {kontor: 45}``). ``docs/scenarios.md`` carries the same table.

=================  ==================  =================================================
use                jobs per 1,000 m²   meaning
=================  ==================  =================================================
kontor             40                  offices (25 m² BRA per job)
handel             20                  shops, retail (50 m²)
volumhandel        10                  volume / bulky-goods retail (100 m²)
industri_lager     8                   industry, warehousing, logistics (125 m²)
bolig              0                   housing (dwellings, no jobs)
blandet            25                  mixed use: offices, shops and housing (40 m²)
offentlig          25                  public services: schools, health, culture (40 m²)
=================  ==================  =================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "BUSINESS_USES",
    "JOBS_PER_1000M2",
    "NON_BUSINESS_USES",
    "USES",
    "USE_LABELS",
    "jobs_for",
    "rates",
]

#: Default jobs per 1,000 m² BRA, per use.
JOBS_PER_1000M2: Final[Mapping[str, float]] = MappingProxyType(
    {
        "kontor": 40.0,
        "handel": 20.0,
        "volumhandel": 10.0,
        "industri_lager": 8.0,
        "bolig": 0.0,
        "blandet": 25.0,
        "offentlig": 25.0,
    }
)

#: The land uses a site can have, in a fixed order.
USES: Final[tuple[str, ...]] = tuple(JOBS_PER_1000M2)

#: Uses whose floor space is business floor space (næringsareal).
BUSINESS_USES: Final[tuple[str, ...]] = (
    "kontor",
    "handel",
    "volumhandel",
    "industri_lager",
    "blandet",
)

#: Workplace uses (``workplaces.use``, also other vocabularies) that are *not* business floor space;
#: every other use of a workplace counts as næringsareal in the before/after totals.
NON_BUSINESS_USES: Final[tuple[str, ...]] = ("bolig", "offentlig", "undervisning", "helse")

#: Norwegian labels for reports.
USE_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "kontor": "Kontor",
        "handel": "Handel",
        "volumhandel": "Volumhandel",
        "industri_lager": "Industri/lager",
        "bolig": "Bolig",
        "blandet": "Blandet formål",
        "offentlig": "Offentlig tjenesteyting",
    }
)


def rates(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Return the jobs-per-1,000 m² table with a scenario's overrides applied.

    Examples
    --------
    >>> rates({"kontor": 45})["kontor"], rates()["kontor"]
    (45.0, 40.0)
    """
    out = dict(JOBS_PER_1000M2)
    for use, value in (overrides or {}).items():
        if use not in out:
            raise KeyError(f"unknown land use {use!r}; use one of {', '.join(USES)}")
        out[use] = float(value)
    return out


def jobs_for(use: str, bra_m2: float, /, *, overrides: Mapping[str, float] | None = None) -> float:
    """Jobs on ``bra_m2`` of floor space of ``use``: ``bra_m2 * rate / 1000``.

    Examples
    --------
    >>> jobs_for("kontor", 60_000)
    2400.0
    >>> jobs_for("volumhandel", 20_000, overrides={"volumhandel": 12})
    240.0
    """
    return bra_m2 * rates(overrides)[use] / 1000.0

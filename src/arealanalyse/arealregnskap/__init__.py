"""Arealregnskap for kommuneplanen and jordvern accounting (KDD 2023, KOSTRA skjema 32).

KDD's guide *Arealregnskap i kommuneplan* (regjeringen.no, id3017913, December 2023) asks for two
products, both computed here from one planar overlay in the working CRS:

* the **arealreserve** of the current plan: land set aside for building that is not built, per
  arealformål, with its dwelling capacity held against the need over the plan period;
* the **samlet arealregnskap** of a new plan: how arealformål change (a change matrix), and what
  the changed and the newly opened land is today (AR5 class, strandsone, hazard zones,
  naturtyper, friluftsområder, dyrkbar jord);

plus the KOSTRA skjema 32 pre-check of dyrka and dyrkbar jord in utbyggingsformål, by plan.

    >>> from arealanalyse.arealregnskap import compute_arealregnskap, DEVELOPMENT_CATEGORIES
    >>> "bolig" in DEVELOPMENT_CATEGORIES
    True

The whole job (read the plan, compute, check rules, write every output) is
:func:`arealanalyse.arealregnskap.run.run_arealregnskap`; it sits above the report package and
is not imported here. See ``docs/arealregnskap.md`` for every figure, the guide's chapter it
follows and what differs.
"""

from __future__ import annotations

from arealanalyse.arealregnskap.compute import (
    OVERLAYS,
    Arealregnskap,
    compute_arealregnskap,
    parse_period,
)
from arealanalyse.arealregnskap.plan import LAYER_KINDS, read_plan
from arealanalyse.arealregnskap.reserve import DEVELOPMENT_CATEGORIES, is_development, reserve_areas

__all__ = [
    "DEVELOPMENT_CATEGORIES",
    "LAYER_KINDS",
    "OVERLAYS",
    "Arealregnskap",
    "compute_arealregnskap",
    "is_development",
    "parse_period",
    "read_plan",
    "reserve_areas",
]

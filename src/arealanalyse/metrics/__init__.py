"""Accessibility and the planner's metric suite (pure functions: frames in, frames out).

* :class:`Accessibility`: homes snapped once; exact network distances to any target layer.
* :func:`run_suite`: green, services, transit (SDG 11.2.1), catchments, jobs near rail, land take.
* :func:`share_within`: the one-off "share of homes within d of X" table.
* :func:`land_take`: farmland by AR5 class and green area inside development polygons.
"""

from __future__ import annotations

from arealanalyse.metrics.access import (
    AccessCache,
    Accessibility,
    TargetSet,
    euclidean_distance,
)
from arealanalyse.metrics.landtake import land_take
from arealanalyse.metrics.result import SuiteResult
from arealanalyse.metrics.share import share_within
from arealanalyse.metrics.suite import run_suite
from arealanalyse.metrics.tables import home_weights, weighted_share

__all__ = [
    "AccessCache",
    "Accessibility",
    "SuiteResult",
    "TargetSet",
    "euclidean_distance",
    "home_weights",
    "land_take",
    "run_suite",
    "share_within",
    "weighted_share",
]

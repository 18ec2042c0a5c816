"""Næringsareal scenarios: declare (YAML), apply, evaluate before/after, compare.

A scenario adds development sites (BRA by use, dwellings), rezones areas, opens or closes transit
nodes and adds or removes green areas and services. See ``docs/scenarios.md``.
"""

from __future__ import annotations

from arealanalyse.scenarios.jobs import JOBS_PER_1000M2, USES, jobs_for
from arealanalyse.scenarios.model import Scenario, ScenarioValidationError, load_scenario

__all__ = [
    "JOBS_PER_1000M2",
    "USES",
    "Scenario",
    "ScenarioValidationError",
    "jobs_for",
    "load_scenario",
]

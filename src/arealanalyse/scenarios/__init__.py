"""Næringsareal scenarios: declare (YAML), apply, evaluate before/after, compare.

A scenario adds development sites (BRA by use, dwellings), rezones areas, opens or closes transit
nodes and adds or removes green areas and services. See ``docs/scenarios.md``.

Modules: :mod:`~arealanalyse.scenarios.model` (schema), :mod:`~arealanalyse.scenarios.load`
(reading a file, its ``extends`` chain and the files it names; validation),
:mod:`~arealanalyse.scenarios.jobs` (jobs per 1,000 m²), :mod:`~arealanalyse.scenarios.place`
(sites placed), :mod:`~arealanalyse.scenarios.apply` (layers changed),
:mod:`~arealanalyse.scenarios.evaluate` (site table, before/after
metrics, :class:`Evaluator`), :mod:`~arealanalyse.scenarios.compare` (ranking). The evaluation
and ranking names are imported on first use, so importing the schema stays light.
"""

from __future__ import annotations

from typing import Any

from arealanalyse.scenarios.jobs import JOBS_PER_1000M2, USES, jobs_for
from arealanalyse.scenarios.load import load_scenario
from arealanalyse.scenarios.model import Scenario, ScenarioValidationError

__all__ = [
    "JOBS_PER_1000M2",
    "SITE_TABLE_COLUMNS",
    "USES",
    "Evaluator",
    "Scenario",
    "ScenarioResult",
    "ScenarioValidationError",
    "apply_scenario",
    "evaluate_scenario",
    "jobs_for",
    "load_scenario",
    "parse_weights",
    "rank",
    "validate_files",
]

_LAZY = {
    "Evaluator": "evaluate",
    "ScenarioResult": "evaluate",
    "SITE_TABLE_COLUMNS": "evaluate",
    "evaluate_scenario": "evaluate",
    "validate_files": "evaluate",
    "apply_scenario": "apply",
    "rank": "compare",
    "parse_weights": "compare",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f"arealanalyse.scenarios.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'arealanalyse.scenarios' has no attribute {name!r}")

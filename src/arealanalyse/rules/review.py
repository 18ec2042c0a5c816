"""Check a proposal against a rule set: one scenario run, then the rules on its tables.

:func:`check` is what ``arealanalyse check`` calls. A *scenario file* is loaded as it is; a *plan
proposal file* (GeoPackage, GeoJSON, SOSI-GML) is read with
:func:`~arealanalyse.rules.proposal.read_proposal` and turned into a scenario whose sites are the
plan's development areas (:func:`proposal_scenario`). Either way the scenario engine evaluates it
once (:class:`arealanalyse.scenarios.evaluate.Evaluator`) and the rules read that run's site table,
rezonings and totals: the review report and the scenario outputs show the same numbers.

Files first: :func:`load_proposal` reads and validates the proposal or scenario (and the files
it names) and checks that its catalogue exists; the caller opens the study area once
(:meth:`arealanalyse.study.Study.open`) and :func:`check` evaluates and judges it.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
from pydantic import ValidationError

from arealanalyse.errors import CatalogueError, ScenarioError
from arealanalyse.limits import YEAR_MAX, YEAR_MIN
from arealanalyse.resources import default_rules_path
from arealanalyse.rules.evaluate import Evaluation, evaluate
from arealanalyse.rules.model import RuleSet, load_rules
from arealanalyse.rules.proposal import PROPOSAL_SUFFIXES, read_proposal
from arealanalyse.scenarios.evaluate import Evaluator, ScenarioResult
from arealanalyse.scenarios.load import check_merged, load_scenario
from arealanalyse.scenarios.model import Period, Scenario, ScenarioValidationError
from arealanalyse.settings import Settings, resolve
from arealanalyse.study import Progress, Study
from arealanalyse.yamlfiles import format_validation_error

__all__ = [
    "BRA_PER_DWELLING_M2",
    "CheckResult",
    "Proposal",
    "check",
    "default_catalogue_path",
    "load_proposal",
    "proposal_scenario",
]

#: Gross floor area per dwelling used to estimate dwellings of housing areas in a proposal file
#: without a dwellings column (a rule of thumb for flats in Bærum's growth areas; give a
#: ``dwellings`` column to use the plan's own numbers).
BRA_PER_DWELLING_M2: float = 90.0


def default_catalogue_path() -> Path:
    """Return the demo study area's catalogue, the default study area of proposal files.

    ``layers/baerum-demo.yaml`` in the current folder when it is a demo project (a checkout),
    else the one in the user's data folder (:func:`arealanalyse.demo.project.locate_demo`).

    Examples
    --------
    >>> default_catalogue_path().name
    'baerum-demo.yaml'
    """
    from arealanalyse.demo.project import locate_demo

    return locate_demo().catalogue


@dataclass
class Proposal:
    """What a reviewer received, read and validated: the scenario it amounts to."""

    scenario: Scenario
    kind: Literal["scenario", "proposal"]
    path: Path
    notes: list[str] = field(default_factory=list)

    @property
    def catalogue(self) -> Path:
        """The catalogue of the study area the proposal is checked on."""
        assert self.scenario.catalogue is not None  # check_merged demands one
        return Path(self.scenario.catalogue)


@dataclass
class CheckResult:
    """A checked proposal: the verdicts and the scenario run they were computed from."""

    evaluation: Evaluation
    result: ScenarioResult
    kind: Literal["scenario", "proposal"]
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when no fail-severity rule is broken (warnings allowed), else 1."""
        return self.evaluation.exit_code


def _safe_name(stem: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.")
    return name or "proposal"


def _parse_period(period: str | tuple[int, int] | None, label: str) -> dict[str, int] | None:
    if period is None:
        return None
    if isinstance(period, tuple):
        start, end = period
    else:
        m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", period)
        if not m:
            raise ScenarioError(
                f"{label}: period {period!r} is not START-END; write it like 2026-2040."
            )
        start, end = int(m.group(1)), int(m.group(2))
    for year in (start, end):
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ScenarioError(
                f"{label}: period year {year} is not plausible; give years from {YEAR_MIN} to "
                f"{YEAR_MAX}, e.g. 2026-2040."
            )
    if end < start:
        raise ScenarioError(f"{label}: period {start}-{end} ends before it starts; swap them.")
    return {"start": start, "end": end}


def proposal_scenario(
    sites: gpd.GeoDataFrame,
    /,
    *,
    name: str,
    catalogue: str | os.PathLike[str],
    title: str = "",
    period: str | tuple[int, int] | None = None,
    settings: Settings | None = None,
) -> tuple[Scenario, list[str]]:
    """Turn a proposal's development areas into a scenario (sites with inline geometry).

    Parameters
    ----------
    sites
        From :func:`~arealanalyse.rules.proposal.read_proposal` (working CRS).
    name, title
        The scenario's name and title.
    catalogue
        Layer catalogue of the study area the proposal lies in.
    period
        Plan period ``"2026-2040"`` (or a tuple); without it the per-year targets are
        not applicable.
    settings
        Run settings (working CRS).

    Returns
    -------
    tuple
        The validated :class:`~arealanalyse.scenarios.model.Scenario` and notes for the report
        (e.g. how many dwellings were estimated).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame({"site_id": ["P1"], "name": ["B1"], "use": ["bolig"],
    ...     "bra_m2": [9000.0], "dwellings": [float("nan")], "year": [float("nan")]},
    ...     geometry=[box(0, 0, 50, 50)], crs=25832)
    >>> sc, notes = proposal_scenario(sites, name="plan", catalogue="cat.yaml")
    >>> sc.sites[0].use, sc.sites[0].dwellings, sc.period is None
    ('bolig', 100, True)
    """
    s = resolve(settings)
    label = f"Proposal {name!r}"
    notes: list[str] = []
    estimated = 0
    rows = []
    for r in sites.itertuples(index=False):
        dwellings = r.dwellings
        if dwellings is None or (isinstance(dwellings, float) and math.isnan(dwellings)):
            if r.use == "bolig":
                dwellings = round(float(r.bra_m2) / BRA_PER_DWELLING_M2)
                estimated += 1
            else:
                dwellings = 0
        year = r.year
        row: dict[str, Any] = {
            "id": str(r.site_id),
            "name": str(r.name),
            "use": str(r.use),
            "bra_m2": float(r.bra_m2),
            "dwellings": int(dwellings),
            "geometry": r.geometry.wkt,
        }
        if year is not None and not (isinstance(year, float) and math.isnan(year)):
            row["year"] = int(year)
        rows.append(row)
    if estimated:
        notes.append(
            f"dwellings estimated for {estimated} housing areas at {BRA_PER_DWELLING_M2:g} m² "
            "BRA per dwelling (the file has no dwellings column / value)"
        )
    raw: dict[str, Any] = {
        "schema_version": 1,
        "name": _safe_name(name),
        "title": title,
        "catalogue": str(catalogue),
        "crs": s.crs,
        "sites": rows,
    }
    per = _parse_period(period, label)
    if per is not None:
        raw["period"] = per
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, Scenario, label)) from None
    problems = check_merged(scenario, label)
    if problems:
        raise ScenarioValidationError(problems)
    return scenario, notes


def load_proposal(
    path: str | os.PathLike[str],
    /,
    *,
    catalogue: str | os.PathLike[str] | None = None,
    period: str | tuple[int, int] | None = None,
    layer: str | None = None,
    settings: Settings | None = None,
    encoding: str | None = None,
) -> Proposal:
    """Read and validate what a reviewer received: a scenario file or a plan proposal file.

    Everything is read here (the file, the geometry files a scenario names); the study area's
    catalogue must exist, and is opened by the caller (:meth:`arealanalyse.study.Study.open`
    on :attr:`Proposal.catalogue`).
    """
    p = Path(path)
    notes: list[str] = []
    if p.suffix.lower() in (".yaml", ".yml"):
        scenario = load_scenario(p)
        updates: dict[str, Any] = {}
        if catalogue is not None:
            updates["catalogue"] = str(Path(catalogue).resolve())
        per = _parse_period(period, p.name)
        if per is not None:
            updates["period"] = Period(**per)
        if updates:
            changed = scenario.model_copy(update=updates)
            changed._path, changed._chain = scenario._path, scenario._chain
            changed._origins, changed._inputs = scenario._origins, scenario._inputs
            scenario = changed
            # the new period (or catalogue) must hold for the file's own site years too
            problems = check_merged(scenario, f"{p.name} (with --period {period})")
            if problems:
                raise ScenarioValidationError(problems)
        return _with_catalogue(Proposal(scenario, "scenario", p, notes))
    if p.suffix.lower() not in PROPOSAL_SUFFIXES:
        raise ScenarioError(
            f"{p.name!r}: unknown kind of file; give a scenario (.yaml) or a plan proposal "
            f"({', '.join(PROPOSAL_SUFFIXES)})."
        )
    cat = Path(catalogue) if catalogue is not None else default_catalogue_path()
    sites = read_proposal(p, layer=layer, settings=settings, encoding=encoding)
    left_out = sites.attrs.get("arealanalyse", {}).get("left_out_non_building", 0)
    if left_out:
        notes.append(f"{left_out} areas with non-building arealformål left out of the check")
    scenario, more = proposal_scenario(
        sites,
        name=p.stem,
        title=p.name,
        catalogue=cat.resolve(),
        period=period,
        settings=settings,
    )
    return _with_catalogue(Proposal(scenario, "proposal", p, notes + more))


def _with_catalogue(proposal: Proposal) -> Proposal:
    if not proposal.catalogue.is_file():
        raise CatalogueError(
            f"Catalogue {str(proposal.catalogue)!r} does not exist; build the demo study area "
            "(arealanalyse demo build) or give one with --catalogue."
        )
    return proposal


def check(
    study: Study,
    proposal: Proposal,
    /,
    *,
    rules: RuleSet | str | os.PathLike[str] | None = None,
    evaluator: Evaluator | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Check a loaded proposal (or scenario) on its study area against a rule set.

    Parameters
    ----------
    study
        The study area the proposal lies in (opened from :attr:`Proposal.catalogue`).
    proposal
        From :func:`load_proposal`.
    rules
        A rule set or rule file; default the shipped Bærum arealstrategi.
    evaluator
        A ready :class:`~arealanalyse.scenarios.evaluate.Evaluator` on ``study`` (reuses its
        baseline metrics; handy for many checks in one session).
    progress
        Called with a short message at each step.

    Returns
    -------
    CheckResult
        The evaluation and the scenario run it was computed from.
    """
    say = progress or (lambda _msg: None)
    if not isinstance(rules, RuleSet):
        rules = load_rules(rules if rules is not None else default_rules_path())
    if evaluator is None:
        evaluator = Evaluator(study, progress=say)
    elif evaluator.study is not study:
        raise ValueError("the evaluator works on another study; pass one made on this study")
    scenario = proposal.scenario
    say(f"Kontrollerer {scenario.name} mot studieområdet")
    sites = evaluator.check(scenario)
    result = evaluator.evaluate(scenario, sites=sites)
    say(f"Vurderer {len(rules.rules)} regler")
    ev = evaluate(result, rules)
    sources = [src.model_dump(exclude_none=True) for src in study.sources]
    return CheckResult(
        ev,
        result,
        proposal.kind,
        synthetic=study.synthetic,
        notes=list(proposal.notes),
        sources=sources,
    )

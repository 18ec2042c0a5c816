"""Run an arealregnskap end to end: read the plan, compute, check rules, write every output.

:func:`run_arealregnskap` is what ``arealanalyse arealregnskap`` and the main job call. It
writes into ``out_dir``:

* the tables (CSV), the workbook, the GeoPackage and the figures (see
  :mod:`arealanalyse.arealregnskap.write`);
* ``arealregnskap.md`` / ``arealregnskap.html``: the report (Norwegian by default);
* ``kart.html``: the map;
* with rules: ``review/review.html`` (``.md``, ``.json``), the review of the new plan with the
  arealregnskap as a section.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from arealanalyse.arealregnskap.compute import Arealregnskap, compute_arealregnskap
from arealanalyse.arealregnskap.labels import plan_label
from arealanalyse.arealregnskap.plan import LAYER_KINDS, read_plan
from arealanalyse.arealregnskap.write import write_arealregnskap
from arealanalyse.i18n import check_lang
from arealanalyse.rules.evaluate import Evaluation, evaluate
from arealanalyse.rules.model import RuleSet, load_rules
from arealanalyse.settings import Settings
from arealanalyse.study import Progress, Study

__all__ = ["ArealregnskapRun", "run_arealregnskap"]


@dataclass
class ArealregnskapRun:
    """What :func:`run_arealregnskap` computed and wrote."""

    result: Arealregnskap
    paths: dict[str, Path]
    evaluation: Evaluation | None = None
    plan: gpd.GeoDataFrame | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when a fail-severity rule is broken, else 0."""
        return 0 if self.evaluation is None else int(self.evaluation.exit_code)


def run_arealregnskap(
    study: Study,
    out_dir: str | os.PathLike[str],
    /,
    *,
    plan: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
    plan_layer: str | None = None,
    plan_name: str = "",
    current_name: str = "",
    period: str | tuple[int, int] | None = None,
    rules: RuleSet | str | os.PathLike[str] | None = None,
    lang: str = "nb",
    offline: bool = True,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> ArealregnskapRun:
    """Compute the arealregnskap and write every output into ``out_dir``.

    Parameters
    ----------
    study
        The study area: its layers of :data:`LAYER_KINDS` (``zoning`` is the current plan; see
        :func:`~arealanalyse.arealregnskap.compute_arealregnskap` for the others); its title,
        synthetic flag and sources are shown on the report, the workbook and the map.
    out_dir
        Output folder (created; files are replaced atomically).
    plan
        The new plan: a ``zoning`` GeoDataFrame or a plan file (read with :func:`read_plan`).
    plan_layer
        Layer of a multi-layer plan file.
    plan_name, current_name
        Labels of the plans (default: the plan file's name, and "gjeldende plan").
    period
        Plan period ``"2026-2040"``.
    rules
        A rule file path or :class:`~arealanalyse.rules.RuleSet` evaluated on the figures.
    lang
        ``nb`` or ``en`` for the report, workbook and map.
    offline
        Inline the map's scripts (the HTML works without internet).
    settings
        Run settings (default: the study's).
    progress
        Called with a short message at each step (default: the study's).
    """
    check_lang(lang)
    s = settings or study.settings
    say = progress or study.progress
    layers = study.layers(LAYER_KINDS)
    title, synthetic, sources = study.title, study.synthetic, study.sources
    out = Path(out_dir)
    new_plan: gpd.GeoDataFrame | None
    if plan is None or isinstance(plan, gpd.GeoDataFrame):
        new_plan = plan
    else:
        say(f"Leser planforslaget {Path(plan).name}")
        new_plan = read_plan(plan, layer=plan_layer, settings=s)
        plan_name = plan_name or Path(plan).name
    rule_set = None
    if rules is not None:
        rule_set = rules if isinstance(rules, RuleSet) else load_rules(rules)
    current_name = current_name or plan_label("current", lang).lower()
    result = compute_arealregnskap(
        layers,
        plan=new_plan,
        period=period,
        settings=s,
        plan_name=plan_name or plan_label("new", lang).lower(),
        current_name=current_name,
        progress=say,
    )
    evaluation = None
    if rule_set is not None:
        say("Kontrollerer reglene")
        evaluation = evaluate(
            result.as_tables(name=Path(str(plan_name or "plan")).stem, title=plan_name), rule_set
        )
    say("Skriver tabeller, regneark og GeoPackage")
    paths = write_arealregnskap(
        result,
        out,
        lang=lang,
        title=title,
        synthetic=synthetic,
        sources=sources,
        rules=None if evaluation is None else evaluation.table,
        current_plan=layers["zoning"],
        new_plan=new_plan,
    )
    from arealanalyse.report.arealregnskap import write_arealregnskap_outputs

    paths |= write_arealregnskap_outputs(
        result,
        out,
        current_plan=layers["zoning"],
        new_plan=new_plan,
        layers=layers,
        evaluation=evaluation,
        lang=lang,
        title=title,
        synthetic=synthetic,
        sources=sources,
        offline=offline,
        progress=say,
    )
    return ArealregnskapRun(result, paths, evaluation, new_plan, list(result.notes))

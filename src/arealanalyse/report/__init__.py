"""Every output of a run in one place: reports, the index page, SVG and map composition.

Review reports, the arealregnskap report, the main job's index page, the SVG overview and the
composition of the web maps.

The modules take finished results (an :class:`~arealanalyse.rules.Evaluation`, an
:class:`~arealanalyse.arealregnskap.Arealregnskap`, a scenario run, a main-job result) and
render them; they never compute. Words and numbers come from :mod:`arealanalyse.i18n`, colours
from :mod:`arealanalyse.maps.style`, map layers from :mod:`arealanalyse.maps`.

* :mod:`~arealanalyse.report.review` – ``review.html``/``.md``/``.json`` of a rule check;
* :mod:`~arealanalyse.report.arealregnskap` – the arealregnskap section, report and outputs;
* :mod:`~arealanalyse.report.index` – the main job's ``index.html`` and ``summary.json``;
* :mod:`~arealanalyse.report.svg` – the inline SVG overview of sites by verdict;
* :mod:`~arealanalyse.report.ranking` – ``ranking.md``/``.csv``/``.json`` of compared scenarios;
* :mod:`~arealanalyse.report.batch` – the summary map of a batch run's partitions;
* :mod:`~arealanalyse.report.maps` – which layers the study, scenario, results and comparison
  maps show.
"""

from __future__ import annotations

from arealanalyse.report.arealregnskap import (
    ReportSection,
    arealregnskap_section,
    write_arealregnskap_outputs,
    write_arealregnskap_report,
)
from arealanalyse.report.index import render_index, summary_dict
from arealanalyse.report.maps import (
    MAP_KINDS,
    access_today_map,
    comparison_map,
    saved_results_map,
    scenario_result_map,
    study_map,
)
from arealanalyse.report.ranking import RANKING_FILES, ranking_markdown, write_ranking
from arealanalyse.report.review import render_html, render_markdown, review_dict, write_review
from arealanalyse.report.svg import svg_overview

__all__ = [
    "MAP_KINDS",
    "RANKING_FILES",
    "ReportSection",
    "access_today_map",
    "arealregnskap_section",
    "comparison_map",
    "ranking_markdown",
    "render_html",
    "render_index",
    "render_markdown",
    "review_dict",
    "saved_results_map",
    "scenario_result_map",
    "study_map",
    "summary_dict",
    "svg_overview",
    "write_arealregnskap_outputs",
    "write_arealregnskap_report",
    "write_ranking",
    "write_review",
]

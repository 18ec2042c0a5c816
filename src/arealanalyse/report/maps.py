"""Compose the web maps of a run from its finished results: which layers, titles and labels.

:mod:`arealanalyse.maps` draws layers; this module decides what a planner's map of a study area,
a scenario run, saved results or a comparison shows. Nothing here computes: walk areas and
ÖV-Güteklassen areas come from :mod:`arealanalyse.transit.catchments`, verdict columns from
:func:`arealanalyse.rules.site_verdict_table`, per-cell results and their difference from the
scenario run (:attr:`~arealanalyse.scenarios.evaluate.ScenarioResult.per_cell_difference`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd

from arealanalyse import maps
from arealanalyse.i18n import Lang, msg
from arealanalyse.rules.evaluate import Evaluation, site_verdict_table

if TYPE_CHECKING:
    from arealanalyse.layers.catalogue import SourceLike
    from arealanalyse.scenarios.evaluate import ScenarioResult

__all__ = [
    "MAP_KINDS",
    "access_today_map",
    "comparison_map",
    "saved_results_map",
    "scenario_result_map",
    "study_map",
]

#: Layers drawn on the study-area map.
MAP_KINDS: tuple[str, ...] = (
    "boundary",
    "zoning",
    "farmland",
    "green",
    "areas",
    "transit",
    "roads",
)


def study_map(
    layers: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    title: str,
    walk_areas: gpd.GeoSeries | None = None,
    service: gpd.GeoDataFrame | None = None,
    classes: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
) -> folium.Map:
    """Draw the study-area map of canonical layers (those of :data:`MAP_KINDS`).

    ``walk_areas`` (:func:`~arealanalyse.transit.catchments.node_walk_areas`) are drawn around
    the transit nodes; ``service`` (stop places with frequency measures,
    :func:`arealanalyse.transit.service_levels`) adds the stop places by station category and
    ``classes`` (:func:`~arealanalyse.transit.catchments.oev_class_areas`) the ÖV-Güteklassen.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"category": ["bolig"]}, geometry=[box(590000, 6640000, 590500,
    ...     6640500)], crs=25832)
    >>> study_map({"zoning": z, "homes": z}, title="T").arealanalyse_layers
    ['Arealformål']
    """
    return maps.study_area_map(
        {k: v for k, v in layers.items() if k in MAP_KINDS},
        title=title,
        synthetic=synthetic,
        sources=sources,
        service_areas=walk_areas,
        lang=lang,
        oev_classes=classes,
        stop_places=service,
    )


def scenario_result_map(
    result: ScenarioResult,
    /,
    *,
    evaluation: Evaluation | None = None,
    color_by: str | None = None,
    subtitle: str = "",
    boundary: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
) -> folium.Map:
    """Draw one scenario run: sites (verdicts when ``evaluation`` is given) and access layers.

    The access layers are the baseline, the scenario and their difference
    (:attr:`~arealanalyse.scenarios.evaluate.ScenarioResult.per_cell_difference`), per SSB
    cell. ``color_by`` defaults to ``verdict`` when there are verdicts, else ``abc_class``.
    """
    sites, labels = result.sites, None
    if evaluation is not None and len(result.sites):
        sites = site_verdict_table(evaluation)
        labels = {f"verdict_{r.id}": r.title.get(lang) for r in evaluation.rules.rules}
    return maps.scenario_map(
        sites,
        title=result.scenario.title or result.name,
        subtitle=subtitle,
        color_by=color_by or ("verdict" if labels else "abc_class"),
        labels=labels,
        baseline=getattr(result.suite_before, "per_cell", None),
        scenario=getattr(result.suite_after, "per_cell", None),
        difference=result.per_cell_difference,
        boundary=boundary,
        synthetic=synthetic,
        sources=sources,
        lang=lang,
    )


def access_today_map(
    per_cell: gpd.GeoDataFrame,
    /,
    *,
    title: str | None = None,
    boundary: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
) -> folium.Map:
    """Draw the baseline's access shares per cell ("Tilgang i dag" unless ``title`` is given)."""
    return maps.access_map(
        per_cell,
        title=title or msg("map.access_today", lang),
        boundary=boundary,
        synthetic=synthetic,
        sources=sources,
        lang=lang,
    )


def saved_results_map(
    *,
    sites: gpd.GeoDataFrame | None,
    per_cell: gpd.GeoDataFrame | None,
    title: str | None,
    name: str,
    color_by: str = "abc_class",
    boundary: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
) -> folium.Map | None:
    """Draw results read back from files: a scenario run's sites, else a suite's access grid.

    ``name`` (the file's or folder's name) is the title of a sites map without ``title``.
    Returns None when there is neither.
    """
    common: dict[str, Any] = {
        "synthetic": synthetic,
        "sources": sources,
        "lang": lang,
        "boundary": boundary,
    }
    if sites is not None:
        return maps.scenario_map(
            sites, title=title or name, color_by=color_by, scenario=per_cell, **common
        )
    if per_cell is not None:
        return maps.access_map(per_cell, title=title or msg("map.access", lang), **common)
    return None


def comparison_map(
    scenarios: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    title: str | None = None,
    color_by: str = "abc_class",
    boundary: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
) -> folium.Map:
    """Draw the sites of several scenarios ("Sammenligning av scenarioer" without ``title``)."""
    return maps.compare_map(
        scenarios,
        title=title or msg("map.comparison", lang),
        color_by=color_by,
        boundary=boundary,
        synthetic=synthetic,
        sources=sources,
        lang=lang,
    )

"""Interactive HTML maps planners share (Folium/Leaflet).

Each map function takes GeoDataFrames (any CRS; shown in lon/lat) and plain objects and returns a
:class:`folium.Map`; nothing here computes analysis results. Write a map with :func:`save_map`
(``offline=True`` makes a self-contained file that works without internet).

* :func:`study_area_map` – boundary, zoning in plan colours, farmland, green areas, named areas,
  transit nodes with their 5-minute walk areas, E18.
* :func:`access_map` – access shares as a grid choropleth, one layer per indicator.
* :func:`scenario_map` – scenario sites by ABC class or verdict, before/after/difference.
* :func:`compare_map` – several scenarios' sites, one layer per scenario.
* :func:`arealregnskap_map` – an arealregnskap: plans, reserve, newly opened land by AR5 class.

Every map has a title, a legend, the data sources and licences, a "synthetic demo data" banner
when ``synthetic=True`` and readable notes instead of failures for empty layers or data far from
Norway. Labels are Norwegian bokmål by default (``lang="en"`` for English), from the message
table and number formatter of :mod:`arealanalyse.i18n`; colours and class breaks are in
:mod:`arealanalyse.maps.style`. Composing these maps from a run's results (which layers, which
walk areas) is :mod:`arealanalyse.report.maps`'s job. See ``docs/maps.md``.
"""

from __future__ import annotations

from typing import TypeAlias

import folium

from arealanalyse.maps._base import READY_FLAG
from arealanalyse.maps.access import access_map, share_columns
from arealanalyse.maps.arealregnskap import arealregnskap_map
from arealanalyse.maps.save import OfflineAssetError, map_html, save_map
from arealanalyse.maps.scenario import compare_map, default_popup_columns, scenario_map
from arealanalyse.maps.study import study_area_map
from arealanalyse.maps.style import ABC_COLOURS, AR5_COLOURS, VERDICT_COLOURS, ZONING_COLOURS

#: What every map function returns (a folium map), for annotations outside this package, which
#: never imports folium itself.
WebMap: TypeAlias = folium.Map

__all__ = [
    "ABC_COLOURS",
    "AR5_COLOURS",
    "READY_FLAG",
    "VERDICT_COLOURS",
    "ZONING_COLOURS",
    "OfflineAssetError",
    "WebMap",
    "access_map",
    "arealregnskap_map",
    "compare_map",
    "default_popup_columns",
    "map_html",
    "save_map",
    "scenario_map",
    "share_columns",
    "study_area_map",
]

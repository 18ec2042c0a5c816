"""OpenStreetMap → canonical layers, shared by the PBF/XML reader and the Overpass fetcher.

There is exactly one mapping from OSM data to the canonical kinds, and every OSM source goes
through it:

* an ``.osm.pbf`` extract, an ``.osm``/``.osm.xml`` file, an Overpass JSON answer, or the
  Overpass XML answer saved by :mod:`arealanalyse.fetch.osm` → :func:`read_osm`;
* a walk graph built by osmnx (``ox.graph_from_*``) → :func:`graph_to_walk_network`;
* OSM features with tag columns, as ``ox.features_from_*`` returns them →
  :func:`osm_features_to_layer`.

:func:`read_osm` streams the file with pyosmium (:mod:`~arealanalyse.layers.osm.stream`; an
Overpass JSON answer is parsed directly), keeps what clipped extracts leave usable
(:mod:`~arealanalyse.layers.osm.collect`) and counts what it drops or repairs, by reason, in the
layer's load report (:mod:`~arealanalyse.layers.osm.read`). It can cut the file to a boundary
while reading. The walk network is osmnx's ``"walk"`` network type: the way filter string is
taken from osmnx (:func:`walk_way_filter`) and evaluated on each way's tags; each way becomes one
line (split where the extract cut it) with its vertical ``level`` (``layer``, bridge, tunnel), and
:class:`~arealanalyse.network.WalkNetwork` nodes the lines at shared nodes, T-junctions and
crossings like any other line source.

Modules, in the order data passes them:

* :mod:`~arealanalyse.layers.osm.stream`: the file readers (pyosmium passes, Overpass JSON);
* :mod:`~arealanalyse.layers.osm.collect`: what the kinds keep of the stream, clipped data rules;
* :mod:`~arealanalyse.layers.osm.multipolygon`: multipolygon rings from the members present;
* :mod:`~arealanalyse.layers.osm.tags`: tags → canonical columns (the tag mappings are listed
  there);
* :mod:`~arealanalyse.layers.osm.read`: :func:`read_osm` and :func:`osm_extract` (cached, several
  kinds in one pass), geometry rules per kind, the load report;
* :mod:`~arealanalyse.layers.osm.files`: osmnx's walk filter, OSM file conversions.

© OpenStreetMap contributors, ODbL 1.0: cite it wherever output built from OSM is shown.
"""

from __future__ import annotations

from arealanalyse.layers.dwellings import DWELLING_RULES, estimate_dwellings
from arealanalyse.layers.osm.collect import ISSUES, REPAIRS, KindSpec, OsmExtract, osm_level
from arealanalyse.layers.osm.files import (
    convert_to_osm_xml,
    overpass_json_to_xml,
    walk_way_filter,
    way_filter_predicate,
)
from arealanalyse.layers.osm.read import (
    KIND_SPECS,
    clip_polygon_lonlat,
    layer_from_extract,
    osm_extract,
    read_osm,
)
from arealanalyse.layers.osm.stream import extract_osm
from arealanalyse.layers.osm.tags import (
    OSM_KINDS,
    OSM_TAGS,
    ROAD_CLASSES,
    graph_to_walk_network,
    map_features,
    osm_features_to_layer,
)

__all__ = [
    "DWELLING_RULES",
    "ISSUES",
    "KIND_SPECS",
    "OSM_KINDS",
    "OSM_TAGS",
    "REPAIRS",
    "ROAD_CLASSES",
    "KindSpec",
    "OsmExtract",
    "clip_polygon_lonlat",
    "convert_to_osm_xml",
    "estimate_dwellings",
    "extract_osm",
    "graph_to_walk_network",
    "layer_from_extract",
    "map_features",
    "osm_extract",
    "osm_features_to_layer",
    "osm_level",
    "overpass_json_to_xml",
    "read_osm",
    "walk_way_filter",
    "way_filter_predicate",
]

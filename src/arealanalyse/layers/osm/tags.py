"""OSM tags → canonical layers: the one mapping every OSM source goes through.

:func:`map_features` maps OSM features with tag columns (as :mod:`arealanalyse.layers.osm.read`
extracts them from a file, or as ``ox.features_from_*`` returns them, see
:func:`osm_features_to_layer`) to a canonical kind; :func:`graph_to_walk_network` turns an osmnx
walk graph into the ``walk_network`` layer.

Tag mappings (first match wins):

* ``services``: ``shop=supermarket|convenience|grocery|greengrocer`` → grocery;
  ``amenity=school`` → school; ``amenity=kindergarten|childcare`` → kindergarten;
  ``amenity=pharmacy`` (or ``healthcare=pharmacy``) → pharmacy;
  ``amenity=doctors|clinic|hospital|dentist`` or any other ``healthcare=*`` → health;
  ``amenity=library`` → library;
  ``leisure=sports_centre|stadium|swimming_pool|fitness_centre`` → sports;
  ``amenity=theatre|cinema|arts_centre|community_centre`` → culture;
  ``amenity=nursing_home`` or ``social_facility=nursing_home|assisted_living`` → elderly_care;
  ``amenity=post_office`` → post; ``amenity=restaurant|cafe|fast_food|pub|bar`` → restaurant;
  any other ``shop=*`` → retail.
* ``green`` (polygons only): ``leisure=park|garden`` → park; ``leisure=nature_reserve`` →
  nature; ``leisure=playground`` → playground; ``leisure=pitch`` and
  ``landuse=recreation_ground`` → sports_field / friluft; ``landuse=forest`` or
  ``natural=wood`` → forest; ``landuse=cemetery`` or ``amenity=grave_yard`` → cemetery;
  ``landuse=grass|village_green``, ``leisure=common`` → other.
* ``transit`` (points): ``railway=station|halt`` → rail, or metro when ``station=subway`` or
  ``subway=yes``, tram when ``station=light_rail|tram``; ``railway=tram_stop`` → tram;
  ``highway=bus_stop`` or ``public_transport=platform`` with ``bus=yes`` → bus;
  ``amenity=ferry_terminal`` → ferry.
* ``roads`` (lines): ``highway`` in :data:`ROAD_CLASSES`; ``ref`` with spaces inside E-road
  numbers removed (OSM ``E 18`` → ``E18``).
* ``homes``: every building polygon with a dwelling estimate, see
  :func:`~arealanalyse.layers.dwellings.estimate_dwellings`.
* ``barriers`` (lines): motorways, trunk roads and railways on the ground (bridges and tunnels
  left out), see :mod:`arealanalyse.layers.barriers`.
* ``buildings``: every building polygon (footprint), ``building_type`` = the ``building`` value.

© OpenStreetMap contributors, ODbL 1.0: cite it wherever output built from OSM is shown.
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from arealanalyse.errors import CodeError, EmptyLayerError
from arealanalyse.layers.barriers import BARRIER_TAGS, osm_barriers
from arealanalyse.layers.dwellings import business_ground_floor, estimate_dwellings
from arealanalyse.layers.validate import normalize
from arealanalyse.settings import Settings

__all__ = [
    "OSM_KINDS",
    "OSM_TAGS",
    "ROAD_CLASSES",
    "graph_to_walk_network",
    "map_features",
    "osm_features_to_layer",
]

#: The canonical kinds an OSM source can provide.
OSM_KINDS: tuple[str, ...] = (
    "walk_network", "homes", "services", "green", "transit", "roads", "barriers",
    "buildings",
)  # fmt: skip

#: Road classes (OSM ``highway`` values) of the ``roads`` layer.
ROAD_CLASSES: tuple[str, ...] = (
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street", "service", "road",
)  # fmt: skip

_GROCERY = ["supermarket", "convenience", "grocery", "greengrocer"]
_AMENITY_SERVICES = [
    "school", "kindergarten", "childcare", "doctors", "clinic", "hospital", "dentist",
    "pharmacy", "library", "theatre", "cinema", "arts_centre", "community_centre",
    "nursing_home", "post_office", "restaurant", "cafe", "fast_food", "pub", "bar",
]  # fmt: skip
_SPORTS = ["sports_centre", "stadium", "swimming_pool", "fitness_centre"]

#: The tags queried for each feature kind (osmnx ``tags`` argument / Overpass filters).
OSM_TAGS: dict[str, dict[str, bool | list[str]]] = {
    "homes": {"building": True},
    "services": {
        "shop": True,
        "amenity": _AMENITY_SERVICES,
        "healthcare": True,
        "leisure": _SPORTS,
        "social_facility": ["nursing_home", "assisted_living"],
    },
    "green": {
        "leisure": ["park", "garden", "nature_reserve", "playground", "pitch", "common"],
        "landuse": ["forest", "grass", "recreation_ground", "cemetery", "village_green"],
        "natural": ["wood"],
        "amenity": ["grave_yard"],
    },
    "transit": {
        "railway": ["station", "halt", "tram_stop"],
        "highway": ["bus_stop"],
        "public_transport": ["platform"],
        "amenity": ["ferry_terminal"],
    },
    "roads": {"highway": list(ROAD_CLASSES)},
    "barriers": BARRIER_TAGS,
    "buildings": {"building": True},
}

# --------------------------------------------------------------------------------------------
# Features → canonical layers
# --------------------------------------------------------------------------------------------


def _tag(features: pd.DataFrame, key: str) -> pd.Series:
    if key in features.columns:
        return features[key].astype("string").fillna("").astype(object)
    return pd.Series("", index=features.index, dtype=object)


def _service_category(f: pd.DataFrame) -> pd.Series:
    shop, amenity, leisure = _tag(f, "shop"), _tag(f, "amenity"), _tag(f, "leisure")
    health, social = _tag(f, "healthcare"), _tag(f, "social_facility")
    conds = [
        shop.isin(_GROCERY),
        amenity == "school",
        amenity.isin(["kindergarten", "childcare"]),
        amenity.isin(["pharmacy"]) | (health == "pharmacy"),
        amenity.isin(["doctors", "clinic", "hospital", "dentist"]) | (health != ""),
        amenity == "library",
        leisure.isin(_SPORTS),
        amenity.isin(["theatre", "cinema", "arts_centre", "community_centre"]),
        (amenity == "nursing_home") | social.isin(["nursing_home", "assisted_living"]),
        amenity == "post_office",
        amenity.isin(["restaurant", "cafe", "fast_food", "pub", "bar"]),
        shop != "",
    ]
    cats = [
        "grocery", "school", "kindergarten", "pharmacy", "health", "library", "sports",
        "culture", "elderly_care", "post", "restaurant", "retail",
    ]  # fmt: skip
    return pd.Series(np.select(conds, cats, default=""), index=f.index, dtype=object)


def _green_type(f: pd.DataFrame) -> pd.Series:
    leisure, landuse = _tag(f, "leisure"), _tag(f, "landuse")
    natural, amenity = _tag(f, "natural"), _tag(f, "amenity")
    conds = [
        leisure.isin(["park", "garden"]),
        leisure == "nature_reserve",
        leisure == "playground",
        leisure == "pitch",
        landuse == "recreation_ground",
        (landuse == "forest") | (natural == "wood"),
        (landuse == "cemetery") | (amenity == "grave_yard"),
        landuse.isin(["grass", "village_green"]) | (leisure == "common"),
    ]
    types = ["park", "nature", "playground", "sports_field", "friluft", "forest", "cemetery",
             "other"]  # fmt: skip
    return pd.Series(np.select(conds, types, default=""), index=f.index, dtype=object)


def _transit_mode(f: pd.DataFrame) -> pd.Series:
    railway, station, subway = _tag(f, "railway"), _tag(f, "station"), _tag(f, "subway")
    highway, pt, bus, amenity = (
        _tag(f, "highway"), _tag(f, "public_transport"), _tag(f, "bus"), _tag(f, "amenity"),
    )  # fmt: skip
    is_station = railway.isin(["station", "halt"])
    conds = [
        is_station & ((station == "subway") | (subway == "yes")),
        is_station & station.isin(["light_rail", "tram"]),
        is_station,
        railway == "tram_stop",
        (highway == "bus_stop") | ((pt == "platform") & (bus == "yes")),
        amenity == "ferry_terminal",
    ]
    modes = ["metro", "tram", "rail", "tram", "bus", "ferry"]
    return pd.Series(np.select(conds, modes, default=""), index=f.index, dtype=object)


def _dedupe_platforms(
    stops: gpd.GeoDataFrame, is_platform: pd.Series, *, within_m: float = 100.0
) -> gpd.GeoDataFrame:
    """Drop platforms lying within ``within_m`` of a stop or station node of the same mode.

    OSM maps a stop several times (``highway=bus_stop`` node, platform ways, stop positions);
    one point per stop keeps catchment counts honest.
    """
    if stops.empty:
        return stops
    plat = is_platform.reindex(stops.index).fillna(False).astype(bool).to_numpy()
    metric = stops.to_crs(25832) if stops.crs is not None and stops.crs.is_geographic else stops
    geoms = metric.geometry.values
    mode = metric["mode"].to_numpy()
    drop = np.zeros(len(stops), dtype=bool)
    for m in np.unique(mode[plat]):
        anchors = np.flatnonzero(~plat & (mode == m))
        cands = np.flatnonzero(plat & (mode == m))
        if len(anchors) == 0:
            continue
        near, _ = shapely.STRtree(geoms[anchors]).query(
            geoms[cands], predicate="dwithin", distance=within_m
        )
        drop[cands[np.unique(near)]] = True
    return stops[~drop]


def _clean_ref(ref: pd.Series) -> pd.Series:
    # "E 18" -> "E18", "E 18;E 16" -> "E18;E16"; other refs unchanged.
    return ref.str.replace(r"\bE\s+(\d+)", r"E\1", regex=True)


_DROPPED_HOMES = "buildings mapped as points or lines, without a footprint"


def _osm_index(features: gpd.GeoDataFrame) -> pd.Index:
    idx = features.index
    if isinstance(idx, pd.MultiIndex) and idx.nlevels == 2:
        return pd.Index([f"{e}/{i}" for e, i in idx], name="osm_id")
    return idx


def map_features(
    features: gpd.GeoDataFrame, kind: str, /, *, pois: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Map OSM features to the columns of ``kind`` (before validation); count what is dropped.

    This is the one tag mapping of every OSM source. Returns the frame (canonical columns, plus
    ``building`` for homes) and ``{reason: count}`` of features dropped here. For ``homes``,
    ``pois`` are points whose street-level businesses mark a building's ground floor as not
    dwellings (:func:`~arealanalyse.layers.dwellings.business_ground_floor`); ``None``: the
    points among ``features`` themselves.
    """
    if kind not in OSM_TAGS:
        raise CodeError(
            f"OSM kind {kind!r} is not a feature kind; use one of {sorted(OSM_TAGS)} "
            "(walk_network comes from a graph: graph_to_walk_network)."
        )
    f = features
    gtype = f.geometry.geom_type
    dropped: dict[str, int] = {}
    if kind == "homes":
        keep = gtype.isin(["Polygon", "MultiPolygon"])
        if pois is None:
            pois = f[~keep]
        f = f[keep]
        if (~keep).any():
            dropped[_DROPPED_HOMES] = int((~keep).sum())
        business = business_ground_floor(f, pois=pois)
        dwellings = (
            estimate_dwellings(f, ground_floor_business=business)
            if len(f)
            else pd.Series(dtype="float64", index=f.index)
        )
        frame = gpd.GeoDataFrame(
            {"dwellings": dwellings, "source": "osm_estimate"}, geometry=f.geometry, crs=f.crs
        )
        # Keep the tags the estimate used, so users can check it.
        frame["building"] = _tag(f, "building")
        return frame, dropped
    if kind == "buildings":
        keep = gtype.isin(["Polygon", "MultiPolygon"])
        if (~keep).any():
            dropped[_DROPPED_HOMES] = int((~keep).sum())
        f = f[keep]
        frame = gpd.GeoDataFrame(
            {"building_type": _tag(f, "building"), "source": "osm"}, geometry=f.geometry, crs=f.crs
        )
        return frame, dropped
    if kind == "services":
        cat = _service_category(f)
        keep = cat != ""
        geom = f.geometry[keep]
        lines = geom.geom_type.isin(["LineString", "MultiLineString"])
        if lines.any():  # a service mapped as an unclosed way: a point on it
            geom = geom.where(~lines, geom[lines].representative_point())
        frame = gpd.GeoDataFrame(
            {"category": cat[keep], "name": _tag(f, "name")[keep]}, geometry=geom, crs=f.crs
        )
        reason = "tags that are not a service category (e.g. amenity=bench)"
    elif kind == "green":
        gt = _green_type(f)
        tagged = gt != ""
        keep = tagged & gtype.isin(["Polygon", "MultiPolygon"])
        frame = gpd.GeoDataFrame(
            {"green_type": gt[keep], "name": _tag(f, "name")[keep]},
            geometry=f.geometry[keep], crs=f.crs,
        )  # fmt: skip
        if (tagged & ~keep).any():
            dropped["green areas mapped as points or lines, not areas"] = int(
                (tagged & ~keep).sum()
            )
        keep = tagged  # the rest: tags that are not a green type
        reason = "tags that are not a green type"
    elif kind == "transit":
        mode = _transit_mode(f)
        nm = _tag(f, "name")
        nm = nm.where(nm != "", _tag(f, "ref"))
        keep = mode != ""
        frame = gpd.GeoDataFrame(
            {"name": nm, "mode": mode, "status": "existing"},
            geometry=f.geometry.representative_point(), crs=f.crs,
        )[keep]  # fmt: skip
        plain_platform = (
            (_tag(f, "public_transport") == "platform")
            & (_tag(f, "highway") != "bus_stop")
            & (_tag(f, "railway").isin(["", "platform"]))
        )
        n_before = len(frame)
        frame = _dedupe_platforms(frame, plain_platform)
        if len(frame) < n_before:
            dropped["platforms within 100 m of a stop or station of the same mode"] = (
                n_before - len(frame)
            )
        reason = "tags that are not a transit stop of a known mode"
    elif kind == "barriers":
        frame = osm_barriers(f)
        keep = f.index.isin(frame.index)
        reason = "bridges, tunnels and covered ways (not barriers on the ground), or not lines"
    else:  # roads
        hw = _tag(f, "highway")
        is_road = hw.isin(ROAD_CLASSES)
        keep = is_road & gtype.isin(["LineString", "MultiLineString"])
        frame = gpd.GeoDataFrame(
            {
                "road_class": hw[keep],
                "ref": _clean_ref(_tag(f, "ref")[keep]),
                "name": _tag(f, "name")[keep],
            },
            geometry=f.geometry[keep], crs=f.crs,
        )  # fmt: skip
        if (is_road & ~keep).any():
            dropped["roads mapped as areas or points, not lines"] = int((is_road & ~keep).sum())
        keep = is_road
        reason = "highway values that are not a road class"
    if (~keep).any():
        dropped[reason] = int((~keep).sum())
    return frame, dropped


def osm_features_to_layer(
    features: gpd.GeoDataFrame,
    kind: str,
    /,
    *,
    name: str | None = None,
    source: str = "OpenStreetMap",
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Map OSM features (tag columns, as ``ox.features_from_*`` returns) to a canonical layer.

    Parameters
    ----------
    features
        OSM features in EPSG:4326 (or any CRS), one column per tag, indexed by
        ``(element, id)`` as osmnx does (any index works). Not modified.
    kind
        ``homes``, ``services``, ``green``, ``transit``, ``roads`` or ``buildings``.
    name
        Layer name for messages (defaults to ``osm:<kind>``).
    source
        Recorded in the load report.
    settings
        Run settings (working CRS, persons per dwelling).

    Returns
    -------
    geopandas.GeoDataFrame
        The canonical layer (see :mod:`arealanalyse.layers.schema`), indexed ``"way/123"``.
        Features that do not map to the kind (wrong geometry, unmapped tag) are dropped and
        counted in ``attrs["arealanalyse"]["dropped"]``, by reason in ``"dropped_by_reason"``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> f = gpd.GeoDataFrame({"shop": ["supermarket", "florist", None],
    ...                       "amenity": [None, None, "school"], "name": ["Kiwi", "Blomst", "X"]},
    ...                      geometry=[Point(10.6, 59.9)] * 3, crs=4326)
    >>> osm_features_to_layer(f, "services")["category"].tolist()
    ['grocery', 'retail', 'school']
    """
    name = name or f"osm:{kind}"
    f = features.copy()
    f.index = _osm_index(features)
    frame, dropped = map_features(f, kind)
    if frame.empty:
        raise EmptyLayerError(
            f"Layer {name!r}: none of the {len(f)} OSM features map to kind {kind!r}; "
            f"check the extract covers the area (tags used: {OSM_TAGS[kind]})."
        )
    return finish_layer(frame, kind, name=name, source=source, settings=settings,
                        dropped=dropped)  # fmt: skip


def finish_layer(
    frame: gpd.GeoDataFrame,
    kind: str,
    /,
    *,
    name: str,
    source: str,
    settings: Settings | None,
    dropped: dict[str, int],
    repaired: dict[str, int] | None = None,
) -> gpd.GeoDataFrame:
    """Validate a mapped OSM frame and write the counts by reason into its load report."""
    out = normalize(frame.drop(columns=["building"], errors="ignore"), kind, name=name,
                    source=source, settings=settings)  # fmt: skip
    if kind == "homes":
        out.insert(len(out.columns) - 1, "building", frame["building"].loc[out.index])
    report = dict(out.attrs.get("arealanalyse", {}))
    by_reason = {k: int(v) for k, v in dropped.items() if v}
    fixed = {k: int(v) for k, v in (repaired or {}).items() if v}
    if report.get("repaired"):
        fixed["invalid geometry made valid"] = int(report["repaired"])
    report["dropped"] = int(report.get("dropped", 0)) + sum(by_reason.values())
    report["dropped_by_reason"] = by_reason
    report["repaired"] = sum(fixed.values())
    report["repaired_by_reason"] = fixed
    if by_reason:
        report["dropped_reason"] = "; ".join(f"{k}: {v}" for k, v in by_reason.items())
    out.attrs["arealanalyse"] = report
    return out


# --------------------------------------------------------------------------------------------
# Walk network from an osmnx graph
# --------------------------------------------------------------------------------------------


def _first(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return str(value[0]) if value else ""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def graph_to_walk_network(
    G: nx.MultiDiGraph,
    /,
    *,
    largest_component: bool = True,
    name: str = "osm:walk_network",
    source: str = "OpenStreetMap",
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Turn an osmnx walk graph into the canonical ``walk_network`` layer.

    Each undirected edge becomes one line segment between two graph nodes (intersections or
    dead ends in a simplified graph), so the segments' endpoints rebuild the same graph.
    Two-way edges are kept once (``ox.convert.to_undirected``).

    Parameters
    ----------
    G
        A graph from ``ox.graph_from_*`` or ``ox.graph_from_xml`` (any CRS osmnx uses).
    largest_component
        Keep only the largest connected component (by number of nodes). Its share of all
        nodes is recorded as ``attrs["arealanalyse"]["largest_component_share"]`` either way.
    name, source
        For messages and the load report.
    settings
        Run settings (working CRS).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``highway``, ``length_m`` and the line geometry, indexed ``"u-v-key"``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(crs="epsg:4326")
    >>> for n, (x, y) in enumerate([(10.60, 59.90), (10.601, 59.90), (10.601, 59.901)]):
    ...     G.add_node(n, x=x, y=y)
    >>> for u, v in [(0, 1), (1, 0), (1, 2), (2, 1)]:
    ...     _ = G.add_edge(u, v, highway="footway", osmid=1, length=1.0, oneway=False,
    ...                    reversed=u > v)
    >>> net = graph_to_walk_network(G)
    >>> len(net), net.crs.to_epsg(), round(float(net["length_m"].sum()))
    (2, 25832, 167)
    """
    import osmnx as ox

    if G.number_of_edges() == 0:
        raise EmptyLayerError(f"Layer {name!r}: the walk graph has no edges.")
    U = ox.convert.to_undirected(G)
    comps = list(nx.connected_components(U))
    biggest = max(comps, key=len)
    share = len(biggest) / U.number_of_nodes()
    if largest_component and len(comps) > 1:
        U = U.subgraph(biggest).copy()
    edges = ox.convert.graph_to_gdfs(U, nodes=False, fill_edge_geometry=True)
    hw = edges["highway"] if "highway" in edges.columns else pd.Series("", index=edges.index)
    frame = gpd.GeoDataFrame(
        {"highway": hw.map(_first)},
        geometry=edges.geometry.to_numpy(),
        crs=edges.crs,
    )
    frame.index = pd.Index([f"{u}-{v}-{k}" for u, v, k in edges.index], name="edge_id")
    out = normalize(frame, "walk_network", name=name, source=source, settings=settings)
    report = dict(out.attrs.get("arealanalyse", {}))
    report["largest_component_share"] = share
    report["components"] = len(comps)
    out.attrs["arealanalyse"] = report
    return out

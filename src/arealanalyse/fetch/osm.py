"""OpenStreetMap layers from the Overpass API, through the same mapping as a PBF file.

One Overpass query per kind, answered as OSM XML (``[out:xml]``), saved in the cache and read by
:func:`arealanalyse.layers.osm.read_osm`, the very function that reads a PBF:

* ``walk_network``: ways matching osmnx's ``"walk"`` filter (:func:`~arealanalyse.layers.osm.
  walk_way_filter`) and their nodes; the walk graph is noded like any other line source;
* ``homes``, ``services``, ``green``, ``transit``, ``roads``: nodes, ways and relations with the
  tags in :data:`~arealanalyse.layers.osm.OSM_TAGS`, plus the nodes and ways they are made of.

The HTTP goes through :class:`~arealanalyse.fetch.http.HttpClient` rather than osmnx's own
downloader: osmnx sleeps 55 s and retries without limit on a 429, patches
``socket.getaddrinfo`` process-wide, and has no resumable downloads. The endpoint defaults to
osmnx's ``settings.overpass_url``. © OpenStreetMap contributors, ODbL.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd

from arealanalyse.fetch._common import bbox_lonlat, clip_to
from arealanalyse.fetch.http import HttpClient, Request
from arealanalyse.layers.dwellings import BUSINESS_TAGS
from arealanalyse.layers.osm import OSM_KINDS, OSM_TAGS, read_osm, walk_way_filter
from arealanalyse.settings import Settings

__all__ = [
    "CLIP_TOLERANCE_M",
    "SERVICE",
    "default_overpass_url",
    "fetch_osm_layer",
    "overpass_query",
    "overpass_request",
]

#: Service name in messages, the cache and the catalogue's ``missing`` section.
SERVICE = "Overpass API (OpenStreetMap)"

#: How far beyond the municipal boundary each OSM kind is kept (m): a grocery store or a path
#: just across the border is part of residents' walking access; homes and roads are not.
CLIP_TOLERANCE_M: dict[str, float] = {
    "walk_network": 1000.0,
    "services": 1000.0,
    "transit": 1000.0,
    "green": 500.0,
    "homes": 0.0,
    "roads": 0.0,
}


def default_overpass_url() -> str:
    """Return osmnx's configured Overpass endpoint (``ox.settings.overpass_url``) + interpreter.

    Examples
    --------
    >>> default_overpass_url().endswith("/interpreter")
    True
    """
    import osmnx as ox

    return str(ox.settings.overpass_url).rstrip("/") + "/interpreter"


def _tag_filter(key: str, values: bool | list[str]) -> str:
    if values is True:
        return f'["{key}"]'
    alts = "|".join(re.escape(str(v)) for v in values)  # type: ignore[union-attr]
    return f'["{key}"~"^({alts})$"]'


def overpass_query(kind: str, bbox: tuple[float, ...], /, *, timeout_s: int = 180) -> str:
    """Return the Overpass QL query for ``kind`` in ``bbox`` = (south, west, north, east).

    Examples
    --------
    >>> q = overpass_query("homes", (59.9, 10.6, 59.91, 10.62))
    >>> print(q.replace(";", ";\\n"))  # doctest: +ELLIPSIS
    [out:xml][timeout:180];
    (node["building"](59.9,10.6,59.91,10.62);
    way["building"](59.9,10.6,59.91,10.62);
    relation["building"](59.9,10.6,59.91,10.62);
    node["shop"](59.9,10.6,59.91,10.62);
    node["craft"](59.9,10.6,59.91,10.62);
    node["amenity"~"^(restaurant|cafe|...)$"](59.9,10.6,59.91,10.62);
    );
    (._;
    >;
    );
    out body;
    <BLANKLINE>
    """
    if kind not in OSM_KINDS:
        raise ValueError(f"no Overpass query for kind {kind!r}; use one of {OSM_KINDS}")
    b = ",".join(f"{v:.6f}".rstrip("0").rstrip(".") for v in bbox)
    head = f"[out:xml][timeout:{int(timeout_s)}];"
    if kind == "walk_network":
        return f"{head}(way{walk_way_filter()}({b}););(._;>;);out body;"
    parts = []
    for key, values in OSM_TAGS[kind].items():
        f = _tag_filter(key, values)
        parts += [f"node{f}({b});", f"way{f}({b});", f"relation{f}({b});"]
    if kind == "homes":  # shops and cafés inside buildings: ground floors without dwellings
        parts += [f"node{_tag_filter(k, v)}({b});" for k, v in BUSINESS_TAGS.items()]
    return f"{head}({''.join(parts)});(._;>;);out body;"


def _check_overpass(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", "replace")
    if "<osm" not in head:
        return "the answer is not OSM XML; the Overpass server may be overloaded, try later."
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 4096))
        tail = fh.read().decode("utf-8", "replace")
    m = re.search(r"<remark>(.*?)</remark>", head + tail, flags=re.S)
    if m and "error" in m.group(1).lower():
        return (
            f"Overpass stopped the query ({' '.join(m.group(1).split())[:160]}); try again later "
            "or use a mirror with --endpoint overpass=URL."
        )
    if "</osm>" not in tail:
        return "the OSM XML answer is cut off (no closing </osm>); try again later."
    return None


def overpass_request(
    kind: str,
    bbox: tuple[float, ...] | None,
    /,
    *,
    endpoint: str | None = None,
    timeout_s: int = 180,
) -> Request:
    """Return the Overpass request for ``kind`` in ``bbox`` (south, west, north, east).

    ``bbox=None`` describes the request before the boundary is known (``--dry-run``): the
    query then names the area instead of its coordinates.

    Examples
    --------
    >>> r = overpass_request("roads", (59.9, 10.6, 59.91, 10.62), endpoint="https://op/i")
    >>> r.method, r.url, r.data["data"].startswith("[out:xml][timeout:180];")
    ('POST', 'https://op/i', True)
    """
    if bbox is None:
        tol = CLIP_TOLERANCE_M[kind]
        query = (
            f"[out:xml][timeout:{int(timeout_s)}];<the {kind} query of overpass_query() in the "
            f"municipality's bounding box + {tol + 100:g} m, known after the boundary step>"
        )
    else:
        query = overpass_query(kind, bbox, timeout_s=timeout_s)
    return Request(
        SERVICE,
        endpoint or default_overpass_url(),
        method="POST",
        data={"data": query},
        suffix=".osm",
        validate=_check_overpass,
    )


def fetch_osm_layer(
    kind: str,
    boundary: gpd.GeoDataFrame,
    /,
    *,
    client: HttpClient,
    endpoint: str | None = None,
    timeout_s: int = 180,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Download one OSM kind for the area of ``boundary`` and return the canonical layer.

    The query covers the boundary's bounding box widened by the kind's clip tolerance
    (:data:`CLIP_TOLERANCE_M`); features are then kept if they reach within that tolerance of
    the boundary itself.

    Examples
    --------
    Needs a network::

        from arealanalyse.fetch.kartverket import fetch_boundary
        client = HttpClient("cache")
        baerum = fetch_boundary("3201", client=client)
        net = fetch_osm_layer("walk_network", baerum, client=client)
    """
    tol = CLIP_TOLERANCE_M[kind]
    bbox = bbox_lonlat(boundary, buffer_m=tol + 100.0)
    path = client.fetch_request(
        overpass_request(kind, bbox, endpoint=endpoint, timeout_s=timeout_s)
    )
    # The very reader a PBF goes through (walk filter, osmnx graph/features, tag mapping).
    layer = read_osm(path, kind, settings=settings)
    return clip_to(layer, boundary, tolerance_m=tol, name=f"osm:{kind}")

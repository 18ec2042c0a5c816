"""Municipality boundary from Kartverket's open ``kommuneinfo`` API.

``GET https://ws.geonorge.no/kommuneinfo/v1/kommuner/{kommunenummer}/omrade?utkoordsys=25832``
answers JSON: ``{"kommunenummer": "3201", "kommunenavn": "Bærum", "omrade": {"type":
"MultiPolygon", "coordinates": [...], "crs": {"type": "name", "properties": {"name":
"EPSG:25832"}}}}``. © Kartverket, CC BY 4.0.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
from shapely.geometry import shape

from arealanalyse.errors import FetchError
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.http import HttpClient, Request
from arealanalyse.layers.validate import normalize
from arealanalyse.settings import Settings

__all__ = [
    "SERVICE",
    "boundary_request",
    "check_kommunenummer",
    "fetch_boundary",
    "parse_kommuneinfo",
]

#: Service name in messages, the cache and the catalogue's ``missing`` section.
SERVICE = "Kartverket kommuneinfo"


def check_kommunenummer(kommunenummer: str) -> str:
    """Return a valid four-digit kommunenummer or raise.

    Examples
    --------
    >>> check_kommunenummer("3201")
    '3201'
    >>> check_kommunenummer("301")
    '0301'
    """
    k = str(kommunenummer).strip()
    if re.fullmatch(r"\d{3}", k):
        k = "0" + k
    if not re.fullmatch(r"\d{4}", k):
        raise FetchError(
            f"kommunenummer {kommunenummer!r} is not four digits; use e.g. 3201 (Bærum) "
            "or 3203 (Asker)."
        )
    return k


def parse_kommuneinfo(
    path: str | Path, /, *, default_crs: str = "EPSG:25832", settings: Settings | None = None
) -> gpd.GeoDataFrame:
    """Parse a saved ``kommuneinfo/.../omrade`` answer into a canonical ``boundary`` layer.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "omrade.json"
    >>> ring = [[589000, 6640000], [590000, 6640000], [590000, 6641000], [589000, 6640000]]
    >>> _ = p.write_text(json.dumps({"kommunenummer": "3201", "kommunenavn": "Bærum",
    ...     "omrade": {"type": "Polygon", "coordinates": [ring],
    ...                "crs": {"type": "name", "properties": {"name": "EPSG:25832"}}}}))
    >>> b = parse_kommuneinfo(p)
    >>> b["name"].iloc[0], b.crs.to_epsg(), round(float(b.area.iloc[0]))
    ('Bærum', 25832, 500000)
    """
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
        geom_doc = dict(doc["omrade"])
    except (ValueError, KeyError, TypeError) as exc:
        raise FetchError(
            f"Kartverket kommuneinfo: answer {p.name} is not the expected JSON with an 'omrade' "
            f"geometry ({type(exc).__name__}); the API may have changed."
        ) from None
    crs = geom_doc.pop("crs", None)
    crs_name = (crs or {}).get("properties", {}).get("name")
    geom = shape(geom_doc)
    if not crs_name:  # no crs member: degrees mean EUREF89 lon/lat, metres the asked-for UTM
        minx, miny, maxx, maxy = geom.bounds
        degrees = max(abs(minx), abs(maxx)) <= 180 and max(abs(miny), abs(maxy)) <= 90
        crs_name = "EPSG:4258" if degrees else default_crs
    gdf = gpd.GeoDataFrame(
        {
            "kommunenummer": [str(doc.get("kommunenummer", ""))],
            "name": [str(doc.get("kommunenavn", ""))],
        },
        geometry=[geom],
        crs=crs_name,
    )
    return normalize(gdf, "boundary", name="boundary", source="Kartverket kommuneinfo",
                     settings=settings)  # fmt: skip


def _check_json(path: Path) -> str | None:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return "the answer is not complete JSON (cut off, or an error page); try again later."
    return None


def boundary_request(kommunenummer: str, /, *, endpoint: str = ENDPOINTS["kommuneinfo"]) -> Request:
    """Return the request for a municipality's outline in EPSG:25832.

    Examples
    --------
    >>> boundary_request("3201").display_url()
    'https://ws.geonorge.no/kommuneinfo/v1/kommuner/3201/omrade?utkoordsys=25832'
    """
    k = check_kommunenummer(kommunenummer)
    return Request(
        SERVICE,
        endpoint.format(kommunenummer=k),
        params={"utkoordsys": "25832"},
        suffix=".json",
        headers={"Accept": "application/json"},
        validate=_check_json,
    )


def fetch_boundary(
    kommunenummer: str,
    /,
    *,
    client: HttpClient,
    endpoint: str = ENDPOINTS["kommuneinfo"],
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Download a municipality's boundary (EPSG:25832) from Kartverket.

    Examples
    --------
    Needs a network::

        client = HttpClient("cache")
        fetch_boundary("3201", client=client)["name"].iloc[0]
    """
    path = client.fetch_request(boundary_request(kommunenummer, endpoint=endpoint))
    return parse_kommuneinfo(path, settings=settings)

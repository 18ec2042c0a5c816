"""Stops and stations from Entur's national stop register (NSR), NeTEx export.

Entur publishes the register per county as zipped NeTEx
(``https://storage.googleapis.com/marduk-production/tiamat/32_Akershus_latest.zip``). Each
``StopPlace`` has an ``NSR:StopPlace:…`` id, a ``Name``, a ``Centroid/Location`` in WGS 84 and a
``StopPlaceType`` (``railStation``, ``metroStation``, ``tramStation``, ``onstreetBus``,
``busStation``, ``ferryStop``...). Parent (multimodal) stop places without a type are skipped;
their children carry the types (and the parent's name where they have none); see
:mod:`arealanalyse.layers.netex`. Stops are kept within 300 m of the municipality (stations on the
border, like Lysaker, sit just outside generalised boundaries). Entur, NLOD.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd

from arealanalyse.errors import FetchError
from arealanalyse.fetch._common import clip_to
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.http import HttpClient, Request
from arealanalyse.settings import Settings

__all__ = [
    "COUNTY_FILES",
    "SERVICE",
    "county_file",
    "fetch_transit",
    "nsr_request",
    "read_stop_register",
]

#: Service name in messages, the cache and the catalogue's ``missing`` section.
SERVICE = "Entur stoppestedsregister (NSR)"

#: County number → file name stem of Entur's per-county NSR export (counties from 2024).
COUNTY_FILES: dict[str, str] = {
    "03": "03_Oslo",
    "11": "11_Rogaland",
    "15": "15_More og Romsdal",
    "18": "18_Nordland",
    "31": "31_Ostfold",
    "32": "32_Akershus",
    "33": "33_Buskerud",
    "34": "34_Innlandet",
    "39": "39_Vestfold",
    "40": "40_Telemark",
    "42": "42_Agder",
    "46": "46_Vestland",
    "50": "50_Trondelag",
    "55": "55_Troms",
    "56": "56_Finnmark",
}

# Stops within this distance of the boundary are kept (border stations).
TOLERANCE_M = 300.0


def _check_zip(path: Path) -> str | None:
    if not zipfile.is_zipfile(path):
        return "the answer is not a complete zip archive (cut off, or an error page); try again."
    return None


def county_file(kommunenummer: str, /) -> str:
    """Return the stem of the county's NSR export for a kommunenummer.

    Examples
    --------
    >>> county_file("3201"), county_file("0301")
    ('32_Akershus', '03_Oslo')
    """
    county = COUNTY_FILES.get(kommunenummer[:2])
    if county is None:
        raise FetchError(
            f"Entur NSR: no county export known for kommunenummer {kommunenummer}; "
            "pass the file's URL with --endpoint entur_nsr=URL."
        )
    return county


def nsr_request(kommunenummer: str, /, *, endpoint: str = ENDPOINTS["entur_nsr"]) -> Request:
    """Return the request for the county's stop register export.

    Examples
    --------
    >>> nsr_request("3201").display_url()
    'https://storage.googleapis.com/marduk-production/tiamat/32_Akershus_latest.zip'
    """
    url = endpoint
    if "{county}" in endpoint:
        url = endpoint.format(county=county_file(kommunenummer))
    return Request(SERVICE, url, suffix=".zip", validate=_check_zip)


def read_stop_register(
    path: str | Path,
    boundary: gpd.GeoDataFrame,
    /,
    *,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Read a saved NSR export (zip or XML) as the municipality's ``transit`` layer.

    The file is read by the layer reader (:func:`arealanalyse.layers.readers.read_layer`, NeTEx
    through :func:`arealanalyse.layers.netex.read_netex_stop_places`), the one NeTEx parser of
    the package. Stops are kept within :data:`TOLERANCE_M` of the boundary.
    """
    from arealanalyse.layers.readers import read_layer

    layer = read_layer(path, "transit", name="entur:transit", format="netex",
                       values={"status": "existing"}, settings=settings)  # fmt: skip
    return clip_to(layer, boundary, tolerance_m=TOLERANCE_M, name="entur:transit")


def fetch_transit(
    kommunenummer: str,
    boundary: gpd.GeoDataFrame,
    /,
    *,
    client: HttpClient,
    endpoint: str = ENDPOINTS["entur_nsr"],
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Download the county's NSR export and return the municipality's ``transit`` layer.

    Examples
    --------
    Needs a network::

        stops = fetch_transit("3201", baerum, client=HttpClient("cache"))
        stops["mode"].value_counts()
    """
    path = client.fetch_request(nsr_request(kommunenummer, endpoint=endpoint))
    return read_stop_register(path, boundary, settings=settings)

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

from arealanalyse.errors import ArealanalyseError, FetchError
from arealanalyse.fetch._common import clip_to
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.http import HttpClient, Request
from arealanalyse.layers.netex import NETEX_MODES, read_netex_stop_places
from arealanalyse.layers.validate import normalize
from arealanalyse.settings import Settings

__all__ = [
    "COUNTY_FILES",
    "SERVICE",
    "STOP_PLACE_MODES",
    "county_file",
    "fetch_transit",
    "nsr_request",
    "parse_netex_stop_places",
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

#: NeTEx StopPlaceType (or TransportMode) → canonical transit mode (defined with the reader).
STOP_PLACE_MODES = NETEX_MODES

# Stops within this distance of the boundary are kept (border stations).
TOLERANCE_M = 300.0


def parse_netex_stop_places(path: str | Path, /) -> gpd.GeoDataFrame:
    """Parse the stop places of an NSR NeTEx export (zip or XML) into points (EPSG:4326).

    The reader is :func:`arealanalyse.layers.netex.read_netex_stop_places` (children named after
    their parent where they have no name of their own); its errors become :class:`FetchError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "nsr.xml"
    >>> _ = p.write_text(
    ...     '<PublicationDelivery xmlns="http://www.netex.org.uk/netex"><dataObjects><SiteFrame>'
    ...     '<stopPlaces><StopPlace id="NSR:StopPlace:1"><Name>Sandvika stasjon</Name>'
    ...     '<Centroid><Location><Longitude>10.524</Longitude><Latitude>59.891</Latitude>'
    ...     '</Location></Centroid><TransportMode>rail</TransportMode>'
    ...     '<StopPlaceType>railStation</StopPlaceType></StopPlace></stopPlaces>'
    ...     '</SiteFrame></dataObjects></PublicationDelivery>')
    >>> parse_netex_stop_places(p)[["name", "mode", "nsr_id"]].values.tolist()
    [['Sandvika stasjon', 'rail', 'NSR:StopPlace:1']]
    """
    try:
        return read_netex_stop_places(path, name="Entur NSR")
    except ArealanalyseError as exc:
        raise FetchError(f"Entur NSR: {exc}") from None


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

    Stops are kept within :data:`TOLERANCE_M` of the boundary.
    """
    stops = parse_netex_stop_places(path)
    layer = normalize(stops, "transit", name="entur:transit", values={"status": "existing"},
                      source="Entur NSR", settings=settings)  # fmt: skip
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

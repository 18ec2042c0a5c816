"""Stop places and quays from NeTEx: Entur's national stop register (NSR) and timetable exports.

Entur publishes the register (NSR, "Nasjonalt stoppestedsregister") as NeTEx XML, plain or zipped,
per county and for the whole country (developer.entur.org, "Stops and timetable data"). Each
``StopPlace`` has an ``NSR:StopPlace:…`` id, a ``Name``, a ``Centroid/Location`` (WGS 84
longitude/latitude), a ``TransportMode`` and a ``StopPlaceType`` (``railStation``,
``metroStation``, ``onstreetBus``...) and lists its ``Quay`` elements (platforms, bus stop poles),
each with its own centroid. Multimodal stations are a *parent* stop place (no type, with the
station's name) whose *children* (``ParentSiteRef``) carry one mode each; older exports leave
``Name`` off the children.

:func:`read_netex_stop_places` gives one row per stop place with a mode: children get the
parent's name when they have none, their ``parent_id`` (so callers can merge them back into the
station) and a position from their own centroid, the mean of their quays or the parent's centroid.
Parents are represented by their children; stop places without a transport mode (a parent whose
children are not in the file, an airport) are dropped and counted. :func:`read_netex_quays` gives
one row per quay with the id of its stop place, for timetables that refer to quays.

The reader streams the XML (any size), ignores XML namespaces (NSR files come both with and
without the NeTEx default namespace) and reads every ``.xml`` member of a zip.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import EmptyLayerError, LayerFileError

__all__ = [
    "NETEX_MODES",
    "is_netex",
    "read_netex_quays",
    "read_netex_stop_places",
]

#: NeTEx ``StopPlaceType`` and ``TransportMode`` values → canonical transit mode. Types are tried
#: before modes. Values not listed (``airport``, ``liftStation``, ``air``, ``cableway``,
#: ``funicular``...) have no canonical mode.
NETEX_MODES: dict[str, str] = {
    # StopPlaceType
    "railStation": "rail",
    "metroStation": "metro",
    "tramStation": "tram",
    "onstreetTram": "tram",
    "busStation": "bus",
    "onstreetBus": "bus",
    "coachStation": "bus",
    "ferryStop": "ferry",
    "ferryPort": "ferry",
    "harbourPort": "ferry",
    # TransportMode
    "rail": "rail",
    "metro": "metro",
    "tram": "tram",
    "bus": "bus",
    "coach": "bus",
    "trolleyBus": "bus",
    "water": "ferry",
    "ferry": "ferry",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el: ET.Element | None, *path: str) -> str:
    for name in path:
        if el is None:
            return ""
        el = _child(el, name)
    return (el.text or "").strip() if el is not None else ""


def _location(el: ET.Element) -> tuple[float, float] | None:
    lon = _text(el, "Centroid", "Location", "Longitude")
    lat = _text(el, "Centroid", "Location", "Latitude")
    try:
        return (float(lon), float(lat)) if lon and lat else None
    except ValueError:
        return None


@dataclass
class _Quay:
    quay_id: str
    name: str
    public_code: str
    xy: tuple[float, float] | None


@dataclass
class _StopPlace:
    nsr_id: str
    name: str
    stop_place_type: str
    transport_mode: str
    parent_id: str
    xy: tuple[float, float] | None
    quays: list[_Quay] = field(default_factory=list)

    @property
    def mode(self) -> str:
        return NETEX_MODES.get(self.stop_place_type) or NETEX_MODES.get(self.transport_mode, "")


@contextlib.contextmanager
def _open_members(path: Path) -> Iterator[list[tuple[str, IO[bytes]]]]:
    """Yield (name, binary stream) of every XML document in ``path`` (an XML file or a zip)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf, contextlib.ExitStack() as stack:
            names = sorted(n for n in zf.namelist() if n.lower().endswith(".xml"))
            yield [(n, stack.enter_context(zf.open(n))) for n in names]
    else:
        with path.open("rb") as fh:
            yield [(path.name, fh)]


def is_netex(path: str | Path, /) -> bool:
    """Whether ``path`` (XML or zip of XML) is a NeTEx ``PublicationDelivery``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.xml"
    >>> _ = p.write_text('<PublicationDelivery xmlns="http://www.netex.org.uk/netex"/>')
    >>> is_netex(p)
    True
    """
    p = Path(path)
    try:
        with _open_members(p) as members:
            for _name, fh in members[:3]:
                if b"PublicationDelivery" in fh.read(4096):
                    return True
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def _parse(path: Path, name: str) -> tuple[list[_StopPlace], int]:
    """Stream every StopPlace of ``path``; return them and the number of XML documents read."""
    places: list[_StopPlace] = []
    docs = 0
    try:
        with _open_members(path) as members:
            for member, fh in members:
                docs += 1
                inside = 0  # depth of StopPlace elements around the current one
                try:
                    for event, el in ET.iterparse(fh, events=("start", "end")):
                        is_sp = _local(el.tag) == "StopPlace"
                        if event == "start":
                            inside += is_sp
                            continue
                        if not is_sp:
                            if inside == 0:
                                el.clear()  # keep memory flat on large exports
                            continue
                        inside -= 1
                        parent = _child(el, "ParentSiteRef")
                        sp = _StopPlace(
                            nsr_id=el.get("id", ""),
                            name=_text(el, "Name"),
                            stop_place_type=_text(el, "StopPlaceType"),
                            transport_mode=_text(el, "TransportMode"),
                            parent_id=parent.get("ref", "") if parent is not None else "",
                            xy=_location(el),
                        )
                        quays = _child(el, "quays")
                        for q in quays if quays is not None else []:
                            if _local(q.tag) == "Quay":
                                sp.quays.append(
                                    _Quay(
                                        quay_id=q.get("id", ""),
                                        name=_text(q, "Name"),
                                        public_code=_text(q, "PublicCode"),
                                        xy=_location(q),
                                    )
                                )
                        places.append(sp)
                        el.clear()
                except ET.ParseError as exc:
                    raise LayerFileError(
                        f"Layer {name!r}: {member} in {path.name} is not valid XML ({exc}); "
                        "is it a complete NeTEx file?"
                    ) from None
    except zipfile.BadZipFile:
        raise LayerFileError(f"Layer {name!r}: {path.name} is not a valid zip file.") from None
    if docs == 0:
        raise LayerFileError(f"Layer {name!r}: {path.name} holds no NeTEx XML file.")
    return places, docs


def _resolve(places: list[_StopPlace]) -> int:
    """Fill children's missing names and positions from their parents and quays.

    Returns the number of names taken from a parent.
    """
    by_id = {sp.nsr_id: sp for sp in places}
    named = 0
    for sp in places:
        parent = by_id.get(sp.parent_id) if sp.parent_id else None
        if not sp.name and parent is not None and parent.name:
            sp.name = parent.name
            named += 1
        if sp.xy is None:
            qxy = [q.xy for q in sp.quays if q.xy is not None]
            if qxy:
                arr = np.asarray(qxy)
                sp.xy = (float(arr[:, 0].mean()), float(arr[:, 1].mean()))
            elif parent is not None and parent.xy is not None:
                sp.xy = parent.xy
    return named


def read_netex_stop_places(path: str | Path, /, *, name: str = "transit") -> gpd.GeoDataFrame:
    """Read the stop places of a NeTEx file (XML or zip) as points in EPSG:4326.

    Parameters
    ----------
    path
        NSR export or any NeTEx ``PublicationDelivery`` with a ``SiteFrame``; plain or zipped.
    name
        Layer name for messages.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per stop place with a mode: ``nsr_id``, ``name``, ``mode`` (rail, metro, tram,
        bus, ferry), ``stop_place_type``, ``transport_mode``, ``parent_id`` (the multimodal
        station it belongs to, or ``""``), ``n_quays``. ``attrs["source_info"]`` counts stop
        places read, dropped for want of a mode or a position, and names taken from parents.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "nsr.xml"
    >>> _ = p.write_text(
    ...     '<PublicationDelivery><dataObjects><SiteFrame><stopPlaces>'
    ...     '<StopPlace id="NSR:StopPlace:1"><Name>Sandvika stasjon</Name>'
    ...     '<Centroid><Location><Longitude>10.524</Longitude><Latitude>59.891</Latitude>'
    ...     '</Location></Centroid></StopPlace>'
    ...     '<StopPlace id="NSR:StopPlace:2"><ParentSiteRef ref="NSR:StopPlace:1"/>'
    ...     '<TransportMode>rail</TransportMode><StopPlaceType>railStation</StopPlaceType>'
    ...     '<quays><Quay id="NSR:Quay:7"><Centroid><Location><Longitude>10.525</Longitude>'
    ...     '<Latitude>59.892</Latitude></Location></Centroid></Quay></quays></StopPlace>'
    ...     '</stopPlaces></SiteFrame></dataObjects></PublicationDelivery>')
    >>> read_netex_stop_places(p)[["nsr_id", "name", "mode", "parent_id"]].values.tolist()
    [['NSR:StopPlace:2', 'Sandvika stasjon', 'rail', 'NSR:StopPlace:1']]
    """
    p = Path(path)
    places, docs = _parse(p, name)
    if not places:
        raise EmptyLayerError(
            f"Layer {name!r}: {p.name} has no StopPlace elements; is it a stop register "
            "(NSR) export?"
        )
    named_from_parent = _resolve(places)
    parents = {sp.parent_id for sp in places if sp.parent_id}
    rows: list[dict[str, Any]] = []
    xy: list[tuple[float, float]] = []
    no_mode = no_position = 0
    for sp in places:
        if not sp.mode:
            if sp.nsr_id not in parents:
                no_mode += 1
            continue
        if sp.xy is None:
            no_position += 1
            continue
        rows.append(
            {
                "nsr_id": sp.nsr_id,
                "name": sp.name,
                "mode": sp.mode,
                "stop_place_type": sp.stop_place_type,
                "transport_mode": sp.transport_mode,
                "parent_id": sp.parent_id,
                "n_quays": len(sp.quays),
            }
        )
        xy.append(sp.xy)
    if not rows:
        if all(sp.xy is None for sp in places):
            why = (
                "none has a position (Centroid/Location); a timetable export names its stops "
                "without coordinates: read the stop places from Entur's stop register (NSR)"
            )
        else:
            why = "none with a position has a rail, metro, tram, bus or ferry mode"
        raise EmptyLayerError(f"Layer {name!r}: {len(places)} stop places in {p.name}, but {why}.")
    arr = np.asarray(xy, dtype=float)
    gdf = gpd.GeoDataFrame(
        pd.DataFrame(rows), geometry=gpd.points_from_xy(arr[:, 0], arr[:, 1]), crs="EPSG:4326"
    )
    gdf.attrs["source_info"] = {
        "format": "netex",
        "documents": docs,
        "stop_places_in_file": len(places),
        "stop_places": len(gdf),
        "named_from_parent": named_from_parent,
        "dropped_without_mode": no_mode,
        "dropped_without_position": no_position,
    }
    return gdf


def read_netex_quays(path: str | Path, /, *, name: str = "quays") -> gpd.GeoDataFrame:
    """Read the quays of a NeTEx file as points (EPSG:4326), with their stop place.

    Columns: ``quay_id``, ``stop_place_id``, ``parent_id`` (the stop place's multimodal parent),
    ``name`` (the quay's own, else its stop place's), ``public_code``, ``mode`` (the stop place's,
    ``""`` when it has none). A quay without a centroid takes its stop place's position; quays
    with no position at all are dropped and counted in ``attrs["source_info"]``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "nsr.xml"
    >>> _ = p.write_text(
    ...     '<PublicationDelivery><StopPlace id="S1"><Name>Lysaker</Name>'
    ...     '<StopPlaceType>railStation</StopPlaceType><quays><Quay id="Q1">'
    ...     '<PublicCode>2</PublicCode><Centroid><Location><Longitude>10.63</Longitude>'
    ...     '<Latitude>59.91</Latitude></Location></Centroid></Quay></quays></StopPlace>'
    ...     '</PublicationDelivery>')
    >>> read_netex_quays(p)[["quay_id", "stop_place_id", "name", "public_code", "mode"]].values
    array([['Q1', 'S1', 'Lysaker', '2', 'rail']], dtype=object)
    """
    p = Path(path)
    places, docs = _parse(p, name)
    _resolve(places)
    rows: list[dict[str, Any]] = []
    xy: list[tuple[float, float]] = []
    dropped = 0
    for sp in places:
        for q in sp.quays:
            pos = q.xy or sp.xy
            if pos is None:
                dropped += 1
                continue
            rows.append(
                {
                    "quay_id": q.quay_id,
                    "stop_place_id": sp.nsr_id,
                    "parent_id": sp.parent_id,
                    "name": q.name or sp.name,
                    "public_code": q.public_code,
                    "mode": sp.mode,
                }
            )
            xy.append(pos)
    if not rows:
        raise EmptyLayerError(
            f"Layer {name!r}: {p.name} has no quays with a position (Centroid/Location)."
        )
    arr = np.asarray(xy, dtype=float)
    gdf = gpd.GeoDataFrame(
        pd.DataFrame(rows), geometry=gpd.points_from_xy(arr[:, 0], arr[:, 1]), crs="EPSG:4326"
    )
    gdf.attrs["source_info"] = {
        "format": "netex",
        "documents": docs,
        "quays": len(gdf),
        "dropped_without_position": dropped,
    }
    return gdf

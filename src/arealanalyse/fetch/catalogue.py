"""The services the fetchers use, their licences, and the catalogue YAML a fetch writes.

Every endpoint is listed once in :data:`ENDPOINTS` and can be overridden per run
(``fetch_kommune(..., endpoints={"overpass": "https://my.mirror/api/interpreter"})``, or
``arealanalyse fetch --endpoint overpass=URL``), e.g. for a mirror, a proxy or a newer address.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from arealanalyse.io import write_text

__all__ = [
    "AR50_COARSE_NOTE",
    "ENDPOINTS",
    "SOURCES",
    "Source",
    "catalogue_dict",
    "write_catalogue",
]


@dataclass(frozen=True)
class Source:
    """A data source as the catalogue's ``sources`` list records it."""

    name: str
    licence: str
    attribution: str
    url: str

    def as_dict(self) -> dict[str, str]:
        """Return the catalogue entry."""
        return {
            "name": self.name,
            "licence": self.licence,
            "attribution": self.attribution,
            "url": self.url,
        }


#: Default endpoints (override any of them per run). Each is cited in docs/data-sources.md.
ENDPOINTS: dict[str, str] = {
    # Kartverket's open API for administrative units ("kommuneinfo"); JSON with a GeoJSON geometry.
    "kommuneinfo": "https://ws.geonorge.no/kommuneinfo/v1/kommuner/{kommunenummer}/omrade",
    # Overpass API (the same default as osmnx's settings.overpass_url).
    "overpass": "https://overpass-api.de/api/interpreter",
    # NIBIO's open WFS for AR50 (MapServer, feature type ms:AR50): the coarse farmland fallback.
    "ar50": "https://wfs.nibio.no/cgi-bin/ar50_2",
    # SSB population on the 250 m grid, Geonorge's national file (zipped GML).
    "ssb_grid": (
        "https://nedlasting.geonorge.no/geonorge/Befolkning/"
        "BefolkningsstatistikkRutenett250m2025/GML/"
        "Befolkning_0000_Norge_25833_BefolkningsstatistikkRutenett250m2025_GML.zip"
    ),
    # Entur's national stop register (NSR) NeTEx export, per county ({county} = "32_Akershus").
    "entur_nsr": "https://storage.googleapis.com/marduk-production/tiamat/{county}_latest.zip",
}

#: Said wherever AR50 stands in for AR5 (source name on maps and reports, layer description).
AR50_COARSE_NOTE = (
    "GROVT: AR50 er AR5 generalisert til 1:50 000 – figurer under 15 daa er slått sammen med "
    "naboarealet, og fulldyrka og overflatedyrka jord er én klasse (vist som 21); bruk "
    "kommunens FKB-AR5 (arealanalyse fetch --farmland FIL) for jordvern og arealregnskap"
)

#: Sources and licences recorded in a fetched catalogue (shown on maps and reports).
SOURCES: dict[str, Source] = {
    "osm": Source(
        "OpenStreetMap (walk network, buildings, services, green areas, roads)",
        "ODbL-1.0",
        "© OpenStreetMap contributors",
        "https://www.openstreetmap.org/copyright",
    ),
    "kartverket": Source(
        "Kartverket, administrative enheter (kommunegrense)",
        "CC-BY-4.0",
        "© Kartverket",
        "https://ws.geonorge.no/kommuneinfo/v1/",
    ),
    "ar50": Source(
        f"NIBIO AR50 arealressurskart, jordbruksareal ({AR50_COARSE_NOTE})",
        "NLOD-2.0",
        "© NIBIO",
        "https://wfs.nibio.no/cgi-bin/ar50_2",
    ),
    "fkb_ar5": Source(
        "FKB-AR5 arealressurskart 1:5 000, jordbruksareal (kommunens fil)",
        "Norge digitalt",
        "© NIBIO / Geovekst",
        "https://www.nibio.no/tema/jord/arealressurser/arealressurskart-ar5",
    ),
    "ssb": Source(
        "SSB, befolkning på rutenett 250 m",
        "CC-BY-4.0",
        "© SSB",
        "https://www.ssb.no/natur-og-miljo/geodata",
    ),
    "entur": Source(
        "Entur, nasjonalt stoppestedsregister (NSR)",
        "NLOD-2.0",
        "Entur",
        "https://developer.entur.org/stops-and-timetable-data",
    ),
}


def catalogue_dict(
    *,
    name: str,
    title: str,
    kommunenummer: str,
    layers: Mapping[str, Mapping[str, Any]],
    sources: list[str],
    description: str = "",
    missing: list[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return a catalogue (``docs/architecture.md`` format) as a plain dict.

    ``missing`` lists the layers a fetch could not get (``layer``, ``step``, ``service``,
    ``reason``, ``supply``, ``status``); it is written as the catalogue's ``missing:`` section.

    Examples
    --------
    >>> d = catalogue_dict(name="baerum", title="Bærum", kommunenummer="3201",
    ...                    layers={"boundary": {"path": "baerum/boundary.gpkg"}},
    ...                    sources=["kartverket"])
    >>> d["sources"][0]["licence"], d["synthetic"]
    ('CC-BY-4.0', False)
    """
    return {
        "schema_version": 1,
        "name": name,
        "title": title,
        "kommunenummer": kommunenummer,
        "synthetic": False,
        "crs": "EPSG:25832",
        "description": description,
        "sources": [SOURCES[s].as_dict() for s in sources],
        "layers": {k: dict(v) for k, v in layers.items()},
        "missing": [dict(m) for m in missing or []],
    }


def write_catalogue(path: str | os.PathLike[str], catalogue: Mapping[str, Any]) -> Path:
    """Write a catalogue YAML atomically and return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "area.yaml"
    >>> _ = write_catalogue(p, {"schema_version": 1, "name": "x", "layers": {}})
    >>> p.read_text().splitlines()[1]
    'schema_version: 1'
    """
    text = yaml.safe_dump(dict(catalogue), sort_keys=False, allow_unicode=True, width=100)
    header = "# Written by `arealanalyse fetch`; sources and licences are listed under `sources`.\n"
    return write_text(path, header + text)

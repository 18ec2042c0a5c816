"""AR5 farmland (jordbruksareal) from NIBIO's WFS, as GML 3.2.

1. ``GetCapabilities`` (WFS 2.0.0) lists the feature types; the AR5 one is picked by name
   (``ar5``/``arealtype``/``arealressurs``), so a renamed layer does not break the fetcher.
2. ``GetFeature`` pages through the municipality's bounding box in EPSG:25832
   (``count``/``startIndex``), each page cached on its own, until a page comes back short.
3. The pages are read by GDAL's GML driver and normalised to the ``farmland`` kind (AR5 classes
   21 fulldyrka, 22 overflatedyrka, 23 innmarksbeite; other classes are dropped and counted).

© NIBIO, NLOD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from arealanalyse.errors import FetchError
from arealanalyse.fetch._common import clip_to, union
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.http import HttpClient
from arealanalyse.layers.validate import normalize
from arealanalyse.settings import Settings

__all__ = ["fetch_farmland", "parse_feature_types", "pick_ar5_type", "read_ar5_pages"]

_SRS = "urn:ogc:def:crs:EPSG::25832"
_AREALTYPE = ("arealtype", "artype", "ARTYPE", "arealressursArealtype")


def parse_feature_types(path: str | Path, /) -> list[str]:
    """Return the feature type names listed in a WFS ``GetCapabilities`` document.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "caps.xml"
    >>> _ = p.write_text('<WFS_Capabilities xmlns="http://www.opengis.net/wfs/2.0">'
    ...     '<FeatureTypeList><FeatureType><Name>ms:Arealtype</Name></FeatureType>'
    ...     '</FeatureTypeList></WFS_Capabilities>')
    >>> parse_feature_types(p)
    ['ms:Arealtype']
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise FetchError(
            f"NIBIO AR5 WFS: the capabilities document is not XML ({exc}); the service may be down."
        ) from None
    names = []
    for ft in root.iter():
        if ft.tag.split("}")[-1] == "FeatureType":
            names += [c.text.strip() for c in ft if c.tag.split("}")[-1] == "Name" and c.text]
    return names


def pick_ar5_type(names: list[str], /) -> str:
    """Pick the AR5 area feature type among a WFS's types.

    Examples
    --------
    >>> pick_ar5_type(["ms:Grunnforhold", "ms:Arealtype", "ms:Treslag"])
    'ms:Arealtype'
    >>> pick_ar5_type(["app:ArealressursFlate", "app:ArealressursGrense"])
    'app:ArealressursFlate'
    """
    for pattern in (r"arealtype$", r"arealressursflate$", r"ar5$", r"ar5", r"arealtype"):
        for n in names:
            if re.search(pattern, n.split(":")[-1], flags=re.I):
                return n
    raise FetchError(
        f"NIBIO AR5 WFS lists no AR5 feature type (found {names[:6]}); the service may have "
        "changed: set the right one with --endpoint ar5=URL."
    )


def _returned(path: Path) -> int | None:
    with path.open("rb") as fh:
        head = fh.read(2048).decode("utf-8", "replace")
    m = re.search(r'numberReturned="(\d+)"', head)
    return int(m.group(1)) if m else None


def _check_gml(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(2048).decode("utf-8", "replace")
    if "ExceptionReport" in head:
        m = re.search(r"<(?:\w+:)?ExceptionText>(.*?)</", head, flags=re.S)
        return f"the WFS answered an exception: {(m.group(1) if m else head[:160]).strip()!r}."
    if "FeatureCollection" not in head:
        return "the answer is not a WFS FeatureCollection."
    return None


def read_ar5_pages(pages: list[Path], /) -> gpd.GeoDataFrame:
    """Read downloaded AR5 GML pages into one raw GeoDataFrame (source columns, source CRS).

    Pages the WFS answered with ``numberReturned="0"`` are skipped; GDAL neither downloads the
    remote schema nor writes a ``.gfs`` file next to the pages.
    """
    frames = []
    for p in pages:
        if _returned(p) == 0:
            continue
        try:
            frames.append(gpd.read_file(p, engine="pyogrio", WRITE_GFS="NO", DOWNLOAD_SCHEMA="NO"))
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise FetchError(
                f"NIBIO AR5 WFS: cannot read {p.name} as GML ({str(exc).splitlines()[0]})."
            ) from None
    frames = [f for f in frames if len(f)]
    if not frames:
        raise FetchError("NIBIO AR5 WFS returned no AR5 polygons for the municipality.")
    crs = frames[0].crs
    return gpd.GeoDataFrame(pd.concat([f.to_crs(crs) for f in frames], ignore_index=True),
                            crs=crs)  # fmt: skip


def fetch_farmland(
    boundary: gpd.GeoDataFrame,
    /,
    *,
    client: HttpClient,
    endpoint: str = ENDPOINTS["ar5"],
    page_size: int = 5000,
    max_pages: int = 200,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Download AR5 for the area of ``boundary`` and return the canonical ``farmland`` layer.

    Examples
    --------
    Needs a network::

        farmland = fetch_farmland(baerum, client=HttpClient("cache"))
        farmland.groupby("arealtype_navn")["area_daa"].sum()
    """
    caps = client.fetch(
        endpoint,
        service="NIBIO AR5 WFS",
        params={"service": "WFS", "version": "2.0.0", "request": "GetCapabilities"},
        suffix=".xml",
    )
    type_name = pick_ar5_type(parse_feature_types(caps))
    minx, miny, maxx, maxy = union(boundary).bounds
    pages: list[Path] = []
    for i in range(max_pages):
        params = {
            "service": "WFS",
            "version": "2.0.0",
            "request": "GetFeature",
            "typeNames": type_name,
            "srsName": _SRS,
            "bbox": f"{minx:.0f},{miny:.0f},{maxx:.0f},{maxy:.0f},{_SRS}",
            "count": str(page_size),
            "startIndex": str(i * page_size),
        }
        page = client.fetch(
            endpoint, service="NIBIO AR5 WFS", params=params, suffix=".gml", validate=_check_gml
        )
        pages.append(page)
        n = _returned(page)
        if n is None or n < page_size:
            break
    raw = read_ar5_pages(pages)
    col = next((c for c in _AREALTYPE if c in raw.columns), None)
    if col is None:
        raise FetchError(
            f"NIBIO AR5 WFS: no arealtype column in the answer (columns {list(raw.columns)[:10]})."
        )
    layer = normalize(raw, "farmland", name="ar5:farmland", columns={"arealtype": col},
                      source="NIBIO AR5 WFS", settings=settings)  # fmt: skip
    return clip_to(layer, boundary, name="ar5:farmland")

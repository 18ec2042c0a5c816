"""Farmland (jordbruksareal) for the ``farmland`` layer, from the best source a planner has.

In order of preference:

1. **The municipality's own FKB-AR5** (``--farmland FILE``): GML, SOSI, GeoPackage or FileGDB in
   the real FKB-AR5 schema (``ArealressursFlate`` with ``arealtype``), as exported from the
   municipality's FKB or downloaded from Geonorge. Exact (1:5 000); read by the project's layer
   reader (:func:`arealanalyse.layers.readers.read_layer`) like any other farmland file.
2. **An FKB-AR5 download that needs a Norge digitalt login** (``--farmland URL``): the file is
   downloaded (cached, resumable) with HTTP Basic authentication from ``GEONORGE_USERNAME`` and
   ``GEONORGE_PASSWORD``, the way Kartverket's own download client
   (``kartverket/Geonorge.NedlastingKlient``, ``FileDownloader.cs``) fetches files its ATOM feeds
   mark ``restricted``. The URL is the planner's: Geonorge's download pages give it. The
   credentials are sent only with this request, never cached or written anywhere.
3. **Otherwise NIBIO's open AR50 WFS** (``https://wfs.nibio.no/cgi-bin/ar50_2``, feature type
   ``ms:AR50``), a COARSE fallback: AR50 is AR5 generalised to 1:50 000, figures under 15 daa
   are merged into their neighbours, and farmland is one class (``arealtype`` 20 Jordbruk)
   unless a ``jordbruk`` split is present (24 fulldyrka + overflatedyrka, 25 innmarksbeite).
   AR50 20/24 becomes AR5 21 and 25 becomes AR5 23 (:data:`AR50_TO_AR5`); the catalogue's
   source entry says so on every map and report that uses the layer.

NIBIO's own AR5 is served openly only as a WMS (pictures, no features), so it is not used.
© NIBIO (AR50: NLOD); FKB-AR5: Geovekst / Norge digitalt.
"""

from __future__ import annotations

import base64
import os
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from arealanalyse.errors import FetchError
from arealanalyse.fetch._common import clip_to, union
from arealanalyse.fetch.archive import data_file
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.http import HttpClient, Request
from arealanalyse.layers.validate import normalize
from arealanalyse.settings import Settings

__all__ = [
    "AR50_ARTYPE",
    "AR50_JORDBRUK",
    "AR50_SERVICE",
    "AR50_TO_AR5",
    "AR50_TYPE_NAME",
    "FKB_SUFFIXES",
    "ar50_request",
    "ar50_to_farmland",
    "farmland_source",
    "fetch_ar50",
    "fetch_farmland_url",
    "is_url",
    "read_farmland_file",
]

#: Service names in messages, the cache and the catalogue's ``missing`` section.
AR50_SERVICE = "NIBIO AR50 WFS"
DOWNLOAD_SERVICE = "Geonorge nedlasting (Norge digitalt)"

#: The AR50 feature type on NIBIO's WFS.
AR50_TYPE_NAME = "ms:AR50"

#: AR50 ``arealtype`` (NIBIO, AR50 produktspesifikasjon / Geonorge objektkatalog).
AR50_ARTYPE: dict[int, str] = {
    10: "Bebygd",
    20: "Jordbruk",
    30: "Skog",
    50: "Snaumark",
    60: "Myr",
    70: "Bre",
    81: "Ferskvann",
    82: "Hav",
    99: "Ikke kartlagt",
}

#: AR50 ``jordbruk`` (ARJORDBR) split of class 20 (Geonorge objektkatalog, ArealressursJordbruk).
AR50_JORDBRUK: dict[int, str] = {
    24: "Fulldyrka og overflatedyrka jord",
    25: "Innmarksbeite",
    98: "Ikke relevant",
    99: "Uspesifisert jordbruksareal",
}

#: AR50 farmland → AR5 class of the ``farmland`` kind: 20 (no split), 24 and 99 → 21;
#: 25 → 23. AR5 22 (overflatedyrka) cannot be told apart in AR50.
AR50_TO_AR5: dict[int, int] = {20: 21, 24: 21, 99: 21, 25: 23}

_AR50_CLASS_COLUMNS = ("arealtype", "artype", "ARTYPE", "ar50_arealtype")
_AR50_SPLIT_COLUMNS = ("jordbruk", "arjordbr", "arjordbruk", "ARJORDBR", "ARJORDBRUK")
_SRS = "EPSG:25832"

#: Data files an FKB-AR5 download may hold, in order of preference.
FKB_SUFFIXES: tuple[str, ...] = (".gml", ".gpkg", ".gdb", ".sos", ".fgb", ".geojson", ".shp")


def is_url(value: str | os.PathLike[str]) -> bool:
    """Whether a ``--farmland`` value is a download address rather than a file.

    Examples
    --------
    >>> is_url("https://nedlasting.geonorge.no/x.zip"), is_url("fkb-ar5.gml")
    (True, False)
    """
    return bool(re.match(r"^https?://", str(value), flags=re.I))


def farmland_source(farmland: str | os.PathLike[str] | None, /) -> str:
    """Return the catalogue source key for a ``--farmland`` value: ``ar50`` or ``fkb_ar5``.

    Examples
    --------
    >>> farmland_source(None), farmland_source("fkb.gml")
    ('ar50', 'fkb_ar5')
    """
    return "ar50" if farmland is None else "fkb_ar5"


# ================================================================================ AR50 WFS


def _returned(path: Path) -> int | None:
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", "replace")
    m = re.search(r'numberReturned="(\d+)"', head)
    return int(m.group(1)) if m else None


def _check_gml(path: Path) -> str | None:
    """Check that a GetFeature answer is a complete FeatureCollection (no exception, not cut)."""
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", "replace")
        fh.seek(max(0, path.stat().st_size - 512))
        tail = fh.read().decode("utf-8", "replace")
    if "ExceptionReport" in head or "ServiceExceptionReport" in head:
        m = re.search(r"<(?:\w+:)?(?:ExceptionText|ServiceException)[^>]*>(.*?)</", head, re.S)
        text = " ".join((m.group(1) if m else head[:160]).split())
        return f"the WFS answered an exception: {text!r}."
    if "FeatureCollection" not in head:
        return "the answer is not a WFS FeatureCollection."
    if not re.search(r"</(?:\w+:)?FeatureCollection>\s*$", tail):
        return "the FeatureCollection is cut off (no closing tag); try again later."
    return None


def ar50_request(
    bbox: tuple[float, float, float, float] | None,
    /,
    *,
    endpoint: str = ENDPOINTS["ar50"],
    page_size: int = 2000,
    page: int = 0,
) -> Request:
    """Return the WFS 2.0 ``GetFeature`` request for one page of AR50 in ``bbox`` (EPSG:25832).

    ``bbox=None`` describes the request before the boundary is known (``--dry-run``).

    Examples
    --------
    >>> r = ar50_request((590000, 6640000, 591000, 6641000), page_size=500, page=1)
    >>> r.params["typeNames"], r.params["bbox"], r.params["startIndex"]
    ('ms:AR50', '590000,6640000,591000,6641000,EPSG:25832', '500')
    """
    box = (
        ",".join(f"{v:.0f}" for v in bbox) if bbox is not None else "<the boundary's bounding box>"
    )
    params = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": AR50_TYPE_NAME,
        "srsName": _SRS,
        "bbox": f"{box},{_SRS}",
        "count": str(page_size),
        "startIndex": str(page * page_size),
    }
    return Request(
        AR50_SERVICE,
        endpoint,
        params=params,
        suffix=".gml",
        validate=_check_gml,
        unconfirmed=(
            "paging with count/startIndex on this WFS (service, type name, EPSG:25832 bbox and "
            "the arealtype field are confirmed by public code; an area with fewer features than "
            "a page needs no paging)"
        ),
    )


def _first(columns: pd.Index, names: tuple[str, ...]) -> str | None:
    lower = {str(c).lower(): str(c) for c in columns}
    return next((lower[n.lower()] for n in names if n.lower() in lower), None)


def ar50_to_farmland(
    raw: gpd.GeoDataFrame, /, *, name: str = "ar50:farmland", settings: Settings | None = None
) -> gpd.GeoDataFrame:
    """Map AR50 features to the canonical ``farmland`` layer (AR5 classes, see module notes).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> sq = box(590_000, 6_643_000, 590_100, 6_643_100)
    >>> raw = gpd.GeoDataFrame({"arealtype": [20, 30, 20], "jordbruk": [24, 98, 25]},
    ...                        geometry=[sq, sq, sq], crs=25832)
    >>> ar50_to_farmland(raw)[["arealtype", "area_daa"]].to_dict("records")
    [{'arealtype': 21, 'area_daa': 10.0}, {'arealtype': 23, 'area_daa': 10.0}]
    """
    col = _first(raw.columns, _AR50_CLASS_COLUMNS)
    if col is None:
        raise FetchError(
            f"{AR50_SERVICE}: no arealtype column in the answer (columns "
            f"{[c for c in raw.columns if c != raw.geometry.name][:10]}); the service changed."
        )
    cls = pd.to_numeric(raw[col], errors="coerce")
    unknown = sorted(set(cls.dropna().astype(int)) - set(AR50_ARTYPE))
    if unknown:
        raise FetchError(
            f"{AR50_SERVICE}: unknown AR50 arealtype {unknown[:5]}; the service changed its "
            "classes. Supply farmland by hand with --farmland FILE."
        )
    farm = raw[cls == 20].copy()
    split_col = _first(raw.columns, _AR50_SPLIT_COLUMNS)
    split = (
        pd.to_numeric(farm[split_col], errors="coerce").fillna(20).astype(int)
        if split_col is not None
        else pd.Series(20, index=farm.index)
    )
    farm["_ar5"] = split.map(AR50_TO_AR5).fillna(21).astype(int)
    if farm.empty:
        raise FetchError(
            f"{AR50_SERVICE}: no farmland (AR50 arealtype 20) in the municipality's area."
        )
    out = normalize(farm, "farmland", name=name, columns={"arealtype": "_ar5"},
                    source=AR50_SERVICE, settings=settings)  # fmt: skip
    report = dict(out.attrs.get("arealanalyse", {}))
    report["ar50_other_classes"] = int((cls != 20).sum())
    report["ar50_split_column"] = split_col or ""
    out.attrs["arealanalyse"] = report
    return out


def _read_pages(pages: list[Path]) -> gpd.GeoDataFrame:
    from arealanalyse.layers.readers import read_source

    frames = [read_source(p, name=f"{AR50_SERVICE} page {i + 1}", format="vector")
              for i, p in enumerate(pages) if _returned(p) != 0]  # fmt: skip
    frames = [f for f in frames if len(f)]
    if not frames:
        raise FetchError(f"{AR50_SERVICE} returned no AR50 features for the municipality's area.")
    crs = frames[0].crs
    return gpd.GeoDataFrame(pd.concat([f.to_crs(crs) for f in frames], ignore_index=True),
                            crs=crs)  # fmt: skip


def fetch_ar50(
    boundary: gpd.GeoDataFrame,
    /,
    *,
    client: HttpClient,
    endpoint: str = ENDPOINTS["ar50"],
    page_size: int = 2000,
    max_pages: int = 200,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Download AR50 for the area of ``boundary`` and return the (coarse) ``farmland`` layer.

    Pages of ``page_size`` features are requested until one comes back short; each page is
    cached on its own, so an interrupted run resumes at the page it stopped on.

    Examples
    --------
    Needs a network::

        farmland = fetch_ar50(baerum, client=HttpClient("cache"))
        farmland.groupby("arealtype_navn")["area_daa"].sum()
    """
    bbox = union(boundary).bounds
    pages: list[Path] = []
    for i in range(max_pages):
        page = client.fetch_request(
            ar50_request(bbox, endpoint=endpoint, page_size=page_size, page=i)
        )
        pages.append(page)
        n = _returned(page)
        if n is None:
            from arealanalyse.layers.readers import read_source

            n = len(read_source(page, name=f"{AR50_SERVICE} page {i + 1}", format="vector"))
        if n < page_size:
            break
    else:
        raise FetchError(
            f"{AR50_SERVICE}: more than {max_pages} pages of {page_size} features; the area is "
            "too large for the WFS, supply farmland by hand with --farmland FILE."
        )
    layer = ar50_to_farmland(_read_pages(pages), settings=settings)
    return clip_to(layer, boundary, name="ar50:farmland")


# ================================================================================ FKB-AR5


def read_farmland_file(
    path: str | Path,
    boundary: gpd.GeoDataFrame,
    /,
    *,
    work_dir: str | Path | None = None,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Read the municipality's own FKB-AR5 (file, or a zip holding one) as ``farmland``.

    Only AR5 classes 21, 22 and 23 are kept (the others are counted in the load report), and
    only polygons that reach into the municipality. A zip is extracted into ``work_dir`` (the
    fetch cache); the user's own folder is never written to.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapely.geometry import box
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ar5.geojson"
    >>> x, y = 590_000, 6_640_000
    >>> gpd.GeoDataFrame({"arealtype": [21, 30]}, geometry=[box(x, y, x + 100, y + 100),
    ...     box(x, y + 100, x + 100, y + 200)], crs=25832).to_file(p, engine="pyogrio")
    >>> kommune = gpd.GeoDataFrame(geometry=[box(x - 10, y - 10, x + 200, y + 300)], crs=25832)
    >>> read_farmland_file(p, kommune)[["arealtype", "area_daa"]].to_dict("records")
    [{'arealtype': 21, 'area_daa': 10.0}]
    """
    from arealanalyse.layers.readers import read_layer

    p = Path(path)
    if not p.exists():
        raise FetchError(f"--farmland {str(p)!r} does not exist; give the FKB-AR5 file's path.")
    if p.is_file() and p.suffix.lower() == ".zip":
        if work_dir is None:
            raise FetchError(f"--farmland {p.name}: unzip it first, or let fetch read it.")
        p = data_file(p, into=work_dir, suffixes=FKB_SUFFIXES, what="FKB-AR5 download")
    layer = read_layer(p, "farmland", name="farmland", settings=settings)
    return clip_to(layer, boundary, name="farmland")


def _check_download(path: Path) -> str | None:
    """Check that a downloaded zip is complete (a cut-off one has no central directory)."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04" and not zipfile.is_zipfile(path):
        return "the zip archive is incomplete (the download was cut off); run again to retry."
    return None


def _basic_auth_header() -> dict[str, str]:
    user = os.environ.get("GEONORGE_USERNAME", "")
    password = os.environ.get("GEONORGE_PASSWORD", "")
    if not user or not password:
        return {}
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def download_request(url: str, /) -> Request:
    """Return the request for an FKB-AR5 download (Basic credentials from the environment).

    Examples
    --------
    >>> r = download_request("https://nedlasting.geonorge.no/x/FKB-AR5_3201.zip")
    >>> r.service, r.suffix
    ('Geonorge nedlasting (Norge digitalt)', '.zip')
    """
    suffix = Path(url.split("?")[0]).suffix.lower() or ".zip"
    return Request(
        DOWNLOAD_SERVICE,
        url,
        suffix=suffix,
        headers=_basic_auth_header(),
        validate=_check_download,
        note=(
            "HTTP Basic authentication from GEONORGE_USERNAME/GEONORGE_PASSWORD, as Kartverket's "
            "download client does for files its feeds mark restricted"
        ),
        unconfirmed=(
            "that this URL serves FKB-AR5 to your account with Basic authentication (no public "
            "source shows an FKB-AR5 file address; Geonorge's newer order API uses GeoID tokens)"
        ),
    )


def fetch_farmland_url(
    url: str,
    boundary: gpd.GeoDataFrame,
    /,
    *,
    client: HttpClient,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Download an FKB-AR5 file that needs a Norge digitalt login and read it as ``farmland``.

    Examples
    --------
    Needs a network and a Norge digitalt login (``GEONORGE_USERNAME``, ``GEONORGE_PASSWORD``)::

        fetch_farmland_url("https://.../FKB-AR5_3201_GML.zip", baerum, client=HttpClient("c"))
    """
    req = download_request(url)
    try:
        path = client.fetch_request(req)
    except FetchError as exc:
        if "refused access" in str(exc) and not req.headers:
            raise FetchError(
                f"{str(exc).rstrip('.')}; set GEONORGE_USERNAME and GEONORGE_PASSWORD to your "
                "Norge digitalt login and run again."
            ) from None
        raise
    return read_farmland_file(
        path, boundary, work_dir=path.with_name(path.name + ".d"), settings=settings
    )

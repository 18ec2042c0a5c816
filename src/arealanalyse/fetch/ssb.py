"""SSB population on the national 250 m grid.

SSB publishes the grid through Geonorge as national files, zipped GML
(``Befolkning_0000_Norge_25833_BefolkningsstatistikkRutenett250m2025_GML.zip`` holding
``…_GML.gml``, feature type ``BefolkningPåRuter250m`` with ``ssbid250m`` and ``popTot``), and as
SSB's own CSV (``ru250m;pop_tot``). The fetcher downloads the file named by the ``ssb_grid``
endpoint (large: downloads resume after an interruption), saves it as it came, picks the grid
inside by what it is (:func:`arealanalyse.fetch.archive.data_file`: a GML/GeoPackage, or a table
the layer reader takes for a grid; never a readme, schema or PDF), reads it with the project's
layer reader (:func:`arealanalyse.layers.readers.read_layer`, with no options: it recognises
every SSB grid format, see :mod:`arealanalyse.layers.ssbgrid`) and keeps the cells whose centre
lies in the municipality. © SSB, CC BY 4.0.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd

from arealanalyse.errors import FetchError
from arealanalyse.fetch._common import union
from arealanalyse.fetch.archive import data_file
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.http import HttpClient, Request
from arealanalyse.settings import Settings

__all__ = [
    "GRID_SUFFIXES",
    "SERVICE",
    "fetch_population_grid",
    "grid_request",
    "read_population_grid",
]

#: Service name in messages, the cache and the catalogue's ``missing`` section.
SERVICE = "SSB befolkning på rutenett (Geonorge)"

#: Data files a grid download may hold, in order of preference.
GRID_SUFFIXES: tuple[str, ...] = (".gml", ".gpkg", ".fgb", ".geojson", ".csv", ".txt")


def _is_grid(path: Path) -> bool:
    """Tell whether a member is the grid: a table only when the layer reader reads it as one."""
    from arealanalyse.layers.readers import detect_format

    return path.suffix.lower() not in (".csv", ".txt") or detect_format(path) == "ssb_grid"


def _check_download(path: Path) -> str | None:
    """Check that a zip is complete (a truncated one has no central directory)."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04" and not zipfile.is_zipfile(path):
        return "the zip archive is incomplete (the download was cut off); run again to retry."
    return None


def grid_request(endpoint: str = ENDPOINTS["ssb_grid"]) -> Request:
    """Return the request that downloads the national grid file.

    Examples
    --------
    >>> grid_request().display_url().endswith("_GML.zip")
    True
    """
    suffix = ".zip" if endpoint.lower().endswith(".zip") else Path(endpoint).suffix or ".csv"
    return Request(SERVICE, endpoint, suffix=suffix, validate=_check_download)


def read_population_grid(
    path: str | Path,
    boundary: gpd.GeoDataFrame,
    /,
    *,
    cells: str = "centroid",
    work_dir: str | Path | None = None,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Read an SSB grid file (or a zip holding one) and return the municipality's cells.

    ``cells="centroid"`` keeps cells whose centre lies inside ``boundary`` (each cell in one
    municipality; coastal cells are lost when the outline is generalised or stops at the
    shore); ``cells="intersects"`` keeps every cell touching it (border cells count twice across
    neighbours). On Bærum's generalised outline the two give 118,729 and 121,034 people against
    SSB's own assignment by largest overlap, 120,140 (2015).

    A zipped file is extracted into ``work_dir`` (kept, e.g. the fetch cache) or into a
    temporary folder (removed); the input's own folder is never written to.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapely.geometry import box
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ru250m.csv"
    >>> _ = p.write_text("ru250m;pop_tot\\n22537506648500;150\\n22600006650000;99\\n")
    >>> kommune = gpd.GeoDataFrame(geometry=[box(253000, 6648000, 254500, 6649500)], crs=25833)
    >>> cells = read_population_grid(p, kommune)
    >>> cells["population"].tolist(), cells.crs.to_epsg()
    ([150.0], 25832)
    """
    if cells not in ("centroid", "intersects"):
        raise FetchError(f"SSB grid: cells={cells!r}; use 'centroid' or 'intersects'.")
    if work_dir is None and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="arealanalyse-ssb-") as tmp:
            return read_population_grid(
                path, boundary, cells=cells, work_dir=tmp, settings=settings
            )
    from arealanalyse.layers.readers import read_layer

    p = data_file(
        path,
        into=work_dir or Path(path).parent,
        suffixes=GRID_SUFFIXES,
        accept=_is_grid,
        what="SSB grid",
    )
    grid = read_layer(p, "homes", name="ssb:grid", settings=settings)
    inside = union(boundary, grid.crs.to_string())
    if cells == "centroid":
        keep = grid.geometry.centroid.within(inside)
    else:
        keep = grid.geometry.intersects(inside)
    out = grid[keep]
    if out.empty:
        raise FetchError("SSB grid: no populated cells inside the municipality; wrong file?")
    report = dict(grid.attrs.get("arealanalyse", {}))
    report.update(features=len(out), clipped_out=int((~keep).sum()), file=p.name)
    out.attrs["arealanalyse"] = report
    return out


def fetch_population_grid(
    boundary: gpd.GeoDataFrame,
    /,
    *,
    client: HttpClient,
    endpoint: str = ENDPOINTS["ssb_grid"],
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Download SSB's national grid (cached, resumable); return the municipality's cells.

    Examples
    --------
    Needs a network::

        cells = fetch_population_grid(baerum, client=HttpClient("cache"))
        cells["population"].sum()
    """
    path = client.fetch_request(grid_request(endpoint))
    return read_population_grid(
        path, boundary, work_dir=path.with_name(path.name + ".d"), settings=settings
    )

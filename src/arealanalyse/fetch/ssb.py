"""SSB population on the national 250 m grid.

SSB publishes the grid as national files (Geonorge download, zipped GML; SSB's own CSV in the
``ru250m;pop_tot`` format). The fetcher downloads the file named by the ``ssb_grid`` endpoint
(large: downloads resume after an interruption), finds the grid inside (a CSV whose header
starts with ``ru250m``/``ssbid``, or a GML/GeoPackage with a population column), reads it with
the project's SSB grid reader (:func:`arealanalyse.layers.readers.read_layer`, ``format=
"ssb_grid"``) and keeps the cells whose centre lies in the municipality. © SSB, CC BY 4.0.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio

from arealanalyse.errors import FetchError
from arealanalyse.fetch._common import union
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.http import HttpClient
from arealanalyse.layers.validate import normalize
from arealanalyse.settings import Settings

__all__ = ["extract_grid_file", "fetch_population_grid", "read_population_grid"]

_POP_COLUMNS = ("pop_tot", "poptot", "befolkning", "population", "popTot")
_GRID_HEADER = re.compile(rb"^\s*(\xef\xbb\xbf)?(ru250m|ru1km|ssbid\w*)[;,]", re.I)


def extract_grid_file(path: str | Path, /, *, into: str | Path) -> Path:
    """Return the grid file inside a download, extracting it from a zip into ``into`` (once).

    Examples
    --------
    >>> import tempfile, pathlib, zipfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with zipfile.ZipFile(d / "grid.zip", "w") as zf:
    ...     zf.writestr("ru250m.csv", "ru250m;pop_tot\\n22537506648500;150\\n")
    >>> extract_grid_file(d / "grid.zip", into=d / "x").name
    'ru250m.csv'
    """
    p = Path(path)
    if not zipfile.is_zipfile(p):
        return p
    out_dir = Path(into)
    with zipfile.ZipFile(p) as zf:
        members = [m for m in zf.namelist() if not m.endswith("/")]
        ranked = sorted(
            members,
            key=lambda m: (not m.lower().endswith((".csv", ".txt")),
                           not m.lower().endswith((".gpkg", ".gml")), m),
        )  # fmt: skip
        for m in ranked:
            if m.lower().endswith((".csv", ".txt", ".gpkg", ".gml", ".geojson")):
                target = out_dir / Path(m).name
                if not target.is_file():
                    out_dir.mkdir(parents=True, exist_ok=True)
                    tmp = target.with_name(target.name + ".part")
                    with zf.open(m) as src, tmp.open("wb") as dst:
                        shutil.copyfileobj(src, dst)
                    tmp.replace(target)
                return target
    raise FetchError(f"SSB grid download {p.name} holds no CSV, GML or GeoPackage; check the URL.")


def read_population_grid(
    path: str | Path,
    boundary: gpd.GeoDataFrame,
    /,
    *,
    cells: str = "centroid",
    work_dir: str | Path | None = None,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Read an SSB grid file and return the municipality's cells as a ``homes`` layer.

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
    if work_dir is None and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="arealanalyse-ssb-") as tmp:
            return read_population_grid(
                path, boundary, cells=cells, work_dir=tmp, settings=settings
            )
    from arealanalyse.layers.readers import read_layer

    p = extract_grid_file(path, into=work_dir or Path(path).parent)
    with p.open("rb") as fh:
        head = fh.read(64)
    if cells not in ("centroid", "intersects"):
        raise FetchError(f"SSB grid: cells={cells!r}; use 'centroid' or 'intersects'.")
    if _GRID_HEADER.match(head):
        grid = read_layer(p, "homes", name="ssb:grid", format="ssb_grid", settings=settings)
    else:
        area = union(boundary, "EPSG:25833")
        try:
            raw = gpd.read_file(
                p, engine="pyogrio", bbox=tuple(area.bounds), WRITE_GFS="NO", DOWNLOAD_SCHEMA="NO"
            )
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise FetchError(
                f"SSB grid: cannot read {p.name} ({str(exc).splitlines()[0]}); check the URL."
            ) from None
        col = next((c for c in _POP_COLUMNS if c in raw.columns), None)
        if col is None:
            raise FetchError(
                f"SSB grid: {p.name} has no population column (looked for {_POP_COLUMNS})."
            )
        grid = normalize(raw, "homes", name="ssb:grid", columns={"population": col},
                          values={"source": "grid"}, source=str(p), settings=settings)  # fmt: skip
    inside = union(boundary, grid.crs.to_string())
    if cells == "centroid":
        keep = grid.geometry.centroid.within(inside)
    else:
        keep = grid.geometry.intersects(inside)
    out = grid[keep]
    if out.empty:
        raise FetchError("SSB grid: no populated cells inside the municipality; wrong file?")
    report = dict(grid.attrs.get("arealanalyse", {}))
    report.update(features=len(out), clipped_out=int((~keep).sum()))
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
    """Download SSB's national 250 m grid (cached, resumable); return the municipality's cells.

    Examples
    --------
    Needs a network::

        cells = fetch_population_grid(baerum, client=HttpClient("cache"))
        cells["population"].sum()
    """
    suffix = ".zip" if endpoint.lower().endswith(".zip") else Path(endpoint).suffix or ".csv"
    path = client.fetch(endpoint, service="SSB befolkning på rutenett", suffix=suffix)
    return read_population_grid(
        path, boundary, work_dir=path.with_name(path.name + ".d"), settings=settings
    )

"""SSB population grids in every form SSB and Geonorge have published them.

Statistics Norway (SSB) publishes population on a national grid of square cells (100 m in some
older releases, 250 m, 1 km, 5 km, 10 km...). The cell id is ``2000000 + x`` followed by ``y``
of the cell's south-west corner in EPSG:25833 (ETRS89 / UTM 33N), 7 digits each, so
``22536006661600`` is the cell whose corner is (253600, 6661600). SSB's own guidance on the grid
("Statistikk på rutenett", SSB notat 2012/16, and the GeoForum "veiledning 09" examples) describes
these ids.

The same data comes in several shapes, all recognised here:

* CSV/TXT with ``;``, ``,``, tab or space separators, an id column named ``ru250m``, ``ru1km``,
  ``ru100m``, ``rute_100m``, ``ssbid250m``, ``ssbid1000M``, ``SSBID``... and a population column
  (``pop_tot``, ``popTot``, ``sum``, ``befolkning``...);
* Geonorge's GML and GeoPackage downloads (``BefolkningPåRuter1km``, ``BefolkningPåRuter250m``)
  whose cells are polygons already, with ``ssbid1000M``/``ssbid250m`` and ``popTot``.

The cell size comes from the id column's name (``ru250m`` → 250 m, ``ssbid1000M`` → 1 km) or, when
the name has none (``SSBID``), from the ids themselves (the largest standard size that every
corner is a multiple of and that is not larger than the spacing between neighbouring cells).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.errors import EmptyLayerError, MissingColumnError

__all__ = [
    "GRID_CRS",
    "POPULATION_COLUMNS",
    "STANDARD_CELL_SIZES_M",
    "cell_size_from_ids",
    "decode_ids",
    "find_id_column",
    "find_population_column",
    "grid_from_table",
    "grid_from_vector",
    "is_grid_header",
    "read_grid_table",
]

#: The CRS of SSB's grid: ids encode EPSG:25833 corners.
GRID_CRS = "EPSG:25833"

#: Cell sizes SSB publishes (metres), smallest first.
STANDARD_CELL_SIZES_M: tuple[float, ...] = (
    100.0, 250.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 25000.0, 50000.0, 100000.0,
)  # fmt: skip

#: Population column names SSB and Geonorge have used (compared case-insensitively), in order.
POPULATION_COLUMNS: tuple[str, ...] = (
    "pop_tot",
    "poptot",
    "sum",
    "befolkning",
    "bef_tot",
    "population",
    "pop",
    "bosatte",
    "antall",
)

# ru250m, ru1km, ru100m, rute_100m, rute100m, ssbid250m, ssbid1000M, ssbid_250m, ssb_id...
_ID_NAME = re.compile(r"^(?:ru|rute_?|ssb_?id_?)(?P<n>\d+)(?P<u>km|m)?$|^ssb_?id$", re.IGNORECASE)


def _size_from_name(column: str) -> float | None:
    m = _ID_NAME.match(column.strip())
    if m is None or m.group("n") is None:
        return None
    return float(m.group("n")) * (1000.0 if (m.group("u") or "").lower() == "km" else 1.0)


def find_id_column(columns: Sequence[str]) -> str | None:
    """Return the SSB grid id column among ``columns`` (None when there is none).

    Examples
    --------
    >>> find_id_column(["rute_100m", "sum"]), find_id_column(["gml_id", "ssbid1000M", "popTot"])
    ('rute_100m', 'ssbid1000M')
    >>> find_id_column(["x", "y"]) is None
    True
    """
    for c in columns:
        if _ID_NAME.match(str(c).strip()):
            return str(c)
    return None


def find_population_column(columns: Sequence[str]) -> str | None:
    """Return the population column among ``columns`` (None when none is recognised).

    Examples
    --------
    >>> find_population_column(["rute_100m", "sum"]), find_population_column(["ssbid", "popTot"])
    ('sum', 'popTot')
    """
    lower = {str(c).strip().lower(): str(c) for c in columns}
    for cand in POPULATION_COLUMNS:
        if cand in lower:
            return lower[cand]
    return None


def is_grid_header(line: str) -> bool:
    """Whether a CSV header line names an SSB grid id column (any separator).

    Examples
    --------
    >>> is_grid_header("ru250m;pop_tot"), is_grid_header("rute_100m sum"), is_grid_header("x,y")
    (True, True, False)
    """
    return find_id_column(_split_header(line)) is not None


def _separator(line: str) -> str:
    for sep in (";", "\t", ","):
        if sep in line:
            return sep
    return r"\s+"


def _split_header(line: str) -> list[str]:
    sep = _separator(line)
    parts = re.split(sep, line.strip()) if sep == r"\s+" else line.strip().split(sep)
    return [p.strip().strip('"') for p in parts if p.strip()]


def decode_ids(ids: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (x, y) of the south-west corners (EPSG:25833) of 14-digit SSB grid ids.

    Examples
    --------
    >>> x, y = decode_ids(pd.Series(["22536006661600", "22365006629250"]))
    >>> x.tolist(), y.tolist()
    ([253600, 236500], [6661600, 6629250])
    """
    s = pd.Series(np.asarray(ids)).astype(str).str.strip()
    s = s.str.replace(r"\.0+$", "", regex=True)  # ids stored as floats by spreadsheets
    ok = s.str.fullmatch(r"\d{14}")
    if not ok.all():
        bad = s[~ok].iloc[0]
        raise MissingColumnError(
            f"{int((~ok).sum())} grid ids are not 14-digit SSB ids (e.g. {bad!r}); the id is "
            "2000000 + x followed by y of the cell's south-west corner (EPSG:25833)."
        )
    x = s.str[:7].astype("int64").to_numpy() - 2_000_000
    y = s.str[7:].astype("int64").to_numpy()
    return x, y


def cell_size_from_ids(x: np.ndarray, y: np.ndarray) -> float:
    """Infer the cell size from the cell corners: the largest standard size that fits them.

    A size fits when every corner is a multiple of it and it is not larger than the smallest
    spacing between distinct corner coordinates (neighbouring cells).

    Examples
    --------
    >>> cell_size_from_ids(np.array([250, 500, 1000]), np.array([0, 250, 250]))
    250.0
    >>> cell_size_from_ids(np.array([1000, 3000]), np.array([6000, 6000]))
    1000.0
    """
    coords = np.concatenate([np.asarray(x), np.asarray(y)]).astype(np.int64)
    spacing = np.inf
    for arr in (np.unique(np.asarray(x)), np.unique(np.asarray(y))):
        if len(arr) > 1:
            spacing = min(spacing, float(np.diff(arr).min()))
    best = None
    for size in STANDARD_CELL_SIZES_M:
        if np.all(coords % int(size) == 0) and size <= spacing:
            best = size
    if best is None:
        raise MissingColumnError(
            "the grid ids do not fit any SSB cell size "
            f"({', '.join(f'{s:g}' for s in STANDARD_CELL_SIZES_M)} m); check the id column."
        )
    return best


def read_grid_table(path: Path, name: str) -> pd.DataFrame:
    """Read a grid CSV/TXT as text columns, whatever its separator (``;``, ``,``, tab, space)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    if not text.strip():
        raise EmptyLayerError(f"Layer {name!r}: {path.name} is empty; check the path or export.")
    first = next(line for line in text.splitlines() if line.strip())
    sep = _separator(first)
    return pd.read_csv(
        io.StringIO(text),
        sep=sep,
        dtype=str,
        keep_default_na=False,
        engine="python" if sep == r"\s+" else "c",
    )


def _numeric(series: pd.Series) -> pd.Series:
    text = series.astype(str).str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text.replace("", None), errors="coerce")


def grid_from_table(df: pd.DataFrame, /, *, name: str, source: str = "") -> gpd.GeoDataFrame:
    """Turn a grid table (id column + statistics) into cell polygons in EPSG:25833.

    Adds ``ssb_id`` (text), ``cell_m``, ``population`` (from the recognised population column,
    when the table has no ``population`` column yet) and ``source = "grid"``; other columns are
    kept (as numbers where they are numeric). What was recognised is recorded in
    ``attrs["source_info"]``.

    Examples
    --------
    >>> df = pd.DataFrame({"rute_100m": ["22536006661600"], "sum": ["9"]})
    >>> cells = grid_from_table(df, name="demo")
    >>> cells[["ssb_id", "cell_m", "population"]].values.tolist(), cells.total_bounds.tolist()
    ([['22536006661600', 100.0, 9.0]], [253600.0, 6661600.0, 253700.0, 6661700.0])
    """
    id_col = find_id_column(list(df.columns))
    if id_col is None:
        raise MissingColumnError(
            f"Layer {name!r}: no SSB grid id column (ru250m, ru1km, rute_100m, ssbid250m, "
            f"ssbid1000M, SSBID...) among {list(df.columns)[:10]}; is it SSB grid statistics?"
        )
    if len(df) == 0:
        raise EmptyLayerError(f"Layer {name!r}: the grid file has no cells.")
    try:
        x, y = decode_ids(df[id_col])
    except MissingColumnError as exc:
        raise MissingColumnError(f"Layer {name!r}: column {id_col!r}: {exc}") from None
    named = _size_from_name(id_col)
    try:
        inferred = cell_size_from_ids(x, y)
    except MissingColumnError as exc:
        raise MissingColumnError(f"Layer {name!r}: column {id_col!r}: {exc}") from None
    if named is not None and inferred % named != 0:
        raise MissingColumnError(
            f"Layer {name!r}: column {id_col!r} says {named:g} m cells but the ids are not on a "
            f"{named:g} m grid; check the file."
        )
    size = named if named is not None else inferred
    out = df.drop(columns=[id_col]).copy()
    for c in out.columns:
        num = _numeric(out[c])
        if num.notna().sum() == (out[c].astype(str).str.strip() != "").sum():
            out[c] = num
    ids = pd.Series(np.asarray(df[id_col]).astype(str)).str.replace(r"\.0+$", "", regex=True)
    out.insert(0, "ssb_id", ids.str.strip().to_numpy())
    pop_col = find_population_column([c for c in df.columns if c != id_col])
    if pop_col is not None and "population" not in out.columns:
        out["population"] = _numeric(df[pop_col]).astype("float64").to_numpy()
    out["cell_m"] = size
    out["source"] = "grid"
    geoms = shapely.box(x, y, x + size, y + size)
    gdf = gpd.GeoDataFrame(out, geometry=geoms, crs=GRID_CRS, index=df.index)
    gdf.attrs["source_info"] = {
        "format": "ssb_grid",
        "id_column": id_col,
        "population_column": pop_col or "",
        "cell_m": size,
        "cell_size_from": "column name" if named is not None else "ids",
    }
    return gdf


def _cells_of_size(gdf: gpd.GeoDataFrame, size: float) -> bool:
    """Whether the layer's geometries are polygons of about ``size`` x ``size`` metres."""
    if len(gdf) == 0 or not gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        return False
    g = gdf.geometry
    if gdf.crs is not None and gdf.crs.is_geographic:
        g = g.to_crs(GRID_CRS)
    area = float(np.median(g.area))
    return abs(area - size * size) <= 0.1 * size * size


def grid_from_vector(gdf: gpd.GeoDataFrame, /, *, name: str) -> gpd.GeoDataFrame | None:
    """Recognise a vector SSB grid (Geonorge GML/GeoPackage); None when it is not one.

    A grid has an SSB id column and square cells of the grid's size (a building layer that
    merely records the id of the cell it stands in is not a grid). The cells keep their own
    polygons and CRS; ``ssb_id``, ``cell_m``, ``population`` and ``source = "grid"`` are added as
    in :func:`grid_from_table`.
    """
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    id_col = find_id_column(cols)
    if id_col is None:
        return None
    pop_col = find_population_column([c for c in cols if c != id_col])
    out = gdf.copy()
    named = _size_from_name(id_col)
    size = named
    if size is None and len(out):
        try:
            size = cell_size_from_ids(*decode_ids(out[id_col]))
        except MissingColumnError:
            side = float(np.sqrt(np.median(out.geometry.area)))
            size = min(STANDARD_CELL_SIZES_M, key=lambda s: abs(s - side))
    if size is None or not _cells_of_size(out, size):
        return None
    ids = pd.Series(np.asarray(out[id_col]).astype(str), index=out.index)
    out["ssb_id"] = ids.str.replace(r"\.0+$", "", regex=True).str.strip()
    if pop_col is not None and "population" not in out.columns:
        out["population"] = pd.to_numeric(out[pop_col], errors="coerce")
    out["cell_m"] = size
    if "source" not in out.columns:
        out["source"] = "grid"
    out.attrs["source_info"] = {
        "format": "ssb_grid",
        "id_column": id_col,
        "population_column": pop_col or "",
        "cell_m": size,
        "cell_size_from": "column name" if named is not None else "ids",
    }
    return out

"""GTFS stops as stop places: a feed's ``stops.txt`` (plain or zipped) with each stop's mode.

A GTFS feed lists stations (``location_type`` 1), the stops/platforms inside them (0, with
``parent_station``), entrances and nodes (2-4). A stop place here is a station, or a stop that
belongs to no station: platforms are folded into their station (which keeps the modes of all its
platforms), entrances and nodes are dropped. A ``parent_station`` that does not point to a
station (location type 1) breaks the GTFS rules and is ignored, so two real stations are never
merged; the count is reported.

The mode of a stop comes, in order, from Entur's ``vehicle_type`` column (GTFS extended route
types), a ``route_type`` column in ``stops.txt``, or the routes that serve it
(``stop_times.txt`` → ``trips.txt`` → ``routes.txt``). A stop served by several modes gets the
highest-capacity one as ``mode`` (rail > metro > tram > ferry > bus) and all of them in
``modes``. Stops no service of a known mode reaches are dropped and counted.

References: GTFS Schedule reference (gtfs.org/schedule/reference, ``stops.txt`` and
``routes.txt``), Google's extended route types (developers.google.com/transit/gtfs/reference/
extended-route-types), Entur's GTFS export (developer.entur.org).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import CodeError, EmptyLayerError, LayerFileError, MissingColumnError
from arealanalyse.layers.codes import MODE_PRIORITY
from arealanalyse.layers.encodings import decode_text

__all__ = ["GTFS_ROUTE_TYPES", "gtfs_mode", "gtfs_route_type", "read_gtfs_stops"]

#: Integer fields of GTFS stops.txt (with Entur's vehicle_type extension).
_INTEGER_FIELDS = ("location_type", "wheelchair_boarding", "vehicle_type", "route_type")

#: GTFS basic ``route_type`` codes -> canonical mode (extended codes: see :func:`gtfs_mode`).
GTFS_ROUTE_TYPES: dict[int, str] = {
    0: "tram", 1: "metro", 2: "rail", 3: "bus", 4: "ferry", 5: "tram", 11: "bus",
}  # fmt: skip


def gtfs_mode(code: float | str) -> str | None:
    """Canonical transit mode of a GTFS ``route_type`` (basic or extended); None when unknown.

    Examples
    --------
    >>> [gtfs_mode(c) for c in (2, 3, 100, 200, 401, 700, 900, 1000, 1100, "x")]
    ['rail', 'bus', 'rail', 'bus', 'metro', 'bus', 'tram', 'ferry', None, None]
    """
    try:
        c = int(float(code))
    except (TypeError, ValueError):
        return None
    if c in GTFS_ROUTE_TYPES:
        return GTFS_ROUTE_TYPES[c]
    if 100 <= c < 200:
        return "rail"
    if 400 <= c < 500:
        return "metro"
    if 700 <= c < 900 or 200 <= c < 300:  # 800-899: trolleybus
        return "bus"
    if 900 <= c < 1000:
        return "tram"
    if 1000 <= c < 1100 or 1200 <= c < 1300:
        return "ferry"
    return None


def gtfs_route_type(mode: str, /) -> int:
    """GTFS basic ``route_type`` of a canonical mode (the first code of :data:`GTFS_ROUTE_TYPES`).

    Examples
    --------
    >>> [gtfs_route_type(m) for m in ("rail", "metro", "tram", "bus", "ferry")]
    [2, 1, 0, 3, 4]
    """
    for code, m in GTFS_ROUTE_TYPES.items():
        if m == mode:
            return code
    raise CodeError(f"Transit mode {mode!r} has no GTFS route_type; use one of {MODE_PRIORITY}.")


def _primary(modes: set[str]) -> str | None:
    return next((m for m in MODE_PRIORITY if m in modes), None)


def _read_text(raw: bytes, name: str, path: Path, encoding: str | None) -> pd.DataFrame:
    text = decode_text(raw, name=name, path=path, encoding=encoding)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _feed_files(path: Path, name: str) -> dict[str, bytes]:
    """Return the GTFS files needed here (stops, and routes/trips/stop_times when present)."""
    wanted = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                members = {Path(n).name: n for n in zf.namelist() if not n.endswith("/")}
                if "stops.txt" not in members:
                    raise LayerFileError(
                        f"Layer {name!r}: {path.name} has no stops.txt; is it a GTFS feed?"
                    )
                return {w: zf.read(members[w]) for w in wanted if w in members}
        except zipfile.BadZipFile:
            raise LayerFileError(f"Layer {name!r}: {path.name} is not a valid zip file.") from None
    files = {"stops.txt": path.read_bytes()}
    for w in wanted[1:]:  # a stops.txt in an unpacked feed folder
        sibling = path.with_name(w)
        if path.name == "stops.txt" and sibling.is_file():
            files[w] = sibling.read_bytes()
    return files


def _route_modes(
    files: dict[str, bytes], name: str, path: Path, encoding: str | None
) -> pd.Series | None:
    """Modes serving each stop_id, from stop_times → trips → routes; None without those files."""
    if not {"routes.txt", "trips.txt", "stop_times.txt"} <= set(files):
        return None
    routes = _read_text(files["routes.txt"], name, path.with_name("routes.txt"), encoding)
    trips = _read_text(files["trips.txt"], name, path.with_name("trips.txt"), encoding)
    if not {"route_id", "route_type"} <= set(routes.columns) or not {
        "route_id",
        "trip_id",
    } <= set(trips.columns):
        return None
    st = pd.read_csv(
        io.BytesIO(files["stop_times.txt"]),
        dtype=str,
        keep_default_na=False,
        usecols=lambda c: c.strip() in ("trip_id", "stop_id"),
        encoding="utf-8-sig",
    )
    st.columns = [c.strip() for c in st.columns]
    if not {"trip_id", "stop_id"} <= set(st.columns):
        return None
    route_mode = routes.set_index("route_id")["route_type"].map(gtfs_mode)
    trip_mode = trips.set_index("trip_id")["route_id"].map(route_mode)
    pairs = pd.DataFrame(
        {"stop_id": st["stop_id"].to_numpy(), "mode": st["trip_id"].map(trip_mode).to_numpy()}
    ).dropna()
    pairs = pairs.drop_duplicates()
    return pairs.groupby("stop_id")["mode"].agg(lambda s: set(s))


def read_gtfs_stops(
    path: str | Path, /, *, name: str = "transit", encoding: str | None = None
) -> gpd.GeoDataFrame:
    """Read a GTFS feed's stops as stop places with a mode (EPSG:4326 points).

    Parameters
    ----------
    path
        A GTFS zip, or a ``stops.txt`` (the feed's other files are used when they lie next to it).
    name
        Layer name for messages.
    encoding
        Text encoding of the feed when it is not UTF-8 (GTFS says UTF-8; some exports are not).

    Returns
    -------
    geopandas.GeoDataFrame
        The stops.txt columns of each stop place plus ``mode`` and ``modes`` (comma-separated).
        ``attrs["source_info"]`` counts what was folded and dropped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "stops.txt"
    >>> _ = p.write_text("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,"
    ...                  "vehicle_type\\nS,Sandvika,59.89,10.52,1,,100\\n"
    ...                  "S1,Sandvika spor 1,59.89,10.52,0,S,100\\n")
    >>> read_gtfs_stops(p)[["stop_id", "stop_name", "mode"]].values.tolist()
    [['S', 'Sandvika', 'rail']]
    """
    p = Path(path)
    files = _feed_files(p, name)
    df = _read_text(files["stops.txt"], name, p, encoding)
    df.columns = [c.strip() for c in df.columns]
    need = {"stop_id", "stop_name", "stop_lat", "stop_lon"}
    if not need <= set(df.columns):
        raise MissingColumnError(
            f"Layer {name!r}: GTFS stops.txt lacks {sorted(need - set(df.columns))}; "
            "is it a GTFS stops file?"
        )
    # The GTFS spec makes these fields integers (ids such as stop_id stay text), so filters read
    # naturally: "vehicle_type == 100".
    for col in _INTEGER_FIELDS:
        if col in df.columns:
            text = df[col].str.strip()
            numbers = pd.to_numeric(text.replace("", None), errors="coerce")
            bad = (numbers.isna() & (text != "")) | (numbers.notna() & (numbers % 1 != 0))
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise CodeError(
                    f"Layer {name!r}: GTFS field {col} must hold whole numbers but row "
                    f"{row + 2} has {text.iloc[row]!r} (stop_id {df['stop_id'].iloc[row]!r}); "
                    "fix the feed."
                )
            df[col] = numbers.astype("Int64")
    ids = df["stop_id"].str.strip()
    dup = ids.duplicated(keep=False) & (ids != "")
    if dup.any():
        first = ids[dup].iloc[0]
        raise CodeError(
            f"Layer {name!r}: GTFS stop_id {first!r} occurs {int((ids == first).sum())} times "
            f"({int(dup.sum())} rows share an id); a stop id must name one stop: fix the feed."
        )
    info: dict[str, Any] = {"format": "gtfs", "stops_in_file": len(df)}

    # Modes per stop.
    if "vehicle_type" in df.columns:
        own = df["vehicle_type"].map(gtfs_mode)
        info["mode_from"] = "vehicle_type"
    elif "route_type" in df.columns:
        own = df["route_type"].map(gtfs_mode)
        info["mode_from"] = "route_type"
    else:
        served = _route_modes(files, name, p, encoding)
        if served is not None:
            info["mode_from"] = "routes serving the stop"
            modes_of = df["stop_id"].map(served)
        else:
            modes_of = pd.Series([None] * len(df), index=df.index)
        own = None
    if own is not None:
        modes_of = own.map(lambda m: {m} if isinstance(m, str) else None)

    # Fold platforms into their stations.
    lt = (
        df["location_type"].fillna(0)
        if "location_type" in df.columns
        else pd.Series(0, index=df.index)
    )
    parent = (
        df["parent_station"].astype(str).str.strip()
        if "parent_station" in df.columns
        else pd.Series("", index=df.index)
    )
    stations = set(df.loc[(lt == 1).to_numpy(), "stop_id"])
    folds = (lt == 0) & parent.isin(stations)
    ignored = (lt == 0) & (parent != "") & ~parent.isin(stations)
    info["platforms_folded"] = int(folds.sum())
    if ignored.any():
        info["parent_station_ignored"] = int(ignored.sum())
    place = df["stop_id"].where(~folds, parent)
    merged: dict[str, set[str]] = {}
    for pid, ms in zip(place, modes_of, strict=True):
        if isinstance(ms, set):
            merged.setdefault(pid, set()).update(ms)
    keep = (lt == 1) | ((lt == 0) & ~folds)
    info["entrances_nodes_dropped"] = int(((lt >= 2) & (lt <= 4)).sum())
    out = df.loc[keep.to_numpy()].copy()
    out_modes = out["stop_id"].map(lambda s: merged.get(s, set()))
    out["mode"] = out_modes.map(_primary)
    out["modes"] = out_modes.map(lambda ms: ",".join(m for m in MODE_PRIORITY if m in ms))
    known = out["mode"].notna()
    if "mode_from" in info and not known.all():
        info["dropped_without_mode"] = int((~known).sum())
        out = out.loc[known.to_numpy()]
    if out.empty:
        raise EmptyLayerError(
            f"Layer {name!r}: no stop place in {p.name} is served by rail, metro, tram, bus or "
            "ferry; check the feed."
        )
    lon = pd.to_numeric(out["stop_lon"].str.replace(",", ".", regex=False), errors="coerce")
    lat = pd.to_numeric(out["stop_lat"].str.replace(",", ".", regex=False), errors="coerce")
    bad = lon.isna() | lat.isna()
    if bad.any():
        raise MissingColumnError(
            f"Layer {name!r}: {int(bad.sum())} stop places have no numeric stop_lat/stop_lon "
            f"(first: {out['stop_id'].iloc[int(np.flatnonzero(bad.to_numpy())[0])]!r}); "
            "fix them in stops.txt."
        )
    if "mode_from" not in info:
        out = out.drop(columns=["mode", "modes"])
    gdf = gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    info["stop_places"] = len(gdf)
    gdf.attrs["source_info"] = info
    return gdf

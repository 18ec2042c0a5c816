"""Read a timetable of either format: :func:`read_timetable`."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd

from arealanalyse.errors import TimetableError
from arealanalyse.transit.source import open_source
from arealanalyse.transit.timetable import Timetable

__all__ = ["TIMETABLE_FORMATS", "detect_timetable_format", "read_timetable"]

TIMETABLE_FORMATS = ("auto", "gtfs", "netex")


def detect_timetable_format(path: str | os.PathLike[str], /) -> str:
    """``gtfs`` (has ``stop_times.txt``) or ``netex`` (XML files) for a zip, folder or file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "line.xml").write_text("<PublicationDelivery/>")
    >>> detect_timetable_format(d), detect_timetable_format(d / "line.xml")
    ('netex', 'netex')
    """
    p = Path(path)
    label = f"Timetable {p.name!r}"
    with open_source(p, label=label) as src:
        names = src.names
    if "stop_times.txt" in names or "stops.txt" in names or "trips.txt" in names:
        return "gtfs"
    if any(n.endswith(".xml") for n in names):
        return "netex"
    raise TimetableError(
        f"{label}: neither GTFS (stop_times.txt, ...) nor NeTEx (.xml files); give a GTFS zip or "
        "folder, or a NeTEx zip, folder or XML file."
    )


def read_timetable(
    path: str | os.PathLike[str],
    /,
    *,
    format: str = "auto",
    stop_places: gpd.GeoDataFrame | None = None,
    name: str | None = None,
) -> Timetable:
    """Read a GTFS or NeTEx timetable.

    See :func:`~arealanalyse.transit.gtfs.read_gtfs` and
    :func:`~arealanalyse.transit.netex.read_netex`. ``stop_places`` gives NeTEx stop places
    their coordinates (GTFS has its own).
    """
    if format not in TIMETABLE_FORMATS:
        raise TimetableError(
            f"Timetable {Path(path).name!r}: unknown format {format!r}; use one of "
            f"{', '.join(TIMETABLE_FORMATS)}."
        )
    fmt = detect_timetable_format(path) if format == "auto" else format
    if fmt == "gtfs":
        from arealanalyse.transit.gtfs import read_gtfs

        return read_gtfs(path, name=name)
    from arealanalyse.transit.netex import read_netex

    return read_netex(path, stop_places=stop_places, name=name)

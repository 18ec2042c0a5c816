"""Departures per stop place and mode in a time window of a service date.

:func:`count_departures` is what ``arealanalyse transit departures`` prints. For each stop place
(children merged into their parent) it gives the departures in the window, departures per hour,
the departures per mode and the *shortest mean headway per mode*: the window's length divided by
the departures of the mode's busiest direction (direction = the next stop place called at), so a
stop place served every 10 minutes each way shows 10 min, not 5.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from arealanalyse.errors import TimetableError
from arealanalyse.transit.timetable import (
    MODES,
    Timetable,
    format_clock,
    parse_clock,
)

__all__ = ["Departures", "count_departures", "mode_counts"]


@dataclass(frozen=True)
class Departures:
    """Departures per stop place in one window of one date.

    Attributes
    ----------
    table
        One row per stop place with departures, most departures first: ``stop_place_id``,
        ``name``, ``modes`` (comma-separated), ``departures``, ``departures_per_hour``,
        ``departures_<mode>`` and ``headway_<mode>_min`` for each mode present, ``lon``, ``lat``.
    day
        The date as a day number (see :func:`~arealanalyse.transit.timetable.day_number`).
    date_note
        Which date was used and why (the representative weekday when none was given).
    start_s, end_s
        The window, seconds after the date's midnight (``[start_s, end_s)``).
    """

    table: pd.DataFrame
    day: int
    date_note: str
    start_s: int
    end_s: int
    feed: str

    @property
    def date(self) -> dt.date:
        """The date counted."""
        from arealanalyse.transit.timetable import day_to_date

        return day_to_date(self.day)

    @property
    def hours(self) -> float:
        """Length of the window in hours."""
        return (self.end_s - self.start_s) / 3600.0

    @property
    def window(self) -> str:
        """The window as ``HH:MM–HH:MM``."""
        return f"{format_clock(self.start_s)}–{format_clock(self.end_s)}"

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict (what ``transit departures --json`` prints)."""
        rows = []
        modes = [m for m in MODES if f"departures_{m}" in self.table.columns]
        for d in self.table.to_dict(orient="records"):
            rows.append(
                {
                    "stop_place_id": d["stop_place_id"],
                    "name": d["name"],
                    "modes": d["modes"].split(",") if d["modes"] else [],
                    "departures": int(d["departures"]),
                    "departures_per_hour": round(float(d["departures_per_hour"]), 3),
                    "departures_by_mode": {
                        m: int(d[f"departures_{m}"]) for m in modes if d[f"departures_{m}"] > 0
                    },
                    "shortest_mean_headway_min": {
                        m: round(float(d[f"headway_{m}_min"]), 2)
                        for m in modes
                        if np.isfinite(d[f"headway_{m}_min"])
                    },
                    "lon": None if pd.isna(d["lon"]) else float(d["lon"]),
                    "lat": None if pd.isna(d["lat"]) else float(d["lat"]),
                }
            )
        return {
            "feed": self.feed,
            "date": self.date.isoformat(),
            "date_note": self.date_note,
            "window": {"from": format_clock(self.start_s), "to": format_clock(self.end_s)},
            "stop_places": len(rows),
            "departures": int(self.table["departures"].sum()) if len(self.table) else 0,
            "rows": rows,
        }


def mode_counts(window: pd.DataFrame, /) -> pd.DataFrame:
    """Departures and busiest-direction departures per (stop place, mode) of window events.

    Returns a frame indexed by ``place, mode`` with ``departures`` and ``busiest``.

    Examples
    --------
    >>> w = pd.DataFrame({"place": [0, 0, 0, 1], "mode": ["bus"] * 4, "next_place": [1, 1, 2, 0]})
    >>> mode_counts(w).reset_index().values.tolist()
    [[0, 'bus', 3, 2], [1, 'bus', 1, 1]]
    """
    if window.empty:
        idx = pd.MultiIndex.from_arrays([[], []], names=["place", "mode"])
        return pd.DataFrame({"departures": [], "busiest": []}, index=idx).astype(np.int64)
    per_dir = window.groupby(["place", "mode", "next_place"], sort=True).size()
    out = per_dir.groupby(level=["place", "mode"]).agg(["sum", "max"])
    out.columns = ["departures", "busiest"]
    return out.astype(np.int64)


def count_departures(
    tt: Timetable,
    /,
    *,
    date: str | dt.date | None = None,
    start: str = "00:00",
    end: str = "24:00",
) -> Departures:
    """Count departures per stop place and mode on ``date`` in ``[start, end)``.

    Parameters
    ----------
    tt
        The timetable.
    date
        Calendar date; default the feed's representative weekday (the Monday–Friday with the
        most departures), stated in :attr:`Departures.date_note`.
    start, end
        Window ``HH:MM`` (``end`` may pass 24:00 to reach into the next morning).

    Examples
    --------
    >>> from arealanalyse.transit.timetable import build_timetable
    >>> sp = pd.DataFrame({"stop_place_id": ["A", "B"], "name": ["A", "B"],
    ...                    "lon": [10.0, 10.1], "lat": [59.9, 59.9]})
    >>> trips = pd.DataFrame({"trip_id": ["t1", "t2"], "route_id": "r", "route_name": "1",
    ...                       "mode": "bus", "service": 0})
    >>> calls = pd.DataFrame({"trip": [0, 0, 1, 1], "seq": [1, 2, 1, 2], "place": [0, 1, 0, 1],
    ...     "time_s": [7 * 3600, 7 * 3600 + 600, 8 * 3600, 8 * 3600 + 600], "boardable": True})
    >>> tt = build_timetable(name="x", format="gtfs", stop_places=sp, trips=trips,
    ...     services=pd.Index(["s"]), calls=calls,
    ...     service_dates=pd.DataFrame({"service": [0], "day": [16861]}))
    >>> d = count_departures(tt, date="2016-03-01", start="07:00", end="09:00")
    >>> d.table[["name", "departures", "departures_per_hour", "headway_bus_min"]].values.tolist()
    [['A', 2, 1.0, 60.0]]
    """
    try:
        start_s, end_s = parse_clock(start), parse_clock(end)
    except ValueError as exc:
        raise TimetableError(f"Time window: {exc}.") from None
    if end_s <= start_s:
        raise TimetableError(
            f"Time window {start}–{end} ends before it starts; give --from before --to."
        )
    day, note = tt.resolve_day(date)
    window = tt.window_events(day, start_s, end_s)
    table = departures_table(tt, window, minutes=(end_s - start_s) / 60.0)
    return Departures(
        table=table, day=day, date_note=note, start_s=start_s, end_s=end_s, feed=tt.name
    )


def departures_table(tt: Timetable, window: pd.DataFrame, /, *, minutes: float) -> pd.DataFrame:
    """Per stop place: departures, per hour, per mode and the shortest mean headway per mode."""
    counts = mode_counts(window)
    cols = ["stop_place_id", "name", "modes", "departures", "departures_per_hour"]
    if counts.empty:
        return pd.DataFrame(columns=[*cols, "lon", "lat"])
    flat = counts.reset_index()
    dep = flat.pivot_table(index="place", columns="mode", values="departures", fill_value=0)
    busiest = flat.pivot_table(index="place", columns="mode", values="busiest", fill_value=0)
    modes = [m for m in MODES if m in dep.columns]
    dep, busiest = dep[modes], busiest[modes]
    places = tt.stop_places.iloc[dep.index.to_numpy()]
    out = pd.DataFrame(
        {
            "stop_place_id": places["stop_place_id"].to_numpy(),
            "name": places["name"].to_numpy(),
        },
        index=dep.index,
    )
    flags = dep.gt(0)
    out["modes"] = flags.dot(pd.Series([f"{m}," for m in modes], index=modes)).str.rstrip(",")
    out["departures"] = dep.sum(axis=1).astype(np.int64)
    out["departures_per_hour"] = out["departures"] / (minutes / 60.0)
    for m in modes:
        out[f"departures_{m}"] = dep[m].astype(np.int64)
    for m in modes:
        b = busiest[m].to_numpy(dtype=np.float64)
        with np.errstate(divide="ignore"):
            out[f"headway_{m}_min"] = np.where(b > 0, minutes / np.maximum(b, 1), np.inf)
    out["lon"] = places["lon"].to_numpy()
    out["lat"] = places["lat"].to_numpy()
    out = out.sort_values(["departures", "name"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)

"""Scenario changes to a timetable: a new line, a new headway on a route, closed stop places.

Each function returns a new :class:`~arealanalyse.transit.Timetable`; the input is never changed.

* :func:`add_line` runs a new line (e.g. Fornebubanen) both ways every ``headway_min`` minutes
  between two times on every service day of the feed (or Monday-Friday only). Its stops are
  existing stop places (so a metro stop next to a bus terminal makes it multimodal) or new ones.
  Running times are given, or come from the straight-line distance at a typical speed.
* :func:`set_headway` makes a route run every ``headway_min`` minutes in each direction in a
  period: per direction and service, its trips that start in the period are replaced by trips at
  the new headway that follow the direction's most common stop pattern and running times.
  Direction: along or against the route's longest stop pattern.
* :func:`close_stop_places` removes every departure at some stop places.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import ScenarioError
from arealanalyse.transit.timetable import Timetable

__all__ = [
    "SPEED_KMH",
    "LineStop",
    "add_line",
    "close_stop_places",
    "match_stop_places",
    "set_headway",
]

#: Typical speed including stops (km/h) for running times of new lines.
SPEED_KMH: dict[str, float] = {
    "rail": 60.0,
    "metro": 35.0,
    "tram": 20.0,
    "bus": 22.0,
    "ferry": 25.0,
}


@dataclass(frozen=True)
class LineStop:
    """A stop of a new line: an existing stop place (``stop_place_id``) or a new one."""

    name: str
    lon: float
    lat: float
    stop_place_id: str | None = None


def match_stop_places(transit: gpd.GeoDataFrame, tt: Timetable, /) -> pd.Series:
    """Stop place (code in ``tt``) of each transit-layer feature, -1 where none matches.

    A feature matches the stop place whose id equals its ``nsr_id``; failing that, one with the
    same name (ignoring case) within 500 m.
    """
    out = pd.Series(-1, index=transit.index, dtype=np.int64)
    if transit.empty or tt.stop_places.empty:
        return out
    sp = tt.stop_places
    by_id = pd.Series(np.arange(len(sp)), index=sp["stop_place_id"].astype(str))
    by_id = by_id[~by_id.index.duplicated()]
    nsr = (
        transit["nsr_id"].fillna("").astype(str)
        if "nsr_id" in transit.columns
        else pd.Series("", index=transit.index)
    )
    hit = nsr.map(by_id).fillna(-1).astype(np.int64)
    hit[nsr == ""] = -1
    out[:] = hit.to_numpy()
    rest = out[out < 0].index
    if len(rest) and "name" in transit.columns:
        wgs = transit.loc[rest].to_crs(4326).geometry.representative_point()
        names = sp["name"].astype(str).str.casefold().to_numpy()
        wanted = transit.loc[rest, "name"].astype(str).str.casefold().to_numpy()
        for i, want, g in zip(rest, wanted, wgs, strict=True):
            cand = np.flatnonzero(names == want)
            if len(cand) == 0:
                continue
            dy = (sp["lat"].to_numpy()[cand] - g.y) * 111_320.0
            dx = (sp["lon"].to_numpy()[cand] - g.x) * 111_320.0 * np.cos(np.radians(g.y))
            d = np.hypot(dx, dy)
            if np.nanmin(d) <= 500.0:
                out[i] = int(cand[int(np.nanargmin(d))])
    return out


def _hours(hours: tuple[str, str]) -> tuple[int, int]:
    from arealanalyse.transit.timetable import parse_clock

    return parse_clock(hours[0]), parse_clock(hours[1])


def add_line(
    tt: Timetable,
    stops: Sequence[LineStop],
    /,
    *,
    line_id: str,
    name: str,
    mode: str,
    headway_min: float,
    hours: tuple[str, str] = ("05:30", "24:30"),
    minutes_between_stops: float | None = None,
    weekdays_only: bool = False,
) -> Timetable:
    """Return ``tt`` with a new line running both ways every ``headway_min`` minutes.

    Examples
    --------
    >>> from arealanalyse.transit.timetable import build_timetable
    >>> empty = build_timetable(name="x", format="gtfs",
    ...     stop_places=pd.DataFrame(columns=["stop_place_id", "name", "lon", "lat"]),
    ...     trips=pd.DataFrame(columns=["trip_id", "route_id", "route_name", "mode", "service"]),
    ...     services=pd.Index(["s"]), service_dates=pd.DataFrame({"service": [0], "day": [20000]}),
    ...     calls=pd.DataFrame(columns=["trip", "seq", "place", "time_s", "boardable"]))
    >>> stops = [LineStop("A", 10.60, 59.90), LineStop("B", 10.62, 59.90)]
    >>> tt = add_line(empty, stops, line_id="X", name="X", mode="metro", headway_min=10,
    ...               hours=("07:00", "08:00"))
    >>> len(tt.trips), len(tt.events)  # 6 trips each way, one departure each
    (12, 12)
    """
    if len(stops) < 2:
        raise ScenarioError(f"Line {line_id!r}: a line needs at least two stops.")
    sp = tt.stop_places.copy()
    ids = pd.Series(np.arange(len(sp)), index=sp["stop_place_id"].astype(str))
    ids = ids[~ids.index.duplicated()]
    codes: list[int] = []
    new_rows: list[dict[str, object]] = []
    for k, st in enumerate(stops):
        if st.stop_place_id is not None and st.stop_place_id in ids.index:
            codes.append(int(ids[st.stop_place_id]))
            continue
        codes.append(len(sp) + len(new_rows))
        new_rows.append(
            {
                "stop_place_id": st.stop_place_id or f"scenario:{line_id}:{k + 1}",
                "name": st.name,
                "lon": float(st.lon),
                "lat": float(st.lat),
            }
        )
    if new_rows:
        sp = pd.concat([sp, pd.DataFrame(new_rows)], ignore_index=True)
    lon = np.array([s.lon for s in stops], dtype=np.float64)
    lat = np.array([s.lat for s in stops], dtype=np.float64)
    if minutes_between_stops is not None:
        hop = np.full(len(stops) - 1, minutes_between_stops * 60.0)
    else:
        dx = np.diff(lon) * 111_320.0 * np.cos(np.radians(lat[:-1]))
        dy = np.diff(lat) * 111_320.0
        speed = SPEED_KMH.get(mode, 30.0) / 3.6
        hop = np.maximum(60.0, np.round((np.hypot(dx, dy) * 1.25 / speed + 30.0) / 60.0) * 60.0)
    offsets = np.concatenate([[0.0], np.cumsum(hop)])
    h0, h1 = _hours(hours)
    starts = np.arange(h0, h1, headway_min * 60.0)
    lo, hi = tt.day_range
    days = np.arange(lo, hi + 1)
    if weekdays_only:
        days = days[(days + 3) % 7 < 5]
    service = len(tt.services)
    services = tt.services.append(pd.Index([f"scenario:{line_id}"]))
    dates = pd.concat(
        [tt.service_dates, pd.DataFrame({"service": service, "day": days})], ignore_index=True
    ).astype(np.int32)
    trip_rows: list[dict[str, object]] = []
    events: list[pd.DataFrame] = []
    n_trip = len(tt.trips)
    for direction in (0, 1):
        seq = codes if direction == 0 else codes[::-1]
        off = offsets if direction == 0 else offsets[-1] - offsets[::-1]
        for t0 in starts:
            trip = n_trip + len(trip_rows)
            trip_rows.append(
                {
                    "trip_id": f"scenario:{line_id}:{direction}:{int(t0)}",
                    "route_id": f"scenario:{line_id}",
                    "route_name": name,
                    "mode": mode,
                    "service": service,
                }
            )
            events.append(
                pd.DataFrame(
                    {
                        "trip": trip,
                        "place": seq[:-1],
                        "time_s": np.round(t0 + off[:-1]).astype(np.int64),
                        "next_place": seq[1:],
                    }
                )
            )
    new_events = pd.concat([tt.events, *events], ignore_index=True).astype(np.int32)
    return tt.with_parts(
        stop_places=sp,
        trips=pd.concat([tt.trips, pd.DataFrame(trip_rows)], ignore_index=True),
        services=services,
        service_dates=dates,
        events=new_events,
    )


def set_headway(
    tt: Timetable,
    /,
    *,
    route: str,
    headway_min: float,
    hours: tuple[str, str] = ("06:00", "20:00"),
) -> Timetable:
    """Return ``tt`` with ``route`` (its id or public name) every ``headway_min`` min in ``hours``.

    Raises :class:`ScenarioError` when no trip of the route starts in the period.
    """
    trips = tt.trips
    is_route = (trips["route_id"].astype(str) == route) | (trips["route_name"].astype(str) == route)
    codes = np.flatnonzero(is_route.to_numpy())
    if len(codes) == 0:
        raise ScenarioError(
            f"route {route!r} is not in the timetable {tt.name!r}; give a route_id or the "
            "public line name (route_short_name, NeTEx PublicCode)."
        )
    ev = tt.events[tt.events["trip"].isin(codes)].sort_values(["trip", "time_s"], kind="stable")
    first = ev.groupby("trip")["time_s"].min()
    h0, h1 = _hours(hours)
    # stop pattern of each trip: its departure places and the last place it goes to
    patterns: dict[int, tuple[int, ...]] = {}
    for trip, grp in ev.groupby("trip", sort=True):
        places = grp["place"].tolist()
        patterns[int(str(trip))] = (*places, int(grp["next_place"].to_numpy()[-1]))
    longest = max(patterns.values(), key=len)
    pos = {p: i for i, p in enumerate(longest)}
    other: dict[tuple[int, ...], int] = {}

    def direction(pat: tuple[int, ...]) -> int:
        a, b = pos.get(pat[0]), pos.get(pat[-1])
        if a is None or b is None or a == b:
            return other.setdefault(pat, 2 + len(other))  # off the longest pattern: own group
        return 0 if a < b else 1

    first_s = dict(zip(first.index.astype(int), first.to_numpy(dtype=np.int64), strict=True))
    in_period = [t for t in patterns if h0 <= first_s[t] < h1]
    if not in_period:
        raise ScenarioError(
            f"route {route!r} has no trip starting between {hours[0]} and {hours[1]}; widen the "
            "hours or check the route."
        )
    groups: dict[tuple[int, int], list[int]] = {}
    for t in in_period:
        key = (direction(patterns[t]), int(trips["service"].iloc[t]))
        groups.setdefault(key, []).append(t)
    drop = set(in_period)
    new_trips: list[dict[str, object]] = []
    new_events: list[pd.DataFrame] = []
    starts = np.arange(h0, h1, headway_min * 60.0)
    n_trip = len(trips)
    for (_d, service), members in sorted(groups.items()):
        common = Counter(patterns[t] for t in members).most_common(1)[0][0]
        template = next(t for t in members if patterns[t] == common)
        tev = ev[ev["trip"] == template]
        off = tev["time_s"].to_numpy() - first_s[template]
        base = trips.iloc[template]
        for t0 in starts:
            code = n_trip + len(new_trips)
            new_trips.append(
                {
                    "trip_id": f"{base['trip_id']}@{int(t0)}",
                    "route_id": base["route_id"],
                    "route_name": base["route_name"],
                    "mode": base["mode"],
                    "service": service,
                }
            )
            new_events.append(
                pd.DataFrame(
                    {
                        "trip": code,
                        "place": tev["place"].to_numpy(),
                        "time_s": np.round(t0 + off).astype(np.int64),
                        "next_place": tev["next_place"].to_numpy(),
                    }
                )
            )
    kept = tt.events[~tt.events["trip"].isin(list(drop))]
    return tt.with_parts(
        trips=pd.concat([trips, pd.DataFrame(new_trips)], ignore_index=True),
        events=pd.concat([kept, *new_events], ignore_index=True).astype(np.int32),
    )


def close_stop_places(tt: Timetable, places: Sequence[int], /) -> Timetable:
    """Return ``tt`` without any departure at the stop places ``places`` (codes)."""
    if not len(places):
        return tt
    keep = ~tt.events["place"].isin(list(places))
    return tt.with_parts(events=tt.events[keep].reset_index(drop=True))

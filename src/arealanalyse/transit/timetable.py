"""A timetable reduced to what frequency analysis needs: stop places, trips, days, departures.

Both readers (:func:`~arealanalyse.transit.gtfs.read_gtfs`,
:func:`~arealanalyse.transit.netex.read_netex`) build a :class:`Timetable` through
:func:`build_timetable`, so every count below is defined once:

* **Stop place.** Platforms, quays and other child stops are merged into their parent station
  (GTFS ``parent_station``; NeTEx quay → ``StopPlace``). Departures are counted per stop place.
* **Departure.** A call of a trip at a stop place where a passenger can board and the vehicle
  goes on to another stop place: the last call of a trip is an arrival, not a departure; a call
  with ``pickup_type`` 1 (GTFS) or ``ForBoarding`` false (NeTEx) cannot be boarded. Consecutive
  calls of one trip at the same stop place (two platforms of one station) are one departure, at
  the time the vehicle leaves the last of them.
* **Direction.** The next stop place the vehicle calls at. Headways are measured per direction.
* **Time.** Seconds after midnight of the trip's *service day* (GTFS times may pass 24:00; NeTEx
  day offsets add whole days). A window ``[start, end)`` is read on the calendar date: a trip of
  the previous service day that departs at 24:30 counts at 00:30 of the date asked for.

Integer codes index stop places, trips and services (positions in their tables), which keeps
national feeds (tens of millions of calls) in vectorised numpy/pandas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from arealanalyse.errors import TimetableError
from arealanalyse.layers.codes import TRANSIT_MODES

__all__ = [
    "DAY_S",
    "MODES",
    "Timetable",
    "build_timetable",
    "day_number",
    "day_to_date",
    "merge_timetables",
    "parse_clock",
]

DAY_S = 86_400
#: Modes departures are counted under (``other``: route types that are not transit here).
MODES: tuple[str, ...] = (*TRANSIT_MODES, "other")
_EPOCH = dt.date(1970, 1, 1)
_WEEKDAYS_NB = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def day_number(date: dt.date | str, /) -> int:
    """Days since 1970-01-01 of a date (``YYYY-MM-DD`` text or a :class:`datetime.date`).

    Examples
    --------
    >>> day_number("1970-01-02"), day_to_date(day_number("2016-03-01")).isoformat()
    (1, '2016-03-01')
    """
    d = dt.date.fromisoformat(date) if isinstance(date, str) else date
    return (d - _EPOCH).days


def day_to_date(day: int, /) -> dt.date:
    """Return the date of a day number (:func:`day_number`)."""
    return _EPOCH + dt.timedelta(days=int(day))


def weekday_nb(day: int, /) -> str:
    """Norwegian weekday name of a day number (``mandag`` ... ``søndag``)."""
    return _WEEKDAYS_NB[(int(day) + 3) % 7]


def parse_clock(text: str, /) -> int:
    """Seconds after midnight of ``HH:MM`` or ``HH:MM:SS`` (hours may pass 24).

    Examples
    --------
    >>> parse_clock("07:30"), parse_clock("25:10:05")
    (27000, 90605)
    >>> parse_clock("7.30")
    Traceback (most recent call last):
    ...
    ValueError: '7.30' is not a time HH:MM; write e.g. 07:00 or 25:30 (after midnight)
    """
    parts = text.strip().split(":")
    ok = 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts)
    ok = ok and all(len(p) == 2 and int(p) < 60 for p in parts[1:])
    if not ok:
        raise ValueError(
            f"{text!r} is not a time HH:MM; write e.g. 07:00 or 25:30 (after midnight)"
        )
    h, m = int(parts[0]), int(parts[1])
    s = int(parts[2]) if len(parts) == 3 else 0
    return h * 3600 + m * 60 + s


def format_clock(seconds: int, /) -> str:
    """``HH:MM`` of seconds after midnight (hours may pass 24).

    Examples
    --------
    >>> format_clock(27000), format_clock(86400)
    ('07:30', '24:00')
    """
    m = int(seconds) // 60
    return f"{m // 60:02d}:{m % 60:02d}"


@dataclass(frozen=True, eq=False)
class Timetable:
    """A timetable as departure events (see the module docstring for every definition).

    Attributes
    ----------
    name
        Source name for messages (file name).
    format
        ``gtfs``, ``netex`` or ``merged``.
    stop_places
        One row per stop place (row position = code): ``stop_place_id``, ``name``, ``lon``,
        ``lat`` (WGS84 degrees; NaN where the source has no coordinates).
    trips
        One row per trip (row position = code): ``trip_id``, ``route_id``, ``route_name``,
        ``mode``, ``service`` (code into ``services``).
    services
        Service ids (position = code).
    service_dates
        The days each service runs: ``service`` (code), ``day`` (days since 1970-01-01).
    events
        Departures: ``trip``, ``place``, ``time_s`` (seconds after midnight of the service day),
        ``next_place`` (the next stop place called at; the direction).
    notes
        What the reader repaired or assumed (e.g. a file read as Latin-1).
    """

    name: str
    format: str
    stop_places: pd.DataFrame
    trips: pd.DataFrame
    services: pd.Index
    service_dates: pd.DataFrame
    events: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    # ------------------------------------------------------------------ calendar
    @property
    def day_range(self) -> tuple[int, int]:
        """First and last day (day numbers) on which any service runs."""
        days = self.service_dates["day"]
        if days.empty:
            raise TimetableError(
                f"Timetable {self.name!r} has no service days; check its calendar."
            )
        return int(days.min()), int(days.max())

    def departures_per_day(self) -> pd.Series:
        """Departures scheduled on each service day, indexed by day number."""
        per_trip = np.bincount(self.events["trip"].to_numpy(), minlength=len(self.trips))
        per_service = np.bincount(
            self.trips["service"].to_numpy(), weights=per_trip, minlength=len(self.services)
        )
        sd = self.service_dates
        lo, hi = self.day_range
        counts = np.bincount(
            sd["day"].to_numpy() - lo,
            weights=per_service[sd["service"].to_numpy()],
            minlength=hi - lo + 1,
        )
        return pd.Series(counts, index=pd.RangeIndex(lo, hi + 1, name="day"), name="departures")

    def representative_day(self) -> int:
        """Return the Monday-Friday with the most departures (earliest of equals) as a day number.

        Raises :class:`TimetableError` when no weekday has any departure.
        """
        per_day = self.departures_per_day()
        weekday = (per_day.index.to_numpy() + 3) % 7 < 5
        per_day = per_day[weekday & (per_day.to_numpy() > 0)]
        if per_day.empty:
            lo, hi = self.day_range
            raise TimetableError(
                f"Timetable {self.name!r} has no departures on any weekday between "
                f"{day_to_date(lo)} and {day_to_date(hi)}; give a date explicitly."
            )
        return int(per_day.index[int(np.argmax(per_day.to_numpy()))])

    def resolve_day(self, date: str | dt.date | None, /) -> tuple[int, str]:
        """Day number of ``date`` (the representative weekday when None) and a note saying which.

        A date outside the feed's service period is an error (a count of zero there would be
        meaningless); the days after it that trips running past midnight reach are inside.
        """
        lo, hi = self.day_range
        late = int(self.events["time_s"].max() // DAY_S) if len(self.events) else 0
        period = f"{day_to_date(lo)}–{day_to_date(hi)}"
        if date is None:
            day = self.representative_day()
            return day, (
                f"{day_to_date(day)} ({weekday_nb(day)}): representative weekday, the Monday–"
                f"Friday with the most departures in the feed's period {period}"
            )
        try:
            day = day_number(date)
        except ValueError:
            raise TimetableError(f"{date!r} is not a date; write YYYY-MM-DD.") from None
        if not lo <= day <= hi + late:
            raise TimetableError(
                f"Timetable {self.name!r} has no service on {day_to_date(day)}: its service "
                f"period is {period}; choose a date inside it (or leave the date out)."
            )
        return day, f"{day_to_date(day)} ({weekday_nb(day)})"

    # ------------------------------------------------------------------ departures
    def window_events(self, day: int, start_s: int, end_s: int, /) -> pd.DataFrame:
        """Departures on calendar day ``day`` in ``[start_s, end_s)`` (seconds after its midnight).

        Trips of earlier service days running past midnight are included (a 25:10 departure of
        the day before is 01:10), and an ``end_s`` past 24:00 reaches into the next day. Returns
        ``trip, place, next_place, time_s, mode`` with ``time_s`` relative to ``day``'s midnight.
        """
        ev = self.events
        if ev.empty or end_s <= start_s:
            return _empty_window()
        t = ev["time_s"].to_numpy(dtype=np.int64)
        first = -int(t.max() // DAY_S)
        last = int(np.ceil(end_s / DAY_S))
        trips_service = self.trips["service"].to_numpy()
        ev_trip = ev["trip"].to_numpy()
        sd_day = self.service_dates["day"].to_numpy()
        sd_service = self.service_dates["service"].to_numpy()
        parts = []
        for offset in range(first, last):
            active = np.zeros(len(self.services), dtype=bool)
            active[sd_service[sd_day == day + offset]] = True
            rel = t + offset * DAY_S
            sel = active[trips_service[ev_trip]] & (rel >= start_s) & (rel < end_s)
            if sel.any():
                part = ev.loc[sel, ["trip", "place", "next_place"]].copy()
                part["time_s"] = rel[sel]
                parts.append(part)
        if not parts:
            return _empty_window()
        out = pd.concat(parts, ignore_index=True)
        out["mode"] = self.trips["mode"].to_numpy()[out["trip"].to_numpy()]
        return out

    def with_parts(self, **changes: Any) -> Timetable:
        """Return a copy with some tables replaced (the Timetable itself is never modified)."""
        return replace(self, **changes)


def _empty_window() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trip": pd.Series([], dtype=np.int64),
            "place": pd.Series([], dtype=np.int64),
            "next_place": pd.Series([], dtype=np.int64),
            "time_s": pd.Series([], dtype=np.int64),
            "mode": pd.Series([], dtype=object),
        }
    )


def build_timetable(
    *,
    name: str,
    format: str,
    stop_places: pd.DataFrame,
    trips: pd.DataFrame,
    services: pd.Index,
    service_dates: pd.DataFrame,
    calls: pd.DataFrame,
    notes: list[str] | tuple[str, ...] = (),
) -> Timetable:
    """Assemble a :class:`Timetable` from the calls of each trip (the readers' common last step).

    Parameters
    ----------
    calls
        One row per call of a trip at a stop: ``trip`` (code), ``seq`` (order within the trip),
        ``place`` (stop-place code), ``time_s`` (departure time, or arrival where there is none;
        seconds of the service day) and ``boardable`` (bool).

    Examples
    --------
    A trip A → B → C with a no-boarding call at B has one departure (at A); C is its end:

    >>> sp = pd.DataFrame({"stop_place_id": ["A", "B", "C"], "name": ["A", "B", "C"],
    ...                    "lon": [10.0] * 3, "lat": [59.9] * 3})
    >>> trips = pd.DataFrame({"trip_id": ["t"], "route_id": ["r"], "route_name": ["1"],
    ...                       "mode": ["bus"], "service": [0]})
    >>> calls = pd.DataFrame({"trip": [0, 0, 0], "seq": [1, 2, 3], "place": [0, 1, 2],
    ...     "time_s": [100, 200, 300], "boardable": [True, False, True]})
    >>> tt = build_timetable(name="x", format="gtfs", stop_places=sp, trips=trips,
    ...     services=pd.Index(["s"]), service_dates=pd.DataFrame({"service": [0], "day": [0]}),
    ...     calls=calls)
    >>> tt.events[["trip", "place", "time_s", "next_place"]].values.tolist()
    [[0, 0, 100, 1]]
    """
    c = calls.sort_values(["trip", "seq"], kind="stable")
    trip = c["trip"].to_numpy(dtype=np.int64)
    place = c["place"].to_numpy(dtype=np.int64)
    _check_order(c, trips, name)
    # the last call of each run of calls at one stop place (two platforms of a station are one)
    nxt_trip = np.append(trip[1:], -1)
    nxt_place = np.append(place[1:], -1)
    run_end = (nxt_trip != trip) | (nxt_place != place)
    r = c.loc[run_end]
    r_trip = r["trip"].to_numpy(dtype=np.int64)
    r_place = r["place"].to_numpy(dtype=np.int64)
    same_trip_next = np.append(r_trip[1:] == r_trip[:-1], False)
    next_place = np.where(same_trip_next, np.append(r_place[1:], -1), -1)
    keep = (next_place >= 0) & r["boardable"].to_numpy(dtype=bool)
    events = pd.DataFrame(
        {
            "trip": r_trip[keep].astype(np.int32),
            "place": r_place[keep].astype(np.int32),
            "time_s": r["time_s"].to_numpy(dtype=np.int64)[keep].astype(np.int32),
            "next_place": next_place[keep].astype(np.int32),
        }
    )
    sd = service_dates.drop_duplicates(ignore_index=True).astype(
        {"service": np.int32, "day": np.int32}
    )
    return Timetable(
        name=name,
        format=format,
        stop_places=stop_places.reset_index(drop=True),
        trips=trips.reset_index(drop=True),
        services=pd.Index(services),
        service_dates=sd,
        events=events,
        notes=tuple(notes),
    )


def _check_order(calls: pd.DataFrame, trips: pd.DataFrame, name: str) -> None:
    """Refuse a trip whose stops repeat a sequence number or whose times run backwards."""
    trip = calls["trip"].to_numpy(dtype=np.int64)
    same = trip[1:] == trip[:-1]
    seq = calls["seq"].to_numpy()
    t = calls["time_s"].to_numpy(dtype=np.float64)
    for bad, what in (
        (same & (seq[1:] == seq[:-1]), "has two stops with the same sequence number"),
        (same & (t[1:] < t[:-1]), "runs backwards in time"),
    ):
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            tid = trips["trip_id"].iloc[int(trip[i])]
            n = len(np.unique(trip[1:][bad]))
            raise TimetableError(
                f"Timetable {name!r}: trip {tid!r} {what} (at stop {int(seq[i + 1])}; {n} trip(s) "
                "like it); fix the stop order or the times in the feed."
            )


def merge_timetables(timetables: list[Timetable], /, *, name: str | None = None) -> Timetable:
    """One timetable from several feeds (e.g. a NeTEx and a GTFS export of one region).

    Stop places with the same id (NSR ids are national) become one; trip and service ids are
    prefixed with the feed's position where two feeds use the same id.
    """
    if not timetables:
        raise TimetableError("No timetable to merge; give at least one feed.")
    if len(timetables) == 1:
        return timetables[0]
    places = pd.concat([t.stop_places for t in timetables], ignore_index=True)
    uniq = places.drop_duplicates("stop_place_id", keep="first").reset_index(drop=True)
    # fill coordinates one feed lacks from another
    coords = places.dropna(subset=["lon", "lat"]).drop_duplicates("stop_place_id")
    filled = uniq.drop(columns=["lon", "lat"]).merge(
        coords[["stop_place_id", "lon", "lat"]], on="stop_place_id", how="left"
    )
    code = pd.Series(np.arange(len(filled)), index=filled["stop_place_id"])
    trip_ids = pd.concat([t.trips["trip_id"] for t in timetables])
    svc_ids = pd.Index(np.concatenate([np.asarray(t.services, dtype=object) for t in timetables]))
    clash_trip = trip_ids.duplicated(keep=False).any()
    clash_svc = svc_ids.duplicated(keep=False).any()
    trips: list[pd.DataFrame] = []
    services: list[pd.Index] = []
    dates: list[pd.DataFrame] = []
    events: list[pd.DataFrame] = []
    notes: list[str] = []
    n_trip = n_svc = 0
    for i, t in enumerate(timetables):
        remap = code.loc[t.stop_places["stop_place_id"]].to_numpy()
        tr = t.trips.copy()
        if clash_trip:
            tr["trip_id"] = f"{i}:" + tr["trip_id"].astype(str)
        tr["service"] = tr["service"] + n_svc
        trips.append(tr)
        svc = pd.Index(t.services).astype(str)
        services.append(svc.map(lambda s, i=i: f"{i}:{s}") if clash_svc else svc)
        dates.append(t.service_dates.assign(service=t.service_dates["service"] + n_svc))
        ev = t.events.copy()
        ev["trip"] = ev["trip"] + n_trip
        ev["place"] = remap[ev["place"].to_numpy()]
        ev["next_place"] = remap[ev["next_place"].to_numpy()]
        events.append(ev)
        notes.extend(f"{t.name}: {n}" for n in t.notes)
        n_trip += len(t.trips)
        n_svc += len(t.services)
    return Timetable(
        name=name or " + ".join(t.name for t in timetables),
        format="merged",
        stop_places=filled,
        trips=pd.concat(trips, ignore_index=True),
        services=pd.Index(np.concatenate([np.asarray(s, dtype=object) for s in services])),
        service_dates=pd.concat(dates, ignore_index=True),
        events=pd.concat(events, ignore_index=True).astype(np.int32),
        notes=tuple(notes),
    )

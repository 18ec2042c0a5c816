"""Read a GTFS feed (zip or folder) into a :class:`~arealanalyse.transit.timetable.Timetable`.

Files used: ``stops.txt``, ``routes.txt``, ``trips.txt``, ``stop_times.txt`` (required),
``calendar.txt`` and/or ``calendar_dates.txt`` (at least one; both exception types: 1 adds a
date, 2 removes it; Entur's exports set every weekday flag to 0 and list each date in
``calendar_dates.txt``), and ``frequencies.txt`` (headway-based trips are expanded into one trip
per start time; the template trip's own times only give the running times).

Handled and documented:

* times past 24:00 (a trip of the service day that runs after midnight);
* intermediate stops without times (GTFS allows them between timepoints): interpolated linearly
  by their position between the timed stops of the trip;
* ``parent_station``: stops (platforms, boarding areas) are merged into their station;
* text that is not UTF-8 (e.g. Latin-1 from old exports): read as Windows-1252/Latin-1, with a
  note in :attr:`Timetable.notes`.

Errors (one line naming the file, the row and the fix): a missing required file or column, a time
that is not ``HH:MM:SS`` (``25:61:00``), a stop, trip, route or service id used but never defined,
a trip whose first or last stop has no time, a negative headway.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from arealanalyse.errors import TimetableError
from arealanalyse.layers.gtfs import gtfs_mode
from arealanalyse.transit.source import FeedSource, open_source
from arealanalyse.transit.timetable import DAY_S, Timetable, build_timetable

__all__ = ["read_gtfs"]

REQUIRED_FILES = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
#: Most service days one feed may expand to (services x days), a guard against absurd ranges.
MAX_SERVICE_DAYS = 50_000_000


def _header(src: FeedSource, name: str) -> list[str]:
    """Return the column names of a table's first line, as written (quotes removed)."""
    with src.open(name) as fh:
        first = fh.readline()
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    return [c.strip('"') for c in text.split(",")]


def _read(
    src: FeedSource,
    name: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    notes: list[str],
) -> pd.DataFrame:
    """Read one GTFS table as text columns (stripped names); check the required columns.

    The CSV is parsed by pyarrow (multi-threaded): a national ``stop_times.txt`` takes seconds.
    """
    label = f"{src.label}: {name}"
    header = _header(src, name)
    if header == [""]:
        raise TimetableError(f"{label} is empty; a GTFS table needs a header row.")
    stripped = [h.strip() for h in header]
    missing = [c for c in required if c not in stripped]
    if missing:
        raise TimetableError(
            f"{label} lacks the column(s) {', '.join(missing)}; a GTFS {name} needs "
            f"{', '.join(required)}."
        )
    wanted = set(required) | set(optional)
    usecols = [h for h, c in zip(header, stripped, strict=True) if c in wanted]
    df: pd.DataFrame | None = None
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            with src.open(name) as fh:
                df = pd.read_csv(
                    fh,
                    dtype=str,
                    keep_default_na=False,
                    encoding=encoding,
                    usecols=usecols,
                    engine="pyarrow",
                )
        except pd.errors.EmptyDataError:
            raise TimetableError(f"{label} is empty; a GTFS table needs a header row.") from None
        except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
            text = str(exc).strip()
            first = text.splitlines()[0] if text else type(exc).__name__
            if isinstance(exc, UnicodeDecodeError) or "utf8" in first.lower():
                continue  # not UTF-8: try the next encoding
            raise TimetableError(f"{label} is not valid CSV ({first}); fix the file.") from None
        if encoding != "utf-8":
            notes.append(
                f"{name} is not UTF-8 (as GTFS requires); read as {encoding} – check names "
                "with æ, ø and å"
            )
        break
    assert df is not None
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    for c in df.columns:
        df[c] = df[c].str.strip()
    return df


def _numbers(values: pd.Series, pattern: str) -> np.ndarray:
    """Float array of the named groups of ``pattern`` in each text (NaN where it does not match)."""
    m = pc.extract_regex(pa.array(values, type=pa.large_string()), pattern)
    return np.column_stack(
        [
            pc.cast(pc.struct_field(m, [i]), pa.int64()).to_numpy(zero_copy_only=False)
            for i in range(m.type.num_fields)
        ]
    ).astype(np.float64)


def _clock(values: pd.Series, *, label: str, column: str) -> np.ndarray:
    """Seconds of ``H:MM:SS``/``HH:MM:SS`` texts (NaN where empty); bad values are an error."""
    hms = _numbers(values, r"^(?P<h>\d{1,3}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)$")
    empty = (values == "").to_numpy()
    bad = ~empty & np.isnan(hms[:, 0])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TimetableError(
            f"{label} line {i + 2}: {column} {values.iloc[i]!r} is not a time HH:MM:SS "
            f"(minutes and seconds 00–59; hours may pass 24); {int(bad.sum())} such value(s); "
            "fix the feed."
        )
    out = hms[:, 0] * 3600 + hms[:, 1] * 60 + hms[:, 2]
    out[empty] = np.nan
    return out


def _unknown(ids: pd.Series, known: pd.Index, *, label: str, column: str, defined_in: str) -> None:
    bad = ~ids.isin(known).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        n = int(bad.sum())
        raise TimetableError(
            f"{label} line {i + 2}: {column} {ids.iloc[i]!r} is not in {defined_in} ({n} row(s) "
            f"name ids it does not define); fix the ids or add the missing rows."
        )


def _dates(values: pd.Series, *, label: str, column: str) -> np.ndarray:
    parsed = pd.to_datetime(values, format="%Y%m%d", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TimetableError(
            f"{label} line {i + 2}: {column} {values.iloc[i]!r} is not a date YYYYMMDD; fix it."
        )
    epoch = np.datetime64("1970-01-01", "D")
    return (parsed.to_numpy().astype("datetime64[D]") - epoch).astype(np.int64)


def _stop_places(stops: pd.DataFrame, label: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Stop places (stations and stand-alone stops) and each stop's stop-place code."""
    ids = pd.Index(stops["stop_id"])
    if ids.duplicated().any():
        dup = ids[ids.duplicated()][0]
        raise TimetableError(f"{label}: stop_id {dup!r} appears twice; give each stop its own id.")
    parent = (
        stops["parent_station"] if "parent_station" in stops else pd.Series("", index=stops.index)
    )
    has_parent = parent != ""
    if has_parent.any():
        _unknown(
            parent[has_parent],
            ids,
            label=label,
            column="parent_station",
            defined_in="stops.txt's stop_id",
        )
    place = parent.where(has_parent, stops["stop_id"])
    # a boarding area's parent is a platform, whose parent is the station: follow two levels
    up = pd.Series(parent.to_numpy(), index=ids)
    grand = up.reindex(place.to_numpy()).to_numpy()
    place = pd.Series(np.where(grand != "", grand, place.to_numpy()), index=stops.index)
    lat = pd.to_numeric(stops["stop_lat"], errors="coerce")
    lon = pd.to_numeric(stops["stop_lon"], errors="coerce")
    out_of_range = (lat.abs() > 90) | (lon.abs() > 180)
    if out_of_range.any():
        i = int(np.flatnonzero(out_of_range.to_numpy())[0])
        raise TimetableError(
            f"{label} line {i + 2}: stop {stops['stop_id'].iloc[i]!r} has stop_lat/stop_lon "
            f"{lat.iloc[i]}, {lon.iloc[i]} outside WGS84 degrees; fix the coordinates."
        )
    info = pd.DataFrame(
        {"name": stops["stop_name"].to_numpy(), "lon": lon.to_numpy(), "lat": lat.to_numpy()},
        index=ids,
    )
    place_ids = pd.Index(pd.unique(place.to_numpy()))
    sp = info.reindex(place_ids)
    # a station without coordinates: the mean of its stops'
    need = sp["lon"].isna() | sp["lat"].isna()
    if need.any():
        mean = info.groupby(place.to_numpy())[["lon", "lat"]].mean()
        sp.loc[need, ["lon", "lat"]] = mean.reindex(sp.index[need]).to_numpy()
    stop_places = sp.rename_axis("stop_place_id").reset_index()
    return stop_places, place_ids.get_indexer(pd.Index(place))


def _services(src: FeedSource, label: str, notes: list[str]) -> tuple[pd.Index, pd.DataFrame]:
    """Service ids and the days each runs (calendar expanded, calendar_dates applied)."""
    has_cal, has_dates = src.has("calendar.txt"), src.has("calendar_dates.txt")
    if not (has_cal or has_dates):
        raise TimetableError(
            f"{label}: has neither calendar.txt nor calendar_dates.txt; a GTFS feed needs at "
            "least one to say on which days trips run."
        )
    days: list[pd.DataFrame] = []
    cal_ids: list[str] = []
    if has_cal:
        week = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        cal = _read(
            src,
            "calendar.txt",
            required=("service_id", *week, "start_date", "end_date"),
            notes=notes,
        )
        cl = f"{label}: calendar.txt"
        start = _dates(cal["start_date"], label=cl, column="start_date")
        end = _dates(cal["end_date"], label=cl, column="end_date")
        flags = np.column_stack(
            [pd.to_numeric(cal[d], errors="coerce").fillna(0).to_numpy() == 1 for d in week]
        )
        n = np.maximum(end - start + 1, 0)
        if int(n.sum()) > MAX_SERVICE_DAYS:
            raise TimetableError(
                f"{cl}: the services span {int(n.sum()):,} service days in all; this looks "
                "wrong (check start_date and end_date)."
            )
        row = np.repeat(np.arange(len(cal)), n)
        offset = np.arange(len(row)) - np.repeat(np.cumsum(n) - n, n)
        day = start[row] + offset
        keep = flags[row, (day + 3) % 7]
        days.append(
            pd.DataFrame({"service_id": cal["service_id"].to_numpy()[row[keep]], "day": day[keep]})
        )
        cal_ids = list(cal["service_id"])
    removed = pd.DataFrame({"service_id": [], "day": []})
    if has_dates:
        cd = _read(
            src,
            "calendar_dates.txt",
            required=("service_id", "date", "exception_type"),
            notes=notes,
        )
        cdl = f"{label}: calendar_dates.txt"
        day = _dates(cd["date"], label=cdl, column="date")
        kind = cd["exception_type"]
        bad = ~kind.isin(["1", "2"]).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise TimetableError(
                f"{cdl} line {i + 2}: exception_type {kind.iloc[i]!r} must be 1 (service added) "
                "or 2 (service removed); fix it."
            )
        add = (kind == "1").to_numpy()
        days.append(pd.DataFrame({"service_id": cd["service_id"].to_numpy()[add], "day": day[add]}))
        removed = pd.DataFrame({"service_id": cd["service_id"].to_numpy()[~add], "day": day[~add]})
    all_days = pd.concat(days, ignore_index=True).drop_duplicates()
    if len(removed):
        merged = all_days.merge(removed, on=["service_id", "day"], how="left", indicator=True)
        all_days = merged.loc[merged["_merge"] == "left_only", ["service_id", "day"]]
    ids = pd.Index(
        pd.unique(
            np.concatenate(
                [
                    np.asarray(cal_ids, dtype=object),
                    all_days["service_id"].to_numpy(dtype=object),
                    removed["service_id"].to_numpy(dtype=object),
                ]
            )
        )
    )
    code = pd.Series(np.arange(len(ids)), index=ids)
    sd = pd.DataFrame(
        {
            "service": code.loc[all_days["service_id"].to_numpy()].to_numpy(),
            "day": all_days["day"].to_numpy(dtype=np.int64),
        }
    )
    return ids, sd


def _expand_frequencies(
    src: FeedSource,
    label: str,
    notes: list[str],
    trips: pd.DataFrame,
    calls: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace each frequency-based trip by one trip per start time (start + k * headway)."""
    fl = f"{label}: frequencies.txt"
    fr = _read(
        src,
        "frequencies.txt",
        required=("trip_id", "start_time", "end_time", "headway_secs"),
        notes=notes,
    )
    if fr.empty:
        return trips, calls
    trip_code = pd.Series(np.arange(len(trips)), index=trips["trip_id"])
    _unknown(fr["trip_id"], trip_code.index, label=fl, column="trip_id", defined_in="trips.txt")
    start = _clock(fr["start_time"], label=fl, column="start_time")
    end = _clock(fr["end_time"], label=fl, column="end_time")
    head = pd.to_numeric(fr["headway_secs"], errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(start) | np.isnan(end) | ~(head > 0) | (end < start)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TimetableError(
            f"{fl} line {i + 2}: needs start_time <= end_time and headway_secs > 0 (got "
            f"{fr['start_time'].iloc[i]!r}, {fr['end_time'].iloc[i]!r}, "
            f"{fr['headway_secs'].iloc[i]!r}); fix the row."
        )
    template = trip_code.loc[fr["trip_id"].to_numpy()].to_numpy()
    n = np.ceil((end - start) / head).astype(np.int64)
    row = np.repeat(np.arange(len(fr)), n)
    k = np.arange(len(row)) - np.repeat(np.cumsum(n) - n, n)
    run_start = start[row] + k * head[row]
    new_code = len(trips) + np.arange(len(row))
    base = trips.iloc[template[row]].copy()
    base["trip_id"] = [
        f"{t}@{int(s) // 3600:02d}:{int(s) % 3600 // 60:02d}:{int(s) % 60:02d}"
        for t, s in zip(base["trip_id"], run_start, strict=True)
    ]
    freq_trips = np.unique(template)
    is_freq = np.isin(calls["trip"].to_numpy(), freq_trips)
    tc = calls.loc[is_freq]
    first = tc.groupby("trip")["time_s"].transform("min")
    tc = tc.assign(offset=tc["time_s"] - first)
    runs = pd.DataFrame({"template": template[row], "trip_new": new_code, "start": run_start})
    expanded = tc.merge(runs, left_on="trip", right_on="template", how="inner")
    expanded = pd.DataFrame(
        {
            "trip": expanded["trip_new"].to_numpy(),
            "seq": expanded["seq"].to_numpy(),
            "place": expanded["place"].to_numpy(),
            "time_s": expanded["start"].to_numpy() + expanded["offset"].to_numpy(),
            "boardable": expanded["boardable"].to_numpy(),
        }
    )
    notes.append(
        f"frequencies.txt: {len(freq_trips)} headway-based trip(s) expanded into {len(row)} trips"
    )
    out_trips = pd.concat([trips, base], ignore_index=True)
    out_calls = pd.concat([calls.loc[~is_freq], expanded], ignore_index=True)
    return out_trips, out_calls


def read_gtfs(path: str | os.PathLike[str], /, *, name: str | None = None) -> Timetable:
    """Read a GTFS feed (a ``.zip`` or a folder of ``.txt`` files).

    Raises
    ------
    TimetableError
        One line naming the file, the row and the fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> files = {
    ...     "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\\nA,Sandvika,59.89,10.52\\n"
    ...                  "B,Lysaker,59.91,10.64\\n",
    ...     "routes.txt": "route_id,route_short_name,route_type\\nL1,L1,2\\n",
    ...     "trips.txt": "route_id,service_id,trip_id\\nL1,wk,t1\\n",
    ...     "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\\n"
    ...                       "t1,07:00:00,07:00:00,A,1\\nt1,07:09:00,07:09:00,B,2\\n",
    ...     "calendar_dates.txt": "service_id,date,exception_type\\nwk,20260303,1\\n"}
    >>> for f, text in files.items():
    ...     _ = (d / f).write_text(text)
    >>> tt = read_gtfs(d)
    >>> tt.stop_places["name"].tolist(), len(tt.events)
    (['Sandvika', 'Lysaker'], 1)
    """
    p = Path(path)
    label = f"Timetable {p.name!r}"
    notes: list[str] = []
    with open_source(p, label=label) as src:
        missing = [f for f in REQUIRED_FILES if not src.has(f)]
        if missing:
            raise TimetableError(
                f"{label}: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing; "
                "a GTFS feed needs stops.txt, routes.txt, trips.txt and stop_times.txt (and "
                "calendar.txt or calendar_dates.txt)."
            )
        stops = _read(
            src,
            "stops.txt",
            required=("stop_id", "stop_name", "stop_lat", "stop_lon"),
            optional=("parent_station", "location_type"),
            notes=notes,
        )
        stop_places, stop_place_code = _stop_places(stops, f"{label}: stops.txt")
        routes = _read(
            src,
            "routes.txt",
            required=("route_id", "route_type"),
            optional=("route_short_name", "route_long_name"),
            notes=notes,
        )
        if routes["route_id"].duplicated().any():
            dup = routes["route_id"][routes["route_id"].duplicated()].iloc[0]
            raise TimetableError(f"{label}: routes.txt has route_id {dup!r} twice; fix it.")
        short = routes.get("route_short_name", pd.Series("", index=routes.index))
        long_ = routes.get("route_long_name", pd.Series("", index=routes.index))
        routes["route_name"] = short.where(short != "", long_).where(
            (short != "") | (long_ != ""), routes["route_id"]
        )
        routes["mode"] = [gtfs_mode(c) or "other" for c in routes["route_type"]]
        trips = _read(src, "trips.txt", required=("route_id", "service_id", "trip_id"), notes=notes)
        tl = f"{label}: trips.txt"
        if trips["trip_id"].duplicated().any():
            dup = trips["trip_id"][trips["trip_id"].duplicated()].iloc[0]
            raise TimetableError(f"{tl}: trip_id {dup!r} appears twice; fix it.")
        _unknown(
            trips["route_id"],
            pd.Index(routes["route_id"]),
            label=tl,
            column="route_id",
            defined_in="routes.txt",
        )
        services, service_dates = _services(src, label, notes)
        _unknown(
            trips["service_id"],
            services,
            label=tl,
            column="service_id",
            defined_in="calendar.txt or calendar_dates.txt",
        )
        r = routes.set_index("route_id")
        trip_table = pd.DataFrame(
            {
                "trip_id": trips["trip_id"].to_numpy(),
                "route_id": trips["route_id"].to_numpy(),
                "route_name": r["route_name"].reindex(trips["route_id"]).to_numpy(),
                "mode": r["mode"].reindex(trips["route_id"]).to_numpy(),
                "service": pd.Series(np.arange(len(services)), index=services)
                .loc[trips["service_id"].to_numpy()]
                .to_numpy(),
            }
        )
        st = _read(
            src,
            "stop_times.txt",
            required=("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"),
            optional=("pickup_type",),
            notes=notes,
        )
        sl = f"{label}: stop_times.txt"
        trip_code = pd.Series(np.arange(len(trip_table)), index=trip_table["trip_id"])
        _unknown(st["trip_id"], trip_code.index, label=sl, column="trip_id", defined_in="trips.txt")
        stop_index = pd.Index(stops["stop_id"])
        _unknown(st["stop_id"], stop_index, label=sl, column="stop_id", defined_in="stops.txt")
        seq = pd.Series(_numbers(st["stop_sequence"], r"^(?P<n>\d{1,9})$")[:, 0])
        if seq.isna().any():
            i = int(np.flatnonzero(seq.isna().to_numpy())[0])
            raise TimetableError(
                f"{sl} line {i + 2}: stop_sequence {st['stop_sequence'].iloc[i]!r} is not a "
                "whole number; fix it."
            )
        dep = _clock(st["departure_time"], label=sl, column="departure_time")
        arr = _clock(st["arrival_time"], label=sl, column="arrival_time")
        time_s = np.where(np.isnan(dep), arr, dep)
        calls = pd.DataFrame(
            {
                "trip": trip_code.index.get_indexer(pd.Index(st["trip_id"])),
                "seq": seq.to_numpy(dtype=np.int64),
                "place": stop_place_code[stop_index.get_indexer(st["stop_id"])],
                "time_s": time_s,
                "boardable": (st["pickup_type"] != "1").to_numpy() if "pickup_type" in st else True,
                "line": np.arange(len(st)) + 2,
            }
        ).sort_values(["trip", "seq"], kind="stable", ignore_index=True)
        calls = _interpolate(calls, sl)
        if src.has("frequencies.txt"):
            trip_table, calls = _expand_frequencies(src, label, notes, trip_table, calls)
    no_xy = int(stop_places[["lon", "lat"]].isna().any(axis=1).sum())
    if no_xy:
        notes.append(
            f"{no_xy} of {len(stop_places)} stop places have no stop_lat/stop_lon; their "
            "departures are counted but they are left out of maps and distances"
        )
    if len(calls) and calls["time_s"].max() >= 7 * DAY_S:
        raise TimetableError(
            f"{label}: a stop time lies {calls['time_s'].max() / 3600:.0f} hours after its "
            "service day began; times past 24:00 are allowed, but not by days. Fix the feed."
        )
    return build_timetable(
        name=p.name,
        format="gtfs",
        stop_places=stop_places,
        trips=trip_table,
        services=services,
        service_dates=service_dates,
        calls=calls.drop(columns=["line"], errors="ignore"),
        notes=notes,
    )


def _interpolate(calls: pd.DataFrame, label: str) -> pd.DataFrame:
    """Fill untimed intermediate stops linearly between timed ones (calls sorted by trip, seq)."""
    t = calls["time_s"]
    if not t.isna().any():
        return calls
    trip = calls["trip"].to_numpy()
    first = np.r_[True, trip[1:] != trip[:-1]]
    last = np.r_[trip[1:] != trip[:-1], True]
    edge_missing = t.isna().to_numpy() & (first | last)
    if edge_missing.any():
        i = int(np.flatnonzero(edge_missing)[0])
        raise TimetableError(
            f"{label} line {int(calls['line'].iloc[i])}: the first and last stop of a trip need "
            "arrival_time and departure_time; fix the trip."
        )
    # Each trip starts and ends with a time, so interpolating the whole sorted column by position
    # never reaches across trips.
    out = calls.copy()
    out["time_s"] = t.interpolate(method="index").round()
    return out

"""Benchmark: reading a large GTFS feed and counting departures (``make bench``).

Writes a synthetic GTFS feed of roughly national size under ``build/bench`` (``--trips`` trips of
``--stops-per-trip`` stops each; ~2 million stop_times by default, about a third of Entur's
national feed), then times :func:`arealanalyse.transit.read_gtfs`, a two-hour
:func:`~arealanalyse.transit.count_departures` and :func:`~arealanalyse.transit.service_levels`.
Prints the figures and writes them to ``bench/transit.json``.
"""

from __future__ import annotations

import argparse
import json
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "bench"


def write_feed(path: Path, *, trips: int, stops_per_trip: int, n_stops: int, seed: int) -> int:
    """Write a synthetic GTFS zip; return the number of stop_times rows."""
    rng = np.random.default_rng(seed)
    lon = 10.0 + rng.random(n_stops) * 1.5
    lat = 59.5 + rng.random(n_stops) * 1.0
    parent = np.where(np.arange(n_stops) % 10 < 2, "", [f"P{i // 10}" for i in range(n_stops)])
    stops = pd.DataFrame(
        {
            "stop_id": [f"S{i}" for i in range(n_stops)],
            "stop_name": [f"Stopp {i}" for i in range(n_stops)],
            "stop_lat": lat.round(6),
            "stop_lon": lon.round(6),
            "location_type": 0,
            "parent_station": parent,
        }
    )
    stations = pd.DataFrame(
        {
            "stop_id": [f"P{i}" for i in range(n_stops // 10)],
            "stop_name": [f"Stasjon {i}" for i in range(n_stops // 10)],
            "stop_lat": lat[::10].round(6),
            "stop_lon": lon[::10].round(6),
            "location_type": 1,
            "parent_station": "",
        }
    )
    n_routes = max(1, trips // 100)
    routes = pd.DataFrame(
        {
            "route_id": [f"R{i}" for i in range(n_routes)],
            "route_short_name": [str(i) for i in range(n_routes)],
            "route_type": rng.choice([3, 700, 2, 1, 900], n_routes),
        }
    )
    trip_route = rng.integers(0, n_routes, trips)
    trip_table = pd.DataFrame(
        {
            "route_id": [f"R{r}" for r in trip_route],
            "service_id": rng.choice(["WK", "SA", "SU"], trips, p=[0.7, 0.15, 0.15]),
            "trip_id": [f"T{i}" for i in range(trips)],
        }
    )
    route_stops = rng.integers(0, n_stops, (n_routes, stops_per_trip))
    start = rng.integers(5 * 3600, 25 * 3600, trips)
    seq = np.tile(np.arange(stops_per_trip), trips)
    trip = np.repeat(np.arange(trips), stops_per_trip)
    t = start[trip] + seq * 90
    hms = (
        pd.Series(t // 3600).map("{:02d}".format)
        + ":"
        + pd.Series(t % 3600 // 60).map("{:02d}".format)
        + ":"
        + pd.Series(t % 60).map("{:02d}".format)
    )
    stop_times = pd.DataFrame(
        {
            "trip_id": "T" + pd.Series(trip).astype(str),
            "arrival_time": hms,
            "departure_time": hms,
            "stop_id": "S" + pd.Series(route_stops[trip_route[trip], seq]).astype(str),
            "stop_sequence": seq + 1,
        }
    )
    calendar = pd.DataFrame(
        {
            "service_id": ["WK", "SA", "SU"],
            **{
                d: [int(i < 5), int(i == 5), int(i == 6)]
                for i, d in enumerate(
                    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
                )
            },
            "start_date": "20260101",
            "end_date": "20261231",
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, df in (
            ("stops.txt", pd.concat([stations, stops])),
            ("routes.txt", routes),
            ("trips.txt", trip_table),
            ("stop_times.txt", stop_times),
            ("calendar.txt", calendar),
        ):
            z.writestr(name, df.to_csv(index=False))
    return len(stop_times)


def main() -> None:
    from arealanalyse.transit import count_departures, read_gtfs, service_levels

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trips", type=int, default=50_000)
    ap.add_argument("--stops-per-trip", type=int, default=40)
    ap.add_argument("--stops", type=int, default=20_000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    args = ap.parse_args()
    feed = WORK / f"transit-{args.trips}x{args.stops_per_trip}.zip"
    t = time.perf_counter()
    rows = write_feed(
        feed, trips=args.trips, stops_per_trip=args.stops_per_trip, n_stops=args.stops, seed=1
    )
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    tt = read_gtfs(feed)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    dep = count_departures(tt, date="2026-03-03", start="07:00", end="09:00")
    count_s = time.perf_counter() - t
    t = time.perf_counter()
    levels = service_levels(tt, date="2026-03-03")
    levels_s = time.perf_counter() - t
    result = {
        "stop_times": rows,
        "trips": args.trips,
        "stop_places": len(tt.stop_places),
        "departure_events": len(tt.events),
        "write_feed_s": round(write_s, 2),
        "read_gtfs_s": round(read_s, 2),
        "count_departures_2h_s": round(count_s, 2),
        "service_levels_s": round(levels_s, 2),
        "stop_places_with_departures_2h": len(dep.table),
        "stop_places_classified": len(levels),
    }
    for k, v in result.items():
        print(f"{k:32s} {v:,}" if isinstance(v, int) else f"{k:32s} {v}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "transit.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

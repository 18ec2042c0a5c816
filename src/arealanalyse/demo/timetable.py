"""The SYNTHETIC GTFS feed of the demo study area: plausible lines and headways for its stations.

Not a real timetable. The lines are modelled on Bærum's network (Drammenbanen's local and
regional trains and the airport express, T-bane lines 2 and 3, the E18 buses, Fornebu and the
Vestre Bærum trunk lines) with headways of the right order; local bus stops get feeder lines to
their nearest bus hub, every 10 to 60 minutes depending on how dense the area is. Running times
come from straight-line distance at a typical speed per mode.

The feed is written as a GTFS zip next to the demo GeoPackage: rail and metro stations are
parent stations with one platform per direction; bus stops stand alone. Service runs all of
2026: ``HVERDAG`` (Monday-Friday), ``LOERDAG`` and ``SOENDAG`` from ``calendar.txt``; Norwegian
public holidays on weekdays are removed from ``HVERDAG`` and added to ``SOENDAG`` in
``calendar_dates.txt`` (both exception types). Planned stations (Fornebubanen) get no service:
scenarios add lines. Lines that run on into Oslo or Asker end at a stop outside the study area
(:data:`EXTERNAL_STOPS`), so that Lysaker, Jar and Slependen see departures both ways.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.layers.gtfs import gtfs_route_type

__all__ = ["DemoLine", "demo_feed", "demo_lines"]

AGENCY = "agency_id,agency_name,agency_url,agency_timezone,agency_lang\n" + (
    "DEMO,Syntetisk demo (ikke ekte rutetabell),https://example.invalid,Europe/Oslo,no\n"
)
FEED_INFO = (
    "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date,"
    "feed_version\n"
    "arealanalyse demo generator (SYNTHETIC),https://example.invalid,no,20260101,20261231,"
    "synthetic\n"
)
START, END = "20260101", "20261231"
#: Norwegian public holidays on weekdays in 2026 (moved from HVERDAG to SOENDAG).
HOLIDAYS_2026 = (
    "20260101",
    "20260402",
    "20260403",
    "20260406",
    "20260501",
    "20260514",
    "20260525",
    "20261225",
)
#: Stops outside the study area where lines that leave it end (lon, lat: real positions).
EXTERNAL_STOPS: dict[str, tuple[float, float, str]] = {
    "Asker": (10.434550, 59.833750, "rail"),
    "Skøyen": (10.679850, 59.922000, "rail"),
    "Majorstuen": (10.714800, 59.929800, "metro"),
    "Oslo bussterminal": (10.759700, 59.911500, "bus"),
}
#: GTFS route_type and speed (km/h, incl. stops) per mode.
ROUTE_TYPE = {m: gtfs_route_type(m) for m in ("rail", "metro", "bus")}
SPEED_KMH = {"rail": 55.0, "metro": 32.0, "bus": 22.0}
DWELL_S = {"rail": 60, "metro": 30, "bus": 20}


@dataclass(frozen=True)
class DemoLine:
    """A synthetic line: stops (transit-layer names, in order), headways in minutes.

    ``peak_min`` applies 06:30-09:00 and 15:00-17:30 on weekdays, ``base_min`` the rest of the
    service day (``first``-``last``); weekends run ``weekend_min`` from ``weekend_first``.
    """

    route_id: str
    short_name: str
    long_name: str
    mode: str
    stops: tuple[str, ...]
    peak_min: float
    base_min: float
    weekend_min: float
    first: str = "05:30"
    last: str = "00:30"
    weekend_first: str = "07:00"


#: Trunk lines between the anchored stations and hubs (names as in the transit layer).
TRUNK: tuple[DemoLine, ...] = (
    DemoLine(
        "L1",
        "L1",
        "Spikkestad–Lillestrøm (syntetisk)",
        "rail",
        ("Asker", "Slependen", "Sandvika", "Blommenholm", "Høvik", "Stabekk", "Lysaker", "Skøyen"),
        15,
        30,
        30,
    ),
    DemoLine(
        "R1X",
        "R11/R12",
        "Regiontog Drammen–Oslo (syntetisk)",
        "rail",
        ("Asker", "Sandvika", "Lysaker", "Skøyen"),
        10,
        15,
        20,
    ),
    DemoLine(
        "FLY",
        "FX",
        "Flytoget (syntetisk)",
        "rail",
        ("Asker", "Sandvika", "Lysaker", "Skøyen"),
        20,
        20,
        20,
    ),
    DemoLine(
        "T3",
        "3",
        "Kolsås–Oslo (syntetisk)",
        "metro",
        (
            "Kolsås",
            "Hauger",
            "Gjettum",
            "Avløs",
            "Haslum",
            "Gjønnes",
            "Bekkestua",
            "Ringstabekk",
            "Jar",
            "Majorstuen",
        ),
        7.5,
        15,
        15,
    ),
    DemoLine(
        "T2",
        "2",
        "Østerås–Oslo (syntetisk)",
        "metro",
        ("Østerås", "Lijordet", "Eiksmarka", "Majorstuen"),
        15,
        15,
        15,
    ),
    DemoLine(
        "B150",
        "150",
        "Sandvika–Lysaker langs E18 (syntetisk)",
        "bus",
        (
            "Sandvika bussterminal",
            "Høvik (buss)",
            "Stabekk (buss)",
            "Lysaker stasjon (buss)",
            "Oslo bussterminal",
        ),
        5,
        10,
        15,
        last="01:00",
    ),
    DemoLine(
        "B31",
        "31",
        "Lysaker–Fornebu (syntetisk)",
        "bus",
        ("Lysaker stasjon (buss)", "Fornebu senter"),
        5,
        7.5,
        15,
    ),
    DemoLine(
        "B130",
        "130",
        "Bekkestua–Lysaker (syntetisk)",
        "bus",
        ("Bekkestua bussterminal", "Stabekk (buss)", "Lysaker stasjon (buss)"),
        10,
        15,
        30,
    ),
    DemoLine(
        "B140",
        "140",
        "Sandvika–Bærums Verk (syntetisk)",
        "bus",
        ("Sandvika bussterminal", "Rud", "Kolsås (buss)", "Rykkinn", "Bærums Verk"),
        10,
        15,
        30,
    ),
)
#: Bus hubs local feeder lines start from.
HUBS: tuple[str, ...] = (
    "Sandvika bussterminal",
    "Lysaker stasjon (buss)",
    "Stabekk (buss)",
    "Bekkestua bussterminal",
    "Fornebu senter",
    "Rud",
    "Kolsås (buss)",
    "Rykkinn",
    "Bærums Verk",
    "Høvik (buss)",
)
_STANDARD_HEADWAYS = (10.0, 15.0, 20.0, 30.0, 60.0)


def _slug(name: str) -> str:
    flat = unicodedata.normalize("NFKD", name.replace("ø", "o").replace("æ", "ae"))
    flat = flat.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", flat).strip("-").lower()


def demo_lines(transit: gpd.GeoDataFrame, /, *, max_stops: int = 8) -> list[DemoLine]:
    """Return the trunk lines plus radial feeder lines from each hub through its local stops.

    Local stops (existing bus stops that are neither hubs nor on a trunk line) go to their
    nearest hub; each hub's stops are cut into sectors of at most ``max_stops`` by bearing and
    each sector becomes one line ordered outwards. Its headway follows the stops' generated
    ``departures_per_hour`` (both directions), rounded up to 10, 15, 20, 30 or 60 minutes.
    """
    t = transit[transit["status"] == "existing"]
    on_trunk = {s for line in TRUNK for s in line.stops}
    hubs = t[t["name"].isin(HUBS)].drop_duplicates("name").set_index("name")
    local = t[(t["mode"] == "bus") & ~t["name"].isin(on_trunk | set(HUBS))]
    lines = list(TRUNK)
    if local.empty or hubs.empty:
        return lines
    hx, hy = hubs.geometry.x.to_numpy(), hubs.geometry.y.to_numpy()
    lx, ly = local.geometry.x.to_numpy(), local.geometry.y.to_numpy()
    nearest = np.argmin((lx[:, None] - hx[None, :]) ** 2 + (ly[:, None] - hy[None, :]) ** 2, 1)
    for h, hub in enumerate(hubs.index):
        idx = np.flatnonzero(nearest == h)
        if len(idx) == 0:
            continue
        bearing = np.arctan2(ly[idx] - hy[h], lx[idx] - hx[h])
        order = idx[np.argsort(bearing, kind="stable")]
        n_lines = int(np.ceil(len(order) / max_stops))
        for k, part in enumerate(np.array_split(order, n_lines)):
            dist = np.hypot(lx[part] - hx[h], ly[part] - hy[h])
            part = part[np.argsort(dist, kind="stable")]
            per_hour = float(np.median(local["departures_per_hour"].to_numpy()[part]))
            want = 60.0 / max(per_hour / 2.0, 0.5)
            head = next((x for x in _STANDARD_HEADWAYS if x >= want), 60.0)
            rid = f"F{h + 1}{k + 1}"
            names = (hub, *local["name"].to_numpy()[part])
            lines.append(
                DemoLine(
                    rid,
                    f"{1 + h}{k + 1}".rjust(3, "1"),
                    f"{hub} – {names[-1]} (syntetisk)",
                    "bus",
                    tuple(str(n) for n in names),
                    head,
                    min(2 * head, 60.0),
                    min(2 * head, 60.0),
                    first="06:00",
                    last="23:30",
                    weekend_first="08:00",
                )
            )
    return lines


def _clock(text: str) -> int:
    h, m = text.split(":")
    s = int(h) * 3600 + int(m) * 60
    return s if s >= 4 * 3600 else s + 24 * 3600  # 00:30 is the end of the service day


def _starts(line: DemoLine, service: str) -> np.ndarray:
    """Departure times (s) from the first stop for one service day."""
    if service == "HVERDAG":
        blocks = [
            (_clock(line.first), 6.5 * 3600, line.base_min),
            (6.5 * 3600, 9 * 3600, line.peak_min),
            (9 * 3600, 15 * 3600, line.base_min),
            (15 * 3600, 17.5 * 3600, line.peak_min),
            (17.5 * 3600, _clock(line.last), line.base_min),
        ]
    else:
        blocks = [(_clock(line.weekend_first), _clock(line.last), line.weekend_min)]
    out = [np.arange(a, b, h * 60.0) for a, b, h in blocks if b > a]
    return np.round(np.concatenate(out)).astype(np.int64)


def _hms(seconds: np.ndarray) -> list[str]:
    s = np.asarray(seconds, dtype=np.int64)
    return [
        f"{a:02d}:{b:02d}:{c:02d}"
        for a, b, c in zip(s // 3600, s % 3600 // 60, s % 60, strict=True)
    ]


def _csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def demo_feed(transit: gpd.GeoDataFrame, /, *, copies: int = 1) -> tuple[dict[str, str], pd.Series]:
    """Build the GTFS files of the demo feed and the weekday 07-09 departures per hour per stop.

    Parameters
    ----------
    transit
        The demo's transit layer (working CRS). With ``copies`` > 1 (a tiled benchmark demo) it
        holds that many equal-length copies one after another; each gets its own lines, with
        ids prefixed ``c<k>:``.

    Returns
    -------
    (files, departures_per_hour)
        ``{file name: CSV text}`` and the departures per hour 07:00-09:00 on a weekday of each
        transit feature (indexed like ``transit``; 0 for stops without service).
    """
    from pyproj import Transformer

    n = len(transit) // copies
    stops_rows: list[tuple[object, ...]] = []
    routes_rows: list[tuple[object, ...]] = []
    trips_rows: list[tuple[object, ...]] = []
    st_rows: list[tuple[object, ...]] = []
    rush = np.zeros(len(transit))
    to_wgs = Transformer.from_crs(transit.crs, 4326, always_xy=True)
    to_utm = Transformer.from_crs(4326, transit.crs, always_xy=True)
    platforms = {"rail", "metro"}
    for c in range(copies):
        part = transit.iloc[c * n : (c + 1) * n]
        dx = float(part.geometry.x.iloc[0] - transit.geometry.x.iloc[0])
        prefix = "" if c == 0 else f"c{c + 1}:"
        # name -> (x, y, mode, stop place id, row in the transit layer or -1)
        where: dict[str, tuple[float, float, str, str, int]] = {}
        for i, (nm, mode, nsr, g) in enumerate(
            zip(part["name"], part["mode"], part["nsr_id"], part.geometry, strict=True)
        ):
            pid = prefix + (str(nsr or "") or f"DEMO:StopPlace:{_slug(str(nm))}")
            where[str(nm)] = (g.x, g.y, str(mode), pid, c * n + i)
        for nm, (lon, lat, mode) in EXTERNAL_STOPS.items():
            x, y = to_utm.transform(lon, lat)
            where[nm] = (x + dx, y, mode, f"{prefix}DEMO:StopPlace:{_slug(nm)}", -1)
        lines = demo_lines(part)
        used = sorted({stop for line in lines for stop in line.stops}, key=lambda k: where[k][3])
        for stop in used:
            x, y, mode, pid, _row = where[stop]
            lon, lat = to_wgs.transform(x, y)
            if mode in platforms:
                stops_rows.append((pid, stop, lat, lon, 1, ""))
                for k, d in ((1, -0.00008), (2, 0.00008)):
                    stops_rows.append((f"{pid}:{k}", f"{stop} spor {k}", lat + d, lon, 0, pid))
            else:
                stops_rows.append((pid, stop, lat, lon, 0, ""))
        for line in lines:
            rid = prefix + line.route_id
            routes_rows.append(
                (rid, "DEMO", line.short_name, line.long_name, ROUTE_TYPE[line.mode])
            )
            x = np.array([where[s][0] for s in line.stops])
            y = np.array([where[s][1] for s in line.stops])
            hop = np.hypot(np.diff(x), np.diff(y)) * 1.25 / (SPEED_KMH[line.mode] / 3.6)
            hop = np.maximum(60.0, np.round((hop + DWELL_S[line.mode]) / 60.0) * 60.0)
            offsets = np.concatenate([[0.0], np.cumsum(hop)]).astype(np.int64)
            for direction in (0, 1):
                names = list(line.stops if direction == 0 else line.stops[::-1])
                off = offsets if direction == 0 else offsets[-1] - offsets[::-1]
                sids = [
                    f"{where[nm][3]}:{direction + 1}" if where[nm][2] in platforms else where[nm][3]
                    for nm in names
                ]
                for service in ("HVERDAG", "LOERDAG", "SOENDAG"):
                    starts = _starts(line, service)
                    for t0 in starts:
                        trip = f"{rid}-{direction}-{service[0]}-{int(t0):05d}"
                        trips_rows.append((rid, service, trip, names[-1], direction))
                        times = _hms(t0 + off)
                        st_rows.extend(
                            (trip, tm, tm, sid, k + 1)
                            for k, (sid, tm) in enumerate(zip(sids, times, strict=True))
                        )
                    if service == "HVERDAG":  # weekday 07-09 departures for the layer
                        for k, nm in enumerate(names[:-1]):
                            row = where[nm][4]
                            if row >= 0:
                                t = starts + off[k]
                                rush[row] += ((t >= 7 * 3600) & (t < 9 * 3600)).sum() / 2.0
    stops = pd.DataFrame(
        stops_rows,
        columns=["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type", "parent_station"],
    )
    stops["stop_lat"] = stops["stop_lat"].round(6)
    stops["stop_lon"] = stops["stop_lon"].round(6)
    routes = pd.DataFrame(
        routes_rows,
        columns=["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
    )
    trips = pd.DataFrame(
        trips_rows, columns=["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"]
    )
    stop_times = pd.DataFrame(
        st_rows,
        columns=["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
    )
    calendar = pd.DataFrame(
        [
            ("HVERDAG", 1, 1, 1, 1, 1, 0, 0, START, END),
            ("LOERDAG", 0, 0, 0, 0, 0, 1, 0, START, END),
            ("SOENDAG", 0, 0, 0, 0, 0, 0, 1, START, END),
        ],
        columns=[
            "service_id",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "start_date",
            "end_date",
        ],
    )
    dates = pd.DataFrame(
        [(s, d, t) for d in HOLIDAYS_2026 for s, t in (("HVERDAG", 2), ("SOENDAG", 1))],
        columns=["service_id", "date", "exception_type"],
    )
    files = {
        "agency.txt": AGENCY,
        "feed_info.txt": FEED_INFO,
        "stops.txt": _csv(stops),
        "routes.txt": _csv(routes),
        "trips.txt": _csv(trips),
        "stop_times.txt": _csv(stop_times),
        "calendar.txt": _csv(calendar),
        "calendar_dates.txt": _csv(dates),
    }
    return files, pd.Series(rush, index=transit.index).round(2)

"""Read a NeTEx timetable (Entur's Nordic profile) into a :class:`~arealanalyse.transit.Timetable`.

A NeTEx delivery is a zip or folder of XML files (``_common.xml`` shared, one file per line) or a
single XML file. Every file is streamed (``iterparse``) and these objects are used:

* ``ServiceJourney`` with its ``dayTypes`` and ``passingTimes`` (``TimetabledPassingTime``:
  ``DepartureTime``/``ArrivalTime`` with ``DepartureDayOffset``/``ArrivalDayOffset``);
* ``JourneyPattern``/``ServiceJourneyPattern``: the ``StopPointInJourneyPattern`` order,
  ``ScheduledStopPointRef`` and ``ForBoarding``;
* ``PassengerStopAssignment``: scheduled stop point → ``StopPlaceRef``/``QuayRef``;
* ``StopPlace`` with its ``quays`` and ``Centroid`` (when the delivery has a site frame);
* ``Line`` (``TransportMode``, ``PublicCode``) and ``Route`` (``LineRef``);
* calendars: ``DayType`` (``DaysOfWeek``), ``DayTypeAssignment`` (``Date``, ``OperatingDayRef``
  or ``OperatingPeriodRef``; ``isAvailable`` false removes a date), ``OperatingPeriod``,
  ``OperatingDay`` and ``DatedServiceJourney`` (newer Nordic deliveries date each journey).

Coordinates. Entur's line files carry no coordinates, and their stop assignments often name only
an NSR quay: stop places are NSR objects. Give the stop register as ``stop_places``: a
GeoDataFrame of stop places (``nsr_id``, as read by
:func:`arealanalyse.layers.netex.read_netex_stop_places`) and/or quays (``quay_id`` with their
``stop_place_id``, :func:`~arealanalyse.layers.netex.read_netex_quays`). A quay is merged into its
stop place; a stop place takes the position of the row with its id (``nsr_id``, ``stop_place_id``
or ``id``), else of its quay. Stop places found nowhere keep NaN coordinates: their departures
are still counted.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import TimetableError
from arealanalyse.layers.netex import NETEX_MODES
from arealanalyse.transit.source import FeedSource, open_source
from arealanalyse.transit.timetable import Timetable, build_timetable, day_number

__all__ = ["read_netex"]

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_SETS = {
    **{d: {i} for i, d in enumerate(_DAYS)},
    "Weekdays": {0, 1, 2, 3, 4},
    "Weekend": {5, 6},
    "Everyday": set(range(7)),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el: ET.Element, name: str) -> str | None:
    c = _child(el, name)
    return c.text.strip() if c is not None and c.text else None


def _ref(el: ET.Element, name: str) -> str | None:
    c = _child(el, name)
    return c.get("ref") if c is not None else None


def _centroid(el: ET.Element) -> tuple[float, float] | None:
    c = _child(el, "Centroid")
    loc = _child(c, "Location") if c is not None else None
    if loc is None:
        loc = _child(el, "Location")
    if loc is None:
        return None
    lon, lat = _text(loc, "Longitude"), _text(loc, "Latitude")
    try:
        return (float(lon), float(lat)) if lon and lat else None
    except ValueError:
        return None


class _Collector:
    """Everything the timetable needs, gathered from all files before references are resolved."""

    def __init__(self) -> None:
        self.stop_places: dict[str, dict[str, Any]] = {}
        self.quay_place: dict[str, str] = {}
        self.quay_xy: dict[str, tuple[float, float]] = {}
        self.ssp: dict[str, dict[str, Any]] = {}
        self.assign: dict[str, tuple[str | None, str | None]] = {}
        self.lines: dict[str, dict[str, Any]] = {}
        self.routes: dict[str, str | None] = {}
        self.patterns: dict[str, dict[str, Any]] = {}
        self.spijp: dict[str, tuple[str, int, str | None, bool]] = {}
        self.journeys: list[dict[str, Any]] = []
        self.pt_sj: list[int] = []
        self.pt_ref: list[str] = []
        self.pt_dep: list[str] = []
        self.pt_arr: list[str] = []
        self.pt_dep_off: list[int] = []
        self.pt_arr_off: list[int] = []
        self.day_type_days: dict[str, set[int]] = {}
        self.dta: list[tuple[str, str | None, str | None, str | None, bool]] = []
        self.periods: dict[str, tuple[str, str]] = {}
        self.operating_days: dict[str, str] = {}
        self.dated: list[tuple[str, str]] = []

    # ---------------------------------------------------------------- handlers
    def stop_place(self, el: ET.Element) -> None:
        sid = el.get("id")
        if not sid:
            return
        xy = _centroid(el)
        quays = []
        qs = _child(el, "quays")
        for q in qs if qs is not None else []:
            if _local(q.tag) != "Quay" or not q.get("id"):
                continue
            quays.append(q.get("id"))
            self.quay_place[q.get("id", "")] = sid
            qxy = _centroid(q)
            if qxy is not None:
                self.quay_xy[q.get("id", "")] = qxy
        self.stop_places[sid] = {"name": _text(el, "Name") or sid, "xy": xy, "quays": quays}

    def scheduled_stop_point(self, el: ET.Element) -> None:
        if el.get("id"):
            self.ssp[el.get("id", "")] = {"name": _text(el, "Name"), "xy": _centroid(el)}

    def assignment(self, el: ET.Element) -> None:
        ssp = _ref(el, "ScheduledStopPointRef")
        if ssp:
            self.assign[ssp] = (_ref(el, "StopPlaceRef"), _ref(el, "QuayRef"))

    def line(self, el: ET.Element) -> None:
        if el.get("id"):
            self.lines[el.get("id", "")] = {
                "name": _text(el, "PublicCode") or _text(el, "Name") or el.get("id"),
                "mode": _text(el, "TransportMode"),
            }

    def route(self, el: ET.Element) -> None:
        if el.get("id"):
            self.routes[el.get("id", "")] = _ref(el, "LineRef") or _ref(el, "FlexibleLineRef")

    def pattern(self, el: ET.Element) -> None:
        pid = el.get("id")
        if not pid:
            return
        self.patterns[pid] = {"route": _ref(el, "RouteRef")}
        pts = _child(el, "pointsInSequence")
        for k, p in enumerate(pts if pts is not None else []):
            if _local(p.tag) != "StopPointInJourneyPattern" or not p.get("id"):
                continue
            order = p.get("order")
            board = (_text(p, "ForBoarding") or "true").lower() != "false"
            self.spijp[p.get("id", "")] = (
                pid,
                int(order) if order and order.isdigit() else k + 1,
                _ref(p, "ScheduledStopPointRef"),
                board,
            )

    def journey(self, el: ET.Element) -> None:
        jid = el.get("id")
        if not jid:
            return
        dts = _child(el, "dayTypes")
        day_types = sorted(
            d.get("ref", "") for d in (dts if dts is not None else []) if d.get("ref")
        )
        j = len(self.journeys)
        self.journeys.append(
            {
                "id": jid,
                "day_types": tuple(day_types),
                "pattern": _ref(el, "JourneyPatternRef") or _ref(el, "ServiceJourneyPatternRef"),
                "line": _ref(el, "LineRef") or _ref(el, "FlexibleLineRef"),
                "mode": _text(el, "TransportMode"),
            }
        )
        pts = _child(el, "passingTimes")
        for p in pts if pts is not None else []:
            if _local(p.tag) != "TimetabledPassingTime":
                continue
            self.pt_sj.append(j)
            self.pt_ref.append(_ref(p, "StopPointInJourneyPatternRef") or "")
            self.pt_dep.append(_text(p, "DepartureTime") or "")
            self.pt_arr.append(_text(p, "ArrivalTime") or "")
            self.pt_dep_off.append(int(_text(p, "DepartureDayOffset") or 0))
            self.pt_arr_off.append(int(_text(p, "ArrivalDayOffset") or 0))

    def day_type(self, el: ET.Element) -> None:
        did = el.get("id")
        if not did:
            return
        days: set[int] = set()
        for node in el.iter():
            if _local(node.tag) == "DaysOfWeek" and node.text:
                for word in node.text.split():
                    days |= _DAY_SETS.get(word, set())
        self.day_type_days[did] = days

    def day_type_assignment(self, el: ET.Element) -> None:
        dt_ref = _ref(el, "DayTypeRef")
        if not dt_ref:
            return
        available = (_text(el, "isAvailable") or "true").lower() != "false"
        self.dta.append(
            (
                dt_ref,
                _text(el, "Date"),
                _ref(el, "OperatingDayRef"),
                _ref(el, "OperatingPeriodRef"),
                available,
            )
        )

    def operating_period(self, el: ET.Element) -> None:
        f, t = _text(el, "FromDate"), _text(el, "ToDate")
        if el.get("id") and f and t:
            self.periods[el.get("id", "")] = (f[:10], t[:10])

    def operating_day(self, el: ET.Element) -> None:
        d = _text(el, "CalendarDate")
        if el.get("id") and d:
            self.operating_days[el.get("id", "")] = d[:10]

    def dated_journey(self, el: ET.Element) -> None:
        sj, od = _ref(el, "ServiceJourneyRef"), _ref(el, "OperatingDayRef")
        if sj and od:
            self.dated.append((sj, od))


_HANDLERS = {
    "StopPlace": _Collector.stop_place,
    "ScheduledStopPoint": _Collector.scheduled_stop_point,
    "PassengerStopAssignment": _Collector.assignment,
    "Line": _Collector.line,
    "FlexibleLine": _Collector.line,
    "Route": _Collector.route,
    "JourneyPattern": _Collector.pattern,
    "ServiceJourneyPattern": _Collector.pattern,
    "ServiceJourney": _Collector.journey,
    "DayType": _Collector.day_type,
    "DayTypeAssignment": _Collector.day_type_assignment,
    "OperatingPeriod": _Collector.operating_period,
    "OperatingDay": _Collector.operating_day,
    "DatedServiceJourney": _Collector.dated_journey,
}


def _parse_file(src: FeedSource, name: str, col: _Collector, label: str) -> None:
    try:
        with src.open(name) as fh:
            for _event, el in ET.iterparse(fh, events=("end",)):
                handler = _HANDLERS.get(_local(el.tag))
                if handler is not None:
                    handler(col, el)
                    el.clear()  # stream: a handled object is not needed again
    except ET.ParseError as exc:
        raise TimetableError(
            f"{label}: {src.member(name)} is not well-formed XML ({exc}); check the file."
        ) from None


def _day_type_dates(col: _Collector, label: str) -> dict[str, set[int]]:
    """Day numbers of each day type (assignments by date, operating day or period)."""
    on: dict[str, set[int]] = defaultdict(set)
    off: dict[str, set[int]] = defaultdict(set)
    for dt_ref, date, od, period, available in col.dta:
        days: set[int] = set()
        try:
            if date:
                days.add(day_number(date[:10]))
            if od and od in col.operating_days:
                days.add(day_number(col.operating_days[od]))
            if period and period in col.periods:
                f, t = (day_number(x) for x in col.periods[period])
                weekdays = col.day_type_days.get(dt_ref) or set(range(7))
                days |= {d for d in range(f, t + 1) if (d + 3) % 7 in weekdays}
        except ValueError:
            raise TimetableError(
                f"{label}: DayTypeAssignment for {dt_ref!r} has a date that is not YYYY-MM-DD; "
                "fix the calendar."
            ) from None
        (on if available else off)[dt_ref] |= days
    return {k: v - off.get(k, set()) for k, v in on.items()}


def _clock(values: list[str], offsets: list[int]) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    parts = s.str.split(":", n=2, expand=True).reindex(columns=[0, 1, 2])
    h = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=np.float64)
    m = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=np.float64)
    sec = pd.to_numeric(parts[2], errors="coerce").fillna(0).to_numpy(dtype=np.float64)
    out = h * 3600 + m * 60 + sec + np.asarray(offsets, dtype=np.float64) * 86400
    bad = (s != "").to_numpy() & (np.isnan(out) | (m >= 60) | (sec >= 60))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(values[i])
    return out


def _layer_lookup(
    layer: gpd.GeoDataFrame | None,
) -> tuple[
    dict[str, tuple[float, float]], dict[str, tuple[float, float]], dict[str, str], dict[str, str]
]:
    """Return positions (lon, lat) by stop-place id and quay id, quay → stop place, and names.

    Rows with a ``quay_id`` are quays (their ``stop_place_id`` says where they belong, as in
    :func:`arealanalyse.layers.netex.read_netex_quays`); other rows are stop places, by
    ``nsr_id``, ``stop_place_id`` or ``id``, and may list their quays in ``quay_ids``.
    """
    if layer is None or len(layer) == 0:
        return {}, {}, {}, {}
    if layer.crs is None:
        raise TimetableError("The stop-place layer has no CRS; give it one (EPSG:4326 for NSR).")
    pts = layer.to_crs(4326).geometry.representative_point()
    xy = list(zip(pts.x.to_numpy(), pts.y.to_numpy(), strict=True))

    def text(col: str) -> list[str]:
        if col not in layer.columns:
            return [""] * len(layer)
        return ["" if pd.isna(v) else str(v) for v in layer[col]]

    quay = text("quay_id")
    owner = text("stop_place_id")
    ids = [
        next((v for v in vals if v), "")
        for vals in zip(text("nsr_id"), owner, text("id"), strict=True)
    ]
    by_id: dict[str, tuple[float, float]] = {}
    by_quay: dict[str, tuple[float, float]] = {}
    quay_place: dict[str, str] = {}
    names: dict[str, str] = {}
    name_col = text("name")
    listed = layer["quay_ids"] if "quay_ids" in layer.columns else [None] * len(layer)
    for i, (q, sp, own, many) in enumerate(zip(quay, ids, owner, listed, strict=True)):
        if q:
            by_quay.setdefault(q, xy[i])
            if own:
                quay_place.setdefault(q, own)
            continue
        if sp:
            by_id.setdefault(sp, xy[i])
            if name_col[i]:
                names.setdefault(sp, name_col[i])
        items = many if isinstance(many, list | tuple) else str(many or "").split(";")
        for item in items:
            if str(item).strip():
                by_quay.setdefault(str(item).strip(), xy[i])
                if sp:
                    quay_place.setdefault(str(item).strip(), sp)
    return by_id, by_quay, quay_place, names


def read_netex(
    path: str | os.PathLike[str],
    /,
    *,
    stop_places: gpd.GeoDataFrame | None = None,
    name: str | None = None,
) -> Timetable:
    """Read a NeTEx delivery (zip, folder or one XML file).

    Parameters
    ----------
    path
        The delivery.
    stop_places
        A stop-place layer giving coordinates where the delivery has none (see the module
        docstring); any CRS.
    name
        Name for messages (default the file name).
    """
    p = Path(path)
    label = f"Timetable {p.name!r}"
    col = _Collector()
    with open_source(p, label=label) as src:
        xml = [n for n in src.names if n.endswith(".xml")]
        if not xml:
            raise TimetableError(f"{label}: has no .xml files; is it a NeTEx delivery?")
        for n in xml:
            _parse_file(src, n, col, label)
    if not col.journeys:
        raise TimetableError(
            f"{label}: no ServiceJourney found; a NeTEx timetable needs a TimetableFrame with "
            "vehicleJourneys (stop-place files alone are read as a layer, kind transit)."
        )
    notes: list[str] = []
    # ---- stop places of the scheduled stop points
    by_id, by_quay, layer_quay_place, layer_names = _layer_lookup(stop_places)
    sp_ids: list[str] = []
    sp_rows: dict[str, dict[str, Any]] = {}

    def place_of(ssp: str) -> str:
        sp_ref, quay = col.assign.get(ssp, (None, None))
        place = (
            sp_ref
            or (col.quay_place.get(quay) or layer_quay_place.get(quay) if quay else None)
            or quay
            or ssp
        )
        if place not in sp_rows:
            info = col.stop_places.get(place, {})
            name_ = (
                info.get("name")
                or layer_names.get(place)
                or col.ssp.get(ssp, {}).get("name")
                or place
            )
            xy = info.get("xy")
            if xy is None and info.get("quays"):
                qxy = [col.quay_xy[q] for q in info["quays"] if q in col.quay_xy]
                xy = tuple(np.mean(qxy, axis=0)) if qxy else None
            if xy is None:
                xy = by_id.get(place) or (by_quay.get(quay) if quay else None)
            if xy is None and quay and quay in layer_quay_place:
                xy = by_id.get(layer_quay_place[quay])
            if xy is None and quay:
                xy = col.quay_xy.get(quay) or by_id.get(quay)
            if xy is None:
                xy = col.ssp.get(ssp, {}).get("xy")
            sp_rows[place] = {
                "stop_place_id": place,
                "name": name_,
                "lon": np.nan if xy is None else float(xy[0]),
                "lat": np.nan if xy is None else float(xy[1]),
            }
            sp_ids.append(place)
        return place

    spijp_place: dict[str, int] = {}
    place_code: dict[str, int] = {}
    for spid, (_pat, _order, ssp, _board) in col.spijp.items():
        place = place_of(ssp or spid)
        place_code.setdefault(place, len(place_code))
        spijp_place[spid] = place_code[place]
    stop_table = pd.DataFrame([sp_rows[s] for s in place_code])
    no_xy = int(stop_table["lon"].isna().sum())
    if no_xy:
        notes.append(
            f"{no_xy} of {len(stop_table)} stop places have no coordinates (give the stop-place "
            "layer); their departures are counted but they are left out of maps and distances"
        )
    # ---- services
    label_dates = _day_type_dates(col, label)
    dated: dict[str, set[int]] = defaultdict(set)
    for sj, od in col.dated:
        if od in col.operating_days:
            dated[sj].add(day_number(col.operating_days[od]))
    service_of: dict[tuple[str, ...], int] = {}
    sd_service: list[int] = []
    sd_day: list[int] = []
    trip_rows = []
    for j in col.journeys:
        key = ("DSJ:" + j["id"],) if j["id"] in dated else j["day_types"]
        if key not in service_of:
            service_of[key] = len(service_of)
            days: set[int] = set()
            if j["id"] in dated:
                days = dated[j["id"]]
            else:
                for d in j["day_types"]:
                    days |= label_dates.get(d, set())
            sd_service.extend([service_of[key]] * len(days))
            sd_day.extend(sorted(days))
        pattern = col.patterns.get(j["pattern"] or "", {})
        line_id = j["line"] or col.routes.get(pattern.get("route") or "", None) or ""
        line = col.lines.get(line_id, {})
        mode_txt = j["mode"] or line.get("mode") or ""
        trip_rows.append(
            {
                "trip_id": j["id"],
                "route_id": line_id,
                "route_name": line.get("name") or line_id,
                "mode": NETEX_MODES.get(mode_txt, "other"),
                "service": service_of[key],
            }
        )
    trips = pd.DataFrame(trip_rows)
    # ---- calls
    refs = pd.Series(col.pt_ref, dtype=object)
    unknown = ~refs.isin(pd.Index(list(col.spijp))).to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise TimetableError(
            f"{label}: ServiceJourney {col.journeys[col.pt_sj[i]]['id']!r} refers to the "
            f"StopPointInJourneyPattern {col.pt_ref[i]!r}, which no JourneyPattern defines; the "
            "delivery is incomplete (include its journey patterns)."
        )
    try:
        dep = _clock(col.pt_dep, col.pt_dep_off)
        arr = _clock(col.pt_arr, col.pt_arr_off)
    except ValueError as exc:
        raise TimetableError(
            f"{label}: passing time {exc.args[0]!r} is not HH:MM:SS; fix the ServiceJourney."
        ) from None
    time_s = np.where(np.isnan(dep), arr, dep)
    if np.isnan(time_s).any():
        i = int(np.flatnonzero(np.isnan(time_s))[0])
        raise TimetableError(
            f"{label}: ServiceJourney {col.journeys[col.pt_sj[i]]['id']!r} has a passing time "
            "without DepartureTime or ArrivalTime; fix the journey."
        )
    info = [col.spijp[r] for r in col.pt_ref]
    calls = pd.DataFrame(
        {
            "trip": np.asarray(col.pt_sj, dtype=np.int64),
            "seq": np.asarray([x[1] for x in info], dtype=np.int64),
            "place": np.asarray([spijp_place[r] for r in col.pt_ref], dtype=np.int64),
            "time_s": time_s,
            "boardable": np.asarray([x[3] for x in info], dtype=bool),
        }
    )
    services = pd.Index(["|".join(k) for k in service_of])
    if not sd_day:
        notes.append("no day type is assigned to any date: no departures on any day")
    return build_timetable(
        name=name or p.name,
        format="netex",
        stop_places=stop_table,
        trips=trips,
        services=services,
        service_dates=pd.DataFrame({"service": sd_service, "day": sd_day}, dtype=np.int64),
        calls=calls,
        notes=notes,
    )

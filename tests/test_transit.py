"""Timetables: GTFS and NeTEx readers, departures per stop place, the CLI, broken feeds.

The real Entur feeds are checked against counts written here in plain pandas/ElementTree on the
raw files, without the project's code (``_independent_gtfs`` and ``_independent_netex``).
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from arealanalyse.cli import main
from arealanalyse.errors import ArealanalyseError, TimetableError
from arealanalyse.transit import count_departures, read_gtfs, read_netex, read_timetable

FEEDS = "entur-timetables"


# --------------------------------------------------------------------------- independent counts
def _secs(text: str) -> int:
    h, m, s = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + s


def _independent_gtfs(zip_path: Path, date: str, start: str, end: str) -> dict[str, int]:
    """Departures per stop place by the definition in docs/transit.md, in plain pandas.

    A departure: a boardable (pickup_type != 1) call that is not the trip's last, with calls at
    one stop place in a row counted once (the last), on the calendar date (earlier service
    days' times past 24:00 included).
    """
    with zipfile.ZipFile(zip_path) as z:

        def table(name: str) -> pd.DataFrame:
            if name not in z.namelist():
                return pd.DataFrame()
            return pd.read_csv(z.open(name), dtype=str, keep_default_na=False)

        stops, trips, st = table("stops.txt"), table("trips.txt"), table("stop_times.txt")
        cal, cd = table("calendar.txt"), table("calendar_dates.txt")
    d0 = dt.date.fromisoformat(date)
    lo = _secs(start + ":00")
    hi = _secs(end + ":00")
    if "parent_station" not in stops:
        stops["parent_station"] = ""
    parent = dict(zip(stops["stop_id"], stops["parent_station"], strict=True))
    st["place"] = [parent.get(s) or s for s in st["stop_id"]]
    st["seq"] = st["stop_sequence"].astype(int)
    st["t"] = [
        _secs(d if d else a) for d, a in zip(st["departure_time"], st["arrival_time"], strict=True)
    ]
    st = st.sort_values(["trip_id", "seq"]).reset_index(drop=True)
    nxt_same = (st["trip_id"] == st["trip_id"].shift(-1)) & (st["place"] == st["place"].shift(-1))
    st = st[~nxt_same].reset_index(drop=True)  # a run at one stop place: its last call
    last = st["trip_id"] != st["trip_id"].shift(-1)
    if "pickup_type" not in st:
        st["pickup_type"] = ""
    st = st[~last & (st["pickup_type"] != "1")]
    counts: dict[str, int] = {}
    for offset in (-2, -1, 0, 1):
        day = d0 + dt.timedelta(days=offset)
        ymd = day.strftime("%Y%m%d")
        active: set[str] = set()
        if len(cal):
            wd = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            ok = (
                (cal["start_date"] <= ymd)
                & (cal["end_date"] >= ymd)
                & (cal[wd[day.weekday()]] == "1")
            )
            active |= set(cal.loc[ok, "service_id"])
        if len(cd):
            active |= set(cd.loc[(cd["date"] == ymd) & (cd["exception_type"] == "1"), "service_id"])
            active -= set(cd.loc[(cd["date"] == ymd) & (cd["exception_type"] == "2"), "service_id"])
        run = set(trips.loc[trips["service_id"].isin(active), "trip_id"])
        sel = st[st["trip_id"].isin(run)]
        t = sel["t"] + offset * 86400
        for place, n in sel[(t >= lo) & (t < hi)]["place"].value_counts().items():
            counts[place] = counts.get(place, 0) + int(n)
    return counts


def _from_project(result) -> dict[str, int]:
    t = result.table
    return dict(zip(t["stop_place_id"], t["departures"].astype(int), strict=True))


# --------------------------------------------------------------------------- real feeds
@pytest.mark.realdata
def test_flybussekspressen_matches_an_independent_count(real_data: Path) -> None:
    feed = real_data / FEEDS / "flybussekspressen_gtfs_2016.zip"
    result = count_departures(read_gtfs(feed), date="2016-03-01", start="07:00", end="09:00")
    expected = _independent_gtfs(feed, "2016-03-01", "07:00", "09:00")
    assert _from_project(result) == expected
    assert sum(expected.values()) > 300  # calendar-dates-only feed: service is really found
    bekkestua = result.table.set_index("name").loc["Bekkestua terminal"]
    assert bekkestua["modes"] == "bus"
    assert bekkestua["departures_per_hour"] == pytest.approx(bekkestua["departures"] / 2)


@pytest.mark.realdata
def test_flytoget_matches_an_independent_count_with_parent_stations(real_data: Path) -> None:
    feed = real_data / FEEDS / "flytoget_gtfs_2016.zip"
    tt = read_gtfs(feed)
    result = count_departures(tt, date="2016-12-05")
    expected = _independent_gtfs(feed, "2016-12-05", "00:00", "24:00")
    assert _from_project(result) == expected
    # Oslo S has parent_station Lillestrøm in this (edited) feed: merged into it
    assert "RUT:StopArea:7600100" not in set(result.table["stop_place_id"])
    assert result.table["modes"].eq("rail").all()


@pytest.mark.realdata
def test_calendar_dates_only_feeds_give_service_and_a_representative_weekday(
    real_data: Path,
) -> None:
    tt = read_gtfs(real_data / FEEDS / "flybussekspressen_gtfs_2016.zip")
    with zipfile.ZipFile(real_data / FEEDS / "flybussekspressen_gtfs_2016.zip") as z:
        cal = pd.read_csv(z.open("calendar.txt"), dtype=str)
    assert (cal[["monday", "tuesday", "friday"]] == "0").all().all()  # every weekday flag is 0
    day = tt.representative_day()
    assert (day + 3) % 7 < 5
    per_day = tt.departures_per_day()
    weekdays = per_day[(per_day.index.to_numpy() + 3) % 7 < 5]
    assert per_day.loc[day] == weekdays.max() > 0


def _independent_netex(zip_path: Path, date: str, start: str, end: str, stop: str) -> int:
    """Departures at one stop place from the raw XML (ElementTree, no project code)."""
    ns = {"n": "http://www.netex.org.uk/netex"}
    q = "{http://www.netex.org.uk/netex}"
    with zipfile.ZipFile(zip_path) as z:
        roots = [ET.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xml")]
    day_types: dict[str, set[str]] = {}
    places: dict[str, str] = {}
    names: dict[str, str] = {}
    points: dict[str, tuple[str, bool]] = {}
    journeys = []
    for root in roots:
        for a in root.iter(q + "DayTypeAssignment"):
            day = a.findtext("n:Date", namespaces=ns)
            day_types.setdefault(day, set()).add(a.find("n:DayTypeRef", ns).get("ref"))
        for a in root.iter(q + "PassengerStopAssignment"):
            places[a.find("n:ScheduledStopPointRef", ns).get("ref")] = a.find(
                "n:StopPlaceRef", ns
            ).get("ref")
        for sp in root.iter(q + "StopPlace"):
            names[sp.get("id")] = sp.findtext("n:Name", namespaces=ns)
        for p in root.iter(q + "StopPointInJourneyPattern"):
            board = p.findtext("n:ForBoarding", default="true", namespaces=ns) != "false"
            points[p.get("id")] = (p.find("n:ScheduledStopPointRef", ns).get("ref"), board)
        journeys += list(root.iter(q + "ServiceJourney"))
    lo, hi = _secs(start + ":00"), _secs(end + ":00")
    n = 0
    for back in (0, 1):  # the service day itself, and the day before (its trips after midnight)
        service_day = (dt.date.fromisoformat(date) - dt.timedelta(days=back)).isoformat()
        running = day_types.get(service_day, set())
        for sj in journeys:
            if not {d.get("ref") for d in sj.iter(q + "DayTypeRef")} & running:
                continue
            times = list(sj.iter(q + "TimetabledPassingTime"))
            for tp in times[:-1]:  # the last passing time is an arrival
                ssp, board = points[tp.find("n:StopPointInJourneyPatternRef", ns).get("ref")]
                dep = tp.findtext("n:DepartureTime", namespaces=ns)
                days = int(tp.findtext("n:DepartureDayOffset", default="0", namespaces=ns))
                if board and dep and names[places[ssp]] == stop:
                    t = _secs(dep) + (days - back) * 86400
                    n += lo <= t < hi
    return n


@pytest.mark.realdata
def test_ruter_210_netex_departures_at_sandvika_bussterminal(real_data: Path) -> None:
    feed = real_data / FEEDS / "ruter_line210_baerum_netex_2017.zip"
    tt = read_timetable(feed)
    assert tt.format == "netex"
    for date, start, end in (("2017-03-01", "07:00", "09:00"), ("2017-03-04", "00:00", "24:00")):
        result = count_departures(tt, date=date, start=start, end=end)
        row = result.table.set_index("name").loc["Sandvika bussterminal"]
        expected = _independent_netex(feed, date, start, end, "Sandvika bussterminal")
        assert row["departures"] == expected > 0
        assert row["modes"] == "bus"
    # no coordinates in the delivery: said so, departures still counted
    assert any("no coordinates" in n for n in tt.notes)


@pytest.mark.realdata
def test_netex_takes_coordinates_from_a_stop_place_layer(real_data: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    feed = real_data / FEEDS / "ruter_line210_baerum_netex_2017.zip"
    layer = gpd.GeoDataFrame(
        {"nsr_id": ["RUT:StopPlace:02190401"], "name": ["Sandvika bussterminal"]},
        geometry=[Point(589000, 6641200)],
        crs=25832,
    )
    tt = read_netex(feed, stop_places=layer)
    sp = tt.stop_places.set_index("stop_place_id").loc["RUT:StopPlace:02190401"]
    assert 10.4 < sp["lon"] < 10.7 and 59.8 < sp["lat"] < 60.0
    assert tt.stop_places["lon"].isna().sum() == len(tt.stop_places) - 1


@pytest.mark.realdata
def test_cli_departures_on_real_feeds(real_data: Path, capsys) -> None:
    feed = real_data / FEEDS / "flybussekspressen_gtfs_2016.zip"
    args = ["transit", "departures", str(feed), "--date", "2016-03-01", "--from", "07:00"]
    assert main([*args, "--to", "09:00", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = _independent_gtfs(feed, "2016-03-01", "07:00", "09:00")
    assert {r["stop_place_id"]: r["departures"] for r in data["rows"]} == expected
    row = data["rows"][0]
    assert set(row) >= {
        "name",
        "stop_place_id",
        "modes",
        "departures",
        "departures_per_hour",
        "shortest_mean_headway_min",
    }
    # no --date: the representative weekday, stated in the output
    assert main(["transit", "departures", str(feed)]) == 0
    out = capsys.readouterr().out
    assert "representative weekday" in out and "2016-01-04" in out


# --------------------------------------------------------------------------- hand-made feeds
STOPS = """stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station
S,Sandvika stasjon,59.8929,10.5257,1,
S1,Sandvika spor 1,59.8930,10.5255,0,S
S2,Sandvika spor 2,59.8928,10.5259,0,S
L,Lysaker,59.9134,10.6372,,
H,Høvik,59.9011,10.5827,,
B,Bekkestua,59.9165,10.5879,,
"""
ROUTES = """route_id,route_short_name,route_long_name,route_type
R1,L1,,2
B1,150,,700
F1,Fornebu,,3
"""
CALENDAR = """service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,\
start_date,end_date
WK,1,1,1,1,1,0,0,20260302,20260331
"""
# 2026-03-03 (Tuesday) removed; Saturday 2026-03-07 added
CALENDAR_DATES = """service_id,date,exception_type
WK,20260303,2
WK,20260307,1
"""
TRIPS = """route_id,service_id,trip_id
R1,WK,east1
R1,WK,west1
B1,WK,late
F1,WK,freq
"""
STOP_TIMES = """trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type
east1,07:10:00,07:10:00,S1,1,
east1,,,H,2,
east1,07:20:00,07:21:00,L,3,
west1,07:30:00,07:30:00,L,1,
west1,07:36:00,07:36:00,H,2,1
west1,07:40:00,07:40:00,S2,3,
late,24:20:00,24:30:00,B,1,
late,24:45:00,24:45:00,L,2,
freq,00:00:00,00:00:00,S1,1,
freq,00:12:00,00:12:00,B,2,
"""
FREQUENCIES = """trip_id,start_time,end_time,headway_secs
freq,07:00:00,08:00:00,600
"""


def _feed(folder: Path, **override: str | None) -> Path:
    files = {
        "stops.txt": STOPS,
        "routes.txt": ROUTES,
        "calendar.txt": CALENDAR,
        "calendar_dates.txt": CALENDAR_DATES,
        "trips.txt": TRIPS,
        "stop_times.txt": STOP_TIMES,
        "frequencies.txt": FREQUENCIES,
    }
    files.update(override)
    folder.mkdir(parents=True, exist_ok=True)
    zpath = folder / "feed.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for name, text in files.items():
            if text is not None:
                z.writestr(name, text)
    return zpath


def _count(tt, date: str, start: str = "00:00", end: str = "24:00") -> dict[str, int]:
    table = count_departures(tt, date=date, start=start, end=end).table
    return dict(zip(table["name"], table["departures"].astype(int), strict=True))


def test_a_removed_service_date_has_no_departures(tmp_path: Path) -> None:
    tt = read_gtfs(_feed(tmp_path))
    assert _count(tt, "2026-03-03", "06:00", "12:00") == {}  # exception type 2
    wed = _count(tt, "2026-03-04", "06:00", "12:00")
    assert wed and wed == _count(tt, "2026-03-07", "06:00", "12:00")  # type 1 adds a Saturday
    assert _count(tt, "2026-03-08", "06:00", "12:00") == {}  # Sunday: no service


def test_a_trip_after_midnight_counts_on_the_next_calendar_date(tmp_path: Path) -> None:
    tt = read_gtfs(_feed(tmp_path))
    # 'late' runs on service day Wed 4 March and departs Bekkestua at 24:30 = Thu 00:30
    assert _count(tt, "2026-03-05", "00:00", "01:00") == {"Bekkestua": 1}
    assert "Bekkestua" not in _count(tt, "2026-03-04", "00:00", "01:00")
    # the service day of 3 March is removed, so nothing runs after midnight into 4 March
    assert _count(tt, "2026-03-04", "00:00", "01:00") == {}
    # a window past 24:00 reaches into the next morning
    assert _count(tt, "2026-03-04", "23:00", "25:00") == {"Bekkestua": 1}


def test_a_frequencies_trip_is_one_trip_per_headway(tmp_path: Path) -> None:
    tt = read_gtfs(_feed(tmp_path))
    counts = count_departures(tt, date="2026-03-04", start="07:00", end="08:00").table
    row = counts.set_index("name").loc["Sandvika stasjon"]
    # 07:00, 07:10, ..., 07:50 from frequencies.txt plus the L1 train at 07:10 from platform 1
    assert row["departures_bus"] == 6 and row["departures_rail"] == 1
    assert row["headway_bus_min"] == pytest.approx(10.0)
    assert any("frequencies.txt" in n for n in tt.notes)


def test_child_stops_merge_into_their_parent_station(tmp_path: Path) -> None:
    tt = read_gtfs(_feed(tmp_path))
    table = count_departures(tt, date="2026-03-04", start="07:00", end="08:00").table
    assert "Sandvika spor 1" not in set(table["name"]) and "Sandvika spor 2" not in set(
        table["name"]
    )
    s = table.set_index("name").loc["Sandvika stasjon"]
    assert s["stop_place_id"] == "S" and s["modes"] == "rail,bus"
    # the westbound train ends at platform 2: an arrival, not a departure
    assert s["departures_rail"] == 1
    # Høvik: the untimed stop is interpolated to 07:15 (eastbound, in the window); westbound
    # pickup_type 1 cannot be boarded
    assert table.set_index("name").loc["Høvik", "departures"] == 1
    assert table.set_index("name").loc["Lysaker", "departures"] == 1  # west1 starts there


def test_headway_is_per_direction(tmp_path: Path) -> None:
    stop_times = """trip_id,arrival_time,departure_time,stop_id,stop_sequence
a,07:00:00,07:00:00,H,1
a,07:05:00,07:05:00,L,2
b,07:10:00,07:10:00,H,1
b,07:15:00,07:15:00,L,2
c,07:20:00,07:20:00,H,1
c,07:25:00,07:25:00,S,2
"""
    trips = "route_id,service_id,trip_id\nB1,WK,a\nB1,WK,b\nB1,WK,c\n"
    tt = read_gtfs(
        _feed(
            tmp_path, **{"stop_times.txt": stop_times, "trips.txt": trips, "frequencies.txt": None}
        )
    )
    row = count_departures(tt, date="2026-03-04", start="07:00", end="08:00").table.iloc[0]
    assert row["name"] == "Høvik" and row["departures"] == 3
    assert row["headway_bus_min"] == pytest.approx(30.0)  # two towards Lysaker in 60 min


def test_latin1_text_is_read_and_noted(tmp_path: Path) -> None:
    z = _feed(tmp_path / "a")
    with zipfile.ZipFile(z) as src, zipfile.ZipFile(tmp_path / "latin1.zip", "w") as dst:
        for name in src.namelist():
            text = src.read(name).decode("utf-8")
            dst.writestr(name, text.encode("latin-1") if name == "stops.txt" else text)
    tt = read_gtfs(tmp_path / "latin1.zip")
    assert "Høvik" in set(tt.stop_places["name"])
    assert any("not UTF-8" in n for n in tt.notes)


def test_a_folder_feed_reads_like_its_zip(tmp_path: Path) -> None:
    z = _feed(tmp_path / "z")
    folder = tmp_path / "folder"
    with zipfile.ZipFile(z) as src:
        src.extractall(folder)
    a = count_departures(read_gtfs(z), date="2026-03-04").table
    b = count_departures(read_timetable(folder), date="2026-03-04").table
    pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------- broken feeds
BROKEN = [
    ({"stop_times.txt": None}, "stop_times.txt is missing"),
    (
        {"stop_times.txt": STOP_TIMES.replace("07:36:00,07:36:00", "25:61:00,25:61:00")},
        "'25:61:00' is not a time HH:MM:SS",
    ),
    ({"stop_times.txt": STOP_TIMES.replace(",H,2,1", ",X9,2,1")}, "stop_id 'X9' is not in stops"),
    ({"trips.txt": TRIPS.replace("B1,WK,late", "B1,XX,late")}, "service_id 'XX' is not in"),
    ({"calendar.txt": None, "calendar_dates.txt": None}, "neither calendar.txt nor"),
    ({"calendar_dates.txt": "service_id,date,exception_type\nWK,20260303,3\n"}, "exception_type"),
    ({"stops.txt": STOPS.replace(",S\n", ",ZZ\n", 1)}, "parent_station 'ZZ'"),
    ({"frequencies.txt": FREQUENCIES.replace("600", "0")}, "headway_secs > 0"),
    (
        {"stop_times.txt": STOP_TIMES.replace("east1,07:10:00,07:10:00", "east1,,")},
        "first and last",
    ),
    ({"stops.txt": ""}, "stops.txt is empty"),
    ({"stop_times.txt": STOP_TIMES.replace(",L,3,", ",L,2,")}, "two stops with the same sequence"),
    ({"stop_times.txt": STOP_TIMES.replace("07:40:00,07:40:00", "07:00:00,07:00:00")}, "backwards"),
    ({"stop_times.txt": STOP_TIMES + "late,24:50:00\n"}, "not valid CSV"),
]


@pytest.mark.parametrize(("override", "message"), BROKEN, ids=[m for _, m in BROKEN])
def test_broken_feeds_give_one_line_errors(tmp_path: Path, override, message, capsys) -> None:
    z = _feed(tmp_path, **override)
    with pytest.raises(TimetableError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_gtfs(z)
    code = main(["transit", "departures", str(z)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error:") and len(err.splitlines()) == 1
    assert "feed.zip" in err


def test_other_bad_inputs(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ArealanalyseError, match="neither GTFS"):
        read_timetable(junk)
    with pytest.raises(ArealanalyseError, match="does not exist"):
        read_timetable(tmp_path / "missing.zip")
    tt = read_gtfs(_feed(tmp_path))
    with pytest.raises(TimetableError, match="service period is 2026-03-02–2026-03-31"):
        count_departures(tt, date="2025-01-01")
    with pytest.raises(TimetableError, match="ends before it starts"):
        count_departures(tt, start="09:00", end="07:00")
    with pytest.raises(TimetableError, match="is not a time"):
        count_departures(tt, start="7.00")
    bad_xml = tmp_path / "bad.xml"
    bad_xml.write_text("<PublicationDelivery><unclosed></PublicationDelivery>")
    with pytest.raises(TimetableError, match="not well-formed XML"):
        read_timetable(bad_xml)
    stops_only = tmp_path / "stops.xml"
    stops_only.write_text("<PublicationDelivery><StopPlace id='a'/></PublicationDelivery>")
    with pytest.raises(TimetableError, match="no ServiceJourney"):
        read_netex(stops_only)


# --------------------------------------------------------------------------- NeTEx with NSR quays
NETEX_QUAYS = """<?xml version="1.0" encoding="utf-8"?>
<PublicationDelivery xmlns="http://www.netex.org.uk/netex" version="1.0">
 <dataObjects><CompositeFrame id="T:CompositeFrame:1"><frames>
  <ServiceCalendarFrame id="T:SCF:1">
   <dayTypes>
    <DayType id="T:DayType:wk"><properties><PropertyOfDay>
     <DaysOfWeek>Weekdays</DaysOfWeek></PropertyOfDay></properties></DayType>
   </dayTypes>
   <operatingPeriods>
    <OperatingPeriod id="T:OP:1"><FromDate>2026-03-02T00:00:00</FromDate>
     <ToDate>2026-03-08T00:00:00</ToDate></OperatingPeriod>
   </operatingPeriods>
   <operatingDays>
    <OperatingDay id="T:OD:sat"><CalendarDate>2026-03-07</CalendarDate></OperatingDay>
   </operatingDays>
   <dayTypeAssignments>
    <DayTypeAssignment id="T:DTA:1" order="1"><OperatingPeriodRef ref="T:OP:1"/>
     <DayTypeRef ref="T:DayType:wk"/></DayTypeAssignment>
    <DayTypeAssignment id="T:DTA:2" order="2"><Date>2026-03-04</Date>
     <DayTypeRef ref="T:DayType:wk"/><isAvailable>false</isAvailable></DayTypeAssignment>
   </dayTypeAssignments>
  </ServiceCalendarFrame>
  <ServiceFrame id="T:SF:1">
   <lines><Line id="T:Line:1"><Name>Test</Name><TransportMode>rail</TransportMode>
    <PublicCode>R9</PublicCode></Line></lines>
   <routes><Route id="T:Route:1"><LineRef ref="T:Line:1"/></Route></routes>
   <scheduledStopPoints>
    <ScheduledStopPoint id="T:SSP:a"><Name>A</Name></ScheduledStopPoint>
    <ScheduledStopPoint id="T:SSP:b"><Name>B</Name></ScheduledStopPoint>
   </scheduledStopPoints>
   <stopAssignments>
    <PassengerStopAssignment id="T:PSA:a" order="1"><ScheduledStopPointRef ref="T:SSP:a"/>
     <QuayRef ref="NSR:Quay:504"/></PassengerStopAssignment>
    <PassengerStopAssignment id="T:PSA:b" order="2"><ScheduledStopPointRef ref="T:SSP:b"/>
     <QuayRef ref="NSR:Quay:97213"/></PassengerStopAssignment>
   </stopAssignments>
   <journeyPatterns>
    <JourneyPattern id="T:JP:1"><RouteRef ref="T:Route:1"/><pointsInSequence>
     <StopPointInJourneyPattern id="T:SPIJP:1" order="1">
      <ScheduledStopPointRef ref="T:SSP:a"/></StopPointInJourneyPattern>
     <StopPointInJourneyPattern id="T:SPIJP:2" order="2">
      <ScheduledStopPointRef ref="T:SSP:b"/></StopPointInJourneyPattern>
    </pointsInSequence></JourneyPattern>
   </journeyPatterns>
  </ServiceFrame>
  <TimetableFrame id="T:TF:1"><vehicleJourneys>
   <ServiceJourney id="T:SJ:1"><dayTypes><DayTypeRef ref="T:DayType:wk"/></dayTypes>
    <JourneyPatternRef ref="T:JP:1"/><passingTimes>
     <TimetabledPassingTime><StopPointInJourneyPatternRef ref="T:SPIJP:1"/>
      <DepartureTime>07:10:00</DepartureTime></TimetabledPassingTime>
     <TimetabledPassingTime><StopPointInJourneyPatternRef ref="T:SPIJP:2"/>
      <ArrivalTime>07:40:00</ArrivalTime></TimetabledPassingTime>
    </passingTimes></ServiceJourney>
   <ServiceJourney id="T:SJ:2"><JourneyPatternRef ref="T:JP:1"/><passingTimes>
     <TimetabledPassingTime><StopPointInJourneyPatternRef ref="T:SPIJP:1"/>
      <DepartureTime>00:20:00</DepartureTime><DepartureDayOffset>1</DepartureDayOffset>
     </TimetabledPassingTime>
     <TimetabledPassingTime><StopPointInJourneyPatternRef ref="T:SPIJP:2"/>
      <ArrivalTime>00:50:00</ArrivalTime><ArrivalDayOffset>1</ArrivalDayOffset>
     </TimetabledPassingTime>
    </passingTimes></ServiceJourney>
  </vehicleJourneys></TimetableFrame>
  <TimetableFrame id="T:TF:2"><vehicleJourneys>
   <DatedServiceJourney id="T:DSJ:1"><ServiceJourneyRef ref="T:SJ:2"/>
    <OperatingDayRef ref="T:OD:sat"/></DatedServiceJourney>
  </vehicleJourneys></TimetableFrame>
 </frames></CompositeFrame></dataObjects>
</PublicationDelivery>
"""


@pytest.mark.realdata
def test_netex_quays_merge_into_nsr_stop_places(real_data: Path, tmp_path: Path, capsys) -> None:
    import geopandas as gpd

    from arealanalyse.layers.netex import read_netex_quays, read_netex_stop_places

    nsr = real_data / "entur-nsr-2025" / "stopPlaces.xml"
    feed = tmp_path / "line.xml"
    feed.write_text(NETEX_QUAYS, encoding="utf-8")
    places = read_netex_stop_places(nsr)
    layer = gpd.GeoDataFrame(
        pd.concat([places, read_netex_quays(nsr)], ignore_index=True), crs=places.crs
    )
    tt = read_netex(feed, stop_places=layer)
    sp = tt.stop_places.set_index("stop_place_id")
    # the quays are folded into their NSR stop places, which take the register's positions
    assert set(sp.index) == {"NSR:StopPlace:305", "NSR:StopPlace:56697"}
    nyland = places.set_index("nsr_id").geometry["NSR:StopPlace:305"]
    assert sp.loc["NSR:StopPlace:305", "lon"] == pytest.approx(nyland.x)

    def n(date: str, start: str, end: str) -> int:
        t = count_departures(tt, date=date, start=start, end=end).table
        return int(t["departures"].sum()) if len(t) else 0

    assert n("2026-03-03", "07:00", "08:00") == 1  # a weekday of the operating period
    assert n("2026-03-04", "07:00", "08:00") == 0  # isAvailable false
    assert n("2026-03-07", "07:00", "08:00") == 0  # Saturday: not a weekday
    assert n("2026-03-08", "00:00", "01:00") == 1  # the dated journey of Saturday, day offset 1
    table = count_departures(tt, date="2026-03-03", start="07:00", end="08:00").table
    assert table.loc[0, "name"] == "Nyland stasjon" and table.loc[0, "modes"] == "rail"
    # the CLI reads the register file itself
    args = ["transit", "departures", str(feed), "--date", "2026-03-03", "--json"]
    assert main([*args, "--stop-places", str(nsr)]) == 0
    row = json.loads(capsys.readouterr().out)["rows"][0]
    assert row["stop_place_id"] == "NSR:StopPlace:305" and row["lon"] == pytest.approx(nyland.x)

"""Frequency classes: ÖV-Güteklassen, the knutepunkt test, SDG 11.2.1, ABC, scenarios, demo.

The hand-made world (tests/test_scenarios.py: a 3 x 2 km street grid) gets a GTFS feed written
here. Its stops stand on the grid, so the walking distance from a home (offset 50 m from both
street axes) to a stop is the Manhattan distance; the expected classes below use that, not the
project's network code.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml
from shapely.geometry import Point

from arealanalyse.cli import main
from arealanalyse.errors import ScenarioError
from arealanalyse.layers import load_catalogue
from arealanalyse.metrics import run_suite
from arealanalyse.scenarios.apply import apply_scenario
from arealanalyse.scenarios.evaluate import Evaluator, validate_files
from arealanalyse.scenarios.load import load_scenario
from arealanalyse.settings import Settings, TransitSettings
from arealanalyse.study import Study
from arealanalyse.transit import count_departures, read_gtfs, service_levels
from arealanalyse.transit.catchments import oev_class_areas
from arealanalyse.transit.classes import oev_category, oev_class_at
from arealanalyse.transit.scenario import set_headway
from test_scenarios import X0, Y0, build_world, write_scenario

# Stops of the world's feed: (id, name, x, y) in metres from the world's origin.
STOPS = [
    ("VEST", "Vest", 100, 1000),
    ("A", "Stasjon A", 500, 1000),
    ("ENDE", "Ende", 2900, 1900),
    ("BV", "Buss Vest", 300, 1300),
    ("BA", "Buss A", 550, 1000),
    ("C", "Buss C", 1500, 500),
]


def _lonlat(x: float, y: float) -> tuple[float, float]:
    from pyproj import Transformer

    tr = Transformer.from_crs(25832, 4326, always_xy=True)
    return tr.transform(X0 + x, Y0 + y)


def _trips(route: str, stops: list[str], headway_min: int, run_min: int) -> tuple[list, list]:
    """Trips both ways every ``headway_min`` from 05:00 to 24:00, ``run_min`` between stops."""
    trips, times = [], []
    for d, seq in ((0, stops), (1, stops[::-1])):
        for k, t0 in enumerate(range(5 * 3600, 24 * 3600, headway_min * 60)):
            tid = f"{route}-{d}-{k}"
            trips.append(f"{route},WK,{tid}")
            for i, s in enumerate(seq):
                t = t0 + i * run_min * 60
                hms = f"{t // 3600:02d}:{t % 3600 // 60:02d}:00"
                times.append(f"{tid},{hms},{hms},{s},{i + 1}")
    return trips, times


def world_feed(folder: Path) -> Path:
    stops = ["stop_id,stop_name,stop_lat,stop_lon"]
    for sid, name, x, y in STOPS:
        lon, lat = _lonlat(x, y)
        stops.append(f"{sid},{name},{lat:.8f},{lon:.8f}")
    rail = _trips("R", ["VEST", "A", "ENDE"], 15, 4)
    bus = _trips("B1", ["BV", "BA", "C"], 10, 3)
    files = {
        "stops.txt": "\n".join(stops) + "\n",
        "routes.txt": "route_id,route_short_name,route_type\nR,L9,2\nB1,31,3\n",
        "trips.txt": "route_id,service_id,trip_id\n" + "\n".join(rail[0] + bus[0]) + "\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        + "\n".join(rail[1] + bus[1])
        + "\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        "start_date,end_date\nWK,1,1,1,1,1,1,1,20260101,20261231\n",
    }
    path = folder / "world-gtfs.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


@pytest.fixture(scope="module")
def tworld(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made world with a timetable in its catalogue."""
    cat = build_world(tmp_path_factory.mktemp("tworld"))
    world_feed(cat.parent)
    data = yaml.safe_load(cat.read_text())
    data["timetables"] = {"feeds": [{"path": "world-gtfs.zip"}], "date": "2026-03-04"}
    cat.write_text(yaml.safe_dump(data, sort_keys=False))
    return cat


# --------------------------------------------------------------------------- tables (GOAT/ARE)
def test_station_categories_follow_the_are_table() -> None:
    ts = TransitSettings()
    # mean headway = window / (departures / 2); the table row is the first band above it
    cases = [
        ({"rail": 120}, 2, "A"),  # 840 min / 60 = 14 min -> band < 20 -> row 2 -> A: II
        ({"rail": 400}, 1, "A"),  # 4.2 min -> I
        ({"tram": 170}, 2, "B"),  # 9.9 min -> row 1 -> B: II
        ({"bus": 170}, 3, "C"),  # 9.9 min -> C: III
        ({"bus": 28}, 6, "C"),  # 60 min: not < 60 -> band < 120 -> C: VII? no: row 5 -> 7
    ]
    for deps, cat, group in cases[:4]:
        got = oev_category(deps, minutes=840, settings=ts)
        assert (got[0], got[2]) == (cat, group), deps
    assert oev_category({"bus": 28}, minutes=840, settings=ts)[0] == 7
    assert oev_category({"bus": 14}, minutes=840, settings=ts)[0] == 0  # 120 min: no band
    assert oev_category({"rail": 10, "bus": 400}, minutes=840, settings=ts)[2] == "A"
    assert oev_category({"other": 999}, minutes=840, settings=ts)[0] == 0
    assert [oev_class_at(2, d, settings=ts) for d in (300, 301, 500, 750, 1000, 1001)] == [
        "A",
        "B",
        "B",
        "C",
        "D",
        "",
    ]
    assert [oev_class_at(7, d, settings=ts) for d in (300, 301)] == ["F", ""]


def test_presets_and_bad_thresholds() -> None:
    assert TransitSettings.preset("goat").oev_window == ("07:00", "09:00")
    assert TransitSettings.preset("abc-distance").abc_basis == "distance"
    with pytest.raises(ValueError, match="unknown transit preset"):
        TransitSettings.preset("zurich")
    with pytest.raises(ValueError, match="must increase"):
        TransitSettings(oev_headway_bands_min=(10, 5, 20, 40, 60, 120))
    with pytest.raises(ValueError, match="ends before it starts"):
        TransitSettings(knutepunkt_window=("09:00", "07:00"))
    with pytest.raises(ValueError, match="one row per headway band"):
        TransitSettings(oev_headway_bands_min=(5, 10))
    assert hash(TransitSettings()) == hash(TransitSettings())  # dict fields, still hashable


# --------------------------------------------------------------------------- service levels
def test_service_levels_on_the_world(tworld: Path) -> None:
    tt = read_gtfs(tworld.parent / "world-gtfs.zip")
    sv = service_levels(tt, date="2026-03-04").set_index("name")
    # rail through Stasjon A both ways every 15 min: 06-20 = 112 departures -> 15 min -> II
    assert sv.loc["Stasjon A", "oev_category"] == 2
    assert sv.loc["Stasjon A", "oev_headway_min"] == pytest.approx(15.0)
    # bus through Buss A both ways every 10 min: 168 departures -> 10 min -> C row 2 -> IV
    assert sv.loc["Buss A", "oev_category"] == 4
    # Buss C is a terminus: 84 departures -> 20 min -> row 3 -> V
    assert sv.loc["Buss C", "oev_category"] == 5
    # rush: rail 15 min <= 30 and bus 10 min <= 10 within 50 m: both are a knutepunkt
    assert sv.loc["Stasjon A", "knutepunkt"] and sv.loc["Buss A", "knutepunkt"]
    assert sv.loc["Stasjon A", "knutepunkt_modes"] == "bus,rail"
    assert not sv.loc["Buss C", "knutepunkt"] and not sv.loc["Vest", "knutepunkt"]
    assert sv.loc["Stasjon A", "rush_headway_rail_min"] == pytest.approx(15.0)
    assert sv.loc["Buss A", "sdg_frequent_bus"] and sv.loc["Stasjon A", "sdg_frequent_high"]
    # a stricter knutepunkt bus headway fails the bus: no knutepunkt left
    strict = Settings(transit=TransitSettings(knutepunkt_max_headway_min={"bus": 9, "rail": 30}))
    assert not service_levels(tt, date="2026-03-04", settings=strict)["knutepunkt"].any()
    # no cluster distance: the rail station alone has one mode
    alone = Settings(transit=TransitSettings(knutepunkt_cluster_m=10))
    assert not service_levels(tt, date="2026-03-04", settings=alone)["knutepunkt"].any()


def _manhattan_classes(homes: pd.DataFrame, ts: TransitSettings) -> list[str]:
    """Best class of each point (x, y in metres) by Manhattan distance to the world's stops."""
    cats = {"Vest": 3, "Stasjon A": 2, "Ende": 3, "Buss Vest": 5, "Buss A": 4, "Buss C": 5}
    pos = {name: (x, y) for _, name, x, y in STOPS}
    out = []
    for x, y in zip(homes["x"], homes["y"], strict=True):
        best = "Z"
        for name, cat in cats.items():
            d = abs(x - pos[name][0]) + abs(y - pos[name][1])
            cls = oev_class_at(cat, d, settings=ts) or "Z"
            best = min(best, cls)
        out.append("" if best == "Z" else best)
    return out


def _on_streets(step: int = 3) -> gpd.GeoDataFrame:
    """Points on the grid's east-west streets, 37 m past a crossing (no distance ties)."""
    pts = [(37 + 100 * k, 100 * j) for k in range(0, 30, step) for j in range(0, 21, 2)]
    return gpd.GeoDataFrame(
        {"dwellings": 1.0, "x": [p[0] for p in pts], "y": [p[1] for p in pts]},
        geometry=[Point(X0 + x, Y0 + y) for x, y in pts],
        crs=25832,
    )


def test_class_shares_of_homes_and_jobs(tworld: Path) -> None:
    cat = Study.open(tworld)
    sv = cat.service_levels()
    cats = dict(zip(sv["name"], sv["oev_category"], strict=True))
    assert cats == {
        "Vest": 3,
        "Stasjon A": 2,
        "Ende": 3,
        "Buss Vest": 5,
        "Buss A": 4,
        "Buss C": 5,
    }  # termini: half the departures, so 30 and 20 min
    homes = _on_streets()
    jobs = _on_streets(step=7).assign(jobs=lambda d: 10.0 + d["x"] / 100.0)
    want = pd.Series(_manhattan_classes(homes, cat.settings.transit), index=homes.index)
    want_jobs = pd.Series(_manhattan_classes(jobs, cat.settings.transit), index=jobs.index)
    assert want.nunique() >= 5  # the points cover most classes
    net = cat.network
    layers = {"homes": homes[["dwellings", "geometry"]], "workplaces": jobs[["jobs", "geometry"]]}
    r = run_suite(layers, net, settings=cat.settings, service=sv)
    assert (r.per_home["oev_class"] == want).all()
    summary = r.summary.set_index("metric")["value"]
    for letter in ("A", "B", "C", "D", "E", "F"):
        assert summary[f"oev_class_{letter}_dwellings"] == pytest.approx(
            100.0 * (want == letter).mean()
        ), letter
        share_jobs = 100.0 * jobs["jobs"][want_jobs == letter].sum() / jobs["jobs"].sum()
        assert summary[f"oev_class_{letter}_jobs"] == pytest.approx(share_jobs), letter
    assert summary["oev_class_none_dwellings"] == pytest.approx(100.0 * (want == "").mean())
    assert summary["knutepunkter"] == 2
    dy = (homes["y"] - 1000).abs()
    near = np.minimum((homes["x"] - 500).abs(), (homes["x"] - 550).abs()) + dy  # both knutepunkt
    assert np.allclose(r.per_home["dist_knutepunkt_m"][near < 600], near[near < 600])


def test_metrics_cli_reports_the_class_shares(tworld: Path, tmp_path: Path, capsys) -> None:
    assert main(["metrics", str(tworld), "--out", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    summary = {r["metric"]: r["value"] for r in data["summary"]}
    cat = Study.open(tworld)
    r = run_suite(
        cat.layers(),
        cat.network,
        settings=cat.settings,
        service=cat.service_levels(),
    )
    api = r.summary.set_index("metric")["value"]
    keys = [k for k in summary if k.startswith("oev_class_")]
    assert len(keys) == 21  # A-F and none, for dwellings, residents and jobs
    assert all(summary[k] == pytest.approx(api[k]) for k in keys)
    assert sum(summary[f"oev_class_{c}_dwellings"] for c in "ABCDEF") + summary[
        "oev_class_none_dwellings"
    ] == pytest.approx(100.0)
    assert data["timetable"]["date"] == "2026-03-04"  # from the catalogue
    stops = pd.read_csv(tmp_path / "stop_places.csv")
    assert set(stops["name"]) == {n for _, n, _, _ in STOPS}


def test_sdg_with_the_frequency_criterion(tworld: Path) -> None:
    cat = Study.open(tworld)
    net = cat.network
    homes = _on_streets(step=1)
    layers = {"homes": homes[["dwellings", "geometry"]]}
    loose = run_suite(layers, net, settings=cat.settings, service=cat.service_levels())
    # a 12-minute criterion: the trains (15 min) fail, the buses (10 min) pass
    strict_settings = Settings(transit=TransitSettings(sdg_max_headway_min=12, date="2026-03-04"))
    strict = run_suite(
        layers,
        net,
        settings=strict_settings,
        service=service_levels(cat.timetable(), settings=strict_settings),
        cache=loose.cache,
    )
    x, y = homes["x"], homes["y"]
    dist = {n: (x - sx).abs() + (y - sy).abs() for _, n, sx, sy in STOPS}
    bus = np.min([d for n, d in dist.items() if n.startswith("Buss")], axis=0)
    rail = np.min([d for n, d in dist.items() if not n.startswith("Buss")], axis=0)
    value = lambda r, m: float(r.summary.set_index("metric").loc[m, "value"])  # noqa: E731
    assert value(loose, "sdg_11_2_1_frequent_dwellings") == pytest.approx(
        100.0 * ((bus <= 500) | (rail <= 1000)).mean()
    )
    assert value(strict, "sdg_11_2_1_frequent_dwellings") == pytest.approx(
        100.0 * (bus <= 500).mean()
    )
    assert value(strict, "sdg_11_2_1_frequent_dwellings") < value(
        loose, "sdg_11_2_1_frequent_dwellings"
    )


def test_class_areas_follow_the_walk_network(tworld: Path) -> None:
    cat = Study.open(tworld)
    net = cat.network
    areas = oev_class_areas(cat.service_levels(), net).set_index("oev_class")
    assert list(areas.index) == ["A", "B", "C", "D", "E", "F"]
    from shapely.geometry import Point

    near_a = Point(X0 + 500, Y0 + 1200)  # 200 m walk from Stasjon A (category II): A
    assert areas.geometry["A"].contains(near_a)
    assert areas.geometry["B"].contains(Point(X0 + 500, Y0 + 1400))  # 400 m: B
    # the classes do not overlap
    geoms = list(areas.geometry)
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            assert geoms[i].intersection(geoms[j]).area < 1.0


# --------------------------------------------------------------------------- scenarios
def test_set_headway_changes_the_departures_in_its_hours_only(tworld: Path) -> None:
    tt = read_gtfs(tworld.parent / "world-gtfs.zip")
    faster = set_headway(tt, route="31", headway_min=5, hours=("07:00", "09:00"))

    def busa(t, a, b):
        table = count_departures(t, date="2026-03-04", start=a, end=b).table
        return int(table.set_index("name").loc["Buss A", "departures"])

    assert busa(tt, "07:00", "09:00") == 24  # both ways every 10 min
    assert busa(faster, "07:00", "09:00") == 48  # both ways every 5 min
    assert busa(faster, "10:00", "12:00") == busa(tt, "10:00", "12:00") == 24
    with pytest.raises(ScenarioError, match="not in the timetable"):
        set_headway(tt, route="999", headway_min=5)


def test_scenario_lines_and_frequency_move_the_classes(tworld: Path) -> None:
    folder = tworld.parent
    site = {
        "id": "ved-metro",
        "use": "kontor",
        "bra_m2": 10000,
        "geometry": f"POLYGON (({X0 + 2450} {Y0 + 1050}, {X0 + 2550} {Y0 + 1050}, "
        f"{X0 + 2550} {Y0 + 1150}, {X0 + 2450} {Y0 + 1150}, {X0 + 2450} {Y0 + 1050}))",
    }
    base = write_scenario(folder, "tomt", {"sites": [site]})
    metro = write_scenario(
        folder,
        "metro",
        {
            "sites": [site],
            "transit": {
                "lines": [
                    {
                        "id": "M1",
                        "name": "Metro",
                        "mode": "metro",
                        "stops": ["Metro B", "Buss C"],
                        "headway_min": 5,
                    }
                ],
                "frequency": [{"route": "L9", "headway_min": 7.5, "hours": ["06:00", "20:00"]}],
            },
        },
    )
    assert validate_files([base, metro]) == {str(base): [], str(metro): []}
    ev = Evaluator(Study.open(tworld))
    before = ev.evaluate(load_scenario(base))
    after = ev.evaluate(load_scenario(metro))
    b, a = before.sites.iloc[0], after.sites.iloc[0]
    # no open station near the site before: C, outside every class
    assert b["abc_class"] == "C" and b["abc_basis"] == "frequency" and b["oev_class"] == ""
    # the metro stops 100 m away every 5 min: frequent high-capacity transit, but one mode
    # only, so not a knutepunkt: B by frequency, A by distance alone
    assert a["abc_class"] == "B" and a["abc_class_distance"] == "A"
    assert a["oev_class"] == "A"  # 5-min metro: category I, 100 m walk
    m = after.metrics_before_after
    assert m.loc["oev_class_A_dwellings", "after"] > m.loc["oev_class_A_dwellings", "before"]
    # L9 every 7.5 min: Stasjon A goes from category II to I
    applied = apply_scenario(
        load_scenario(metro), ev.layers, settings=ev.settings, timetable=ev.timetable
    )
    assert applied.layers["transit"].set_index("name").loc["Metro B", "status"] == "existing"
    sv = ev.service_after(applied).set_index("name")
    assert sv.loc["Stasjon A", "oev_category"] == 1
    # Metro B is the line's end: 168 departures one way -> 10 min -> band < 20 -> II; Buss C
    # gains the metro: 168 + 84 departures -> 6.7 min, group A -> I
    assert sv.loc["Metro B", "oev_category"] == 2
    assert sv.loc["Buss C", "oev_category"] == 1 and sv.loc["Buss C", "modes"] == "metro,bus"
    assert ev.timetable is not applied.timetable  # the baseline timetable is untouched
    assert "scenario:M1" not in set(ev.timetable.trips["route_id"])


def test_scenario_transit_errors(tworld: Path, tmp_path: Path) -> None:
    folder = tworld.parent
    bad_key = write_scenario(
        folder,
        "badkey",
        {
            "transit": {
                "lines": [
                    {
                        "id": "x",
                        "mode": "metro",
                        "stops": ["Metro B", "Buss C"],
                        "headway_min": 5,
                        "headwy": 3,
                    }
                ]
            }
        },
    )
    problems = validate_files([bad_key])[str(bad_key)]
    assert problems and "transit.lines[0].headwy: unknown key 'headwy'" in problems[0]
    unknown_stop = write_scenario(
        folder,
        "badstop",
        {
            "transit": {
                "lines": [
                    {"id": "x", "mode": "metro", "stops": ["Metro Q", "Buss C"], "headway_min": 5}
                ]
            }
        },
    )
    assert "unknown transit name 'Metro Q'" in validate_files([unknown_stop])[str(unknown_stop)][0]
    route = write_scenario(
        folder, "badroute", {"transit": {"frequency": [{"route": "77", "headway_min": 5}]}}
    )
    assert "route '77' is not in the timetable" in validate_files([route])[str(route)][0]
    # a study area without a timetable cannot take lines
    plain = build_world(tmp_path / "plain")
    no_tt = write_scenario(
        plain.parent,
        "notimetable",
        {"transit": {"frequency": [{"route": "L9", "headway_min": 5}]}},
    )
    assert "has no timetable" in validate_files([no_tt])[str(no_tt)][0]


# --------------------------------------------------------------------------- demo
@pytest.mark.slow
def test_demo_feed_is_synthetic_and_plausible(demo_catalogue: Path, capsys) -> None:
    cat = load_catalogue(demo_catalogue)
    (feed,) = cat.timetable_paths()
    with zipfile.ZipFile(feed) as z:
        assert "SYNTHETIC" in z.read("feed_info.txt").decode()
        assert "Syntetisk" in z.read("agency.txt").decode()
    assert "SYNTHETIC" in demo_catalogue.read_text()
    assert (
        main(["transit", "departures", str(feed), "--from", "07:00", "--to", "09:00", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in data["rows"]}
    assert "representative weekday" in data["date_note"]
    # plausible headways: trains every few minutes at Sandvika and Lysaker, metro 7.5 min in
    # the rush, local buses between 10 and 60 minutes
    assert rows["Sandvika"]["shortest_mean_headway_min"]["rail"] < 10
    assert rows["Bekkestua"]["shortest_mean_headway_min"]["metro"] == pytest.approx(7.5)
    local = [
        r["shortest_mean_headway_min"].get("bus", 0)
        for n, r in rows.items()
        if n.split()[-1].isdigit()
    ]
    assert local and min(local) >= 10 and max(local) <= 60
    # the transit layer's departures_per_hour comes from the feed (weekday 07-09)
    transit = cat.layer("transit").set_index("name")
    assert transit.loc["Sandvika", "departures_per_hour"] == pytest.approx(
        rows["Sandvika"]["departures_per_hour"]
    )


@pytest.mark.slow
def test_metrics_on_the_demo_report_class_shares(demo_catalogue: Path, tmp_path, capsys) -> None:
    assert main(["metrics", str(demo_catalogue), "--out", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    summary = {r["metric"]: r["value"] for r in data["summary"]}
    shares = [summary[f"oev_class_{c}_dwellings"] for c in ("A", "B", "C", "D", "E", "F", "none")]
    assert sum(shares) == pytest.approx(100.0)
    assert summary["oev_class_A_dwellings"] > 0 and summary["knutepunkter"] >= 4
    assert 0 < summary["sdg_11_2_1_frequent_population"] < summary["sdg_11_2_1_population"]
    assert data["timetable"]["date"] == "2026-01-02"
    assert (tmp_path / "stop_places.csv").is_file()


def test_closing_a_station_removes_its_departures(tworld: Path) -> None:
    folder = tworld.parent
    closed = write_scenario(folder, "stengt", {"transit": {"close": ["Stasjon A"]}})
    assert validate_files([closed]) == {str(closed): []}
    ev = Evaluator(Study.open(tworld))
    m = ev.evaluate(load_scenario(closed)).metrics_before_after
    # Stasjon A (no nsr_id) matches the timetable's stop place by name and position
    assert m.loc["knutepunkter", "before"] == 2 and m.loc["knutepunkter", "after"] == 0
    assert m.loc["stop_places_served", "diff"] == -1


def test_study_map_shows_the_classes(tworld: Path, tmp_path: Path) -> None:
    from arealanalyse.maps import save_map
    from arealanalyse.report.maps import study_map
    from arealanalyse.transit.catchments import node_walk_areas, oev_class_areas

    cat = Study.open(tworld)
    net = cat.network
    layers = cat.layers()
    service = cat.service_levels()
    m = study_map(
        layers,
        title="t",
        walk_areas=node_walk_areas(layers["transit"], net, settings=cat.settings),
        service=service,
        classes=oev_class_areas(service, net, settings=cat.settings),
    )
    assert {"Kollektivklasser (ÖV-Güteklassen)", "Holdeplasser etter frekvens"} <= set(
        m.arealanalyse_layers
    )
    text = save_map(m, tmp_path / "kart.html").read_text(encoding="utf-8")
    assert "A – svært god kollektivdekning" in text and "Kategori II" in text
    assert "Knutepunkt" in text


@pytest.mark.parametrize("bad", ["2026-13-01", "1. mars", "2026-02-30"])
def test_a_service_date_that_is_not_a_date_is_refused_in_settings_and_catalogue(bad: str) -> None:
    from pydantic import ValidationError

    from arealanalyse.layers.catalogue import TimetablesSpec

    with pytest.raises(ValidationError, match="is not a date; write YYYY-MM-DD"):
        TransitSettings(date=bad)
    with pytest.raises(ValidationError, match="is not a date; write YYYY-MM-DD"):
        TimetablesSpec(feeds=[{"path": "feed.zip"}], date=bad)
    assert TransitSettings(date="2026-03-02").date == "2026-03-02"

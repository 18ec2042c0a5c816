"""Layers that must meet: a misplaced layer is a one-line error with its likely cause, not 0 %."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from arealanalyse.errors import CrsError
from arealanalyse.layers.readers import read_layer
from arealanalyse.metrics import run_suite, share_within
from arealanalyse.network import WalkNetwork

X0, Y0 = 590_000.0, 6_643_000.0  # near Sandvika, EPSG:25832


def _homes(x0: float = X0, y0: float = Y0) -> gpd.GeoDataFrame:
    pts = [Point(x0 + 100 * i, y0 + 10) for i in range(5)]
    return gpd.GeoDataFrame({"dwellings": [1.0] * 5}, geometry=pts, crs=25832)


def _stops_csv(path: Path, *, swapped: bool) -> Path:
    # Sandvika stasjon (59.8929 N, 10.5257 E) and Blommenholm (59.8973 N, 10.5551 E)
    rows = [("NSR:StopPlace:610", "Sandvika", 59.8929, 10.5257), ("NSR:StopPlace:493",
            "Blommenholm", 59.8973, 10.5551)]  # fmt: skip
    lines = ["stop_id,stop_name,stop_lat,stop_lon,vehicle_type"]
    for sid, name, lat, lon in rows:
        a, b = (lon, lat) if swapped else (lat, lon)
        lines.append(f"{sid},{name},{a},{b},100")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_stops_with_latitude_and_longitude_swapped(tmp_path: Path) -> None:
    homes = _homes(585_200.0, 6_640_400.0)  # around Sandvika stasjon, 0-600 m east of it
    good = read_layer(_stops_csv(tmp_path / "ok.txt", swapped=False), "transit")
    share = share_within(homes, good, distances_m=[1000])
    assert share["share"].iloc[0] == 1.0
    bad = read_layer(_stops_csv(tmp_path / "stops.txt", swapped=True), "transit")
    with pytest.raises(CrsError, match=r"swapped") as exc:
        share_within(homes, bad, distances_m=[500, 1000])
    assert "\n" not in str(exc.value) and "'targets'" in str(exc.value)


def test_plausible_wrong_crs_on_homes_stops_the_metric_suite(tmp_path: Path) -> None:
    # UTM zone 32 numbers in a file that says EPSG:25833: valid-looking, but ~300 km east
    wrong = _homes().set_crs(25833, allow_override=True)
    gpkg = tmp_path / "homes.gpkg"
    wrong.to_file(gpkg, engine="pyogrio")
    homes = read_layer(gpkg, "homes")
    net = WalkNetwork.from_edges(
        gpd.GeoDataFrame(geometry=[LineString([(X0, Y0), (X0 + 1000, Y0)])], crs=25832)
    )
    with pytest.raises(CrsError) as exc:
        run_suite({"homes": homes}, net)
    msg = str(exc.value)
    assert "\n" not in msg and "'homes'" in msg
    assert "EPSG:25832" in msg and "not the declared EPSG:25833" in msg


def test_swapped_easting_and_northing_are_named_on_load(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"dwellings": [1.0]}, geometry=[Point(Y0, X0)], crs=25832)
    p = tmp_path / "homes.gpkg"
    gdf.to_file(p, engine="pyogrio")
    with pytest.raises(CrsError, match=r"swapped"):
        read_layer(p, "homes")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arealanalyse", *args], capture_output=True, text=True, check=False
    )


def test_cli_wrong_crs_and_swapped_axes_on_real_files(real_data: Path, tmp_path: Path) -> None:
    grid = read_layer(
        real_data / "geoforum-ssb-grid" / "ssb_pop_250m_2015_baerum_asker.gpkg", "homes"
    )
    # the real cells in UTM 32 numbers, labelled EPSG:25833
    mislabelled = tmp_path / "cells_labelled_25833.gpkg"
    grid.set_crs(25833, allow_override=True).to_file(mislabelled, engine="pyogrio")
    kommuner = real_data / "robhop-kommuner" / "kommuner_baerum_asker_oslo_M.geojson"
    stops = real_data / "vy-gtfs-stops-2019" / "stops_vy_2019_full_norway.txt"
    common = ["--within-boundary", str(kommuner), "--kommune", "3201", "--euclidean"]
    res = _cli("metrics", "share-within", "--homes", str(mislabelled), "--targets", str(stops),
               "--targets-kind", "transit", "--filter", "vehicle_type == 100", *common)  # fmt: skip
    assert res.returncode == 2
    err = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(err) == 1 and "'homes'" in err[0] and "EPSG:25832" in err[0], res.stderr
    # stops with latitude and longitude swapped
    swapped = _stops_csv(tmp_path / "stops.txt", swapped=True)
    res = _cli("metrics", "share-within", "--homes",
               str(real_data / "geoforum-ssb-grid" / "ru250m_2015_baerum_asker_raw.csv"),
               "--targets", str(swapped), "--targets-kind", "transit", *common)  # fmt: skip
    assert res.returncode == 2
    err = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(err) == 1 and "swapped" in err[0], res.stderr

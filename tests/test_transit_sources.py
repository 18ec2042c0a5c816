"""Transit stop places from Entur's NeTEx stop register and from GTFS feeds."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from arealanalyse.errors import EmptyLayerError
from arealanalyse.layers.gtfs import read_gtfs_stops
from arealanalyse.layers.netex import read_netex_quays, read_netex_stop_places
from arealanalyse.layers.readers import detect_format, read_layer
from arealanalyse.layers.validate import load_report

NSR_HEAD = '<PublicationDelivery xmlns="http://www.netex.org.uk/netex"><dataObjects><SiteFrame>'
NSR_TAIL = "</SiteFrame></dataObjects></PublicationDelivery>"


def _loc(lon: float, lat: float) -> str:
    return (
        f"<Centroid><Location><Longitude>{lon}</Longitude><Latitude>{lat}</Latitude>"
        "</Location></Centroid>"
    )


# ------------------------------------------------------------------------------------ NeTEx
def test_real_nsr_excerpt(real_data: Path) -> None:
    path = real_data / "entur-nsr-2025" / "stopPlaces.xml"
    text = path.read_text()
    # independent count: stop places that carry a StopPlaceType
    typed = re.findall(
        r'<StopPlace [^>]*?id="([^"]+)">(?:(?!</StopPlace>).)*?<StopPlaceType>', text, re.S
    )
    assert detect_format(path) == "netex"
    sp = read_netex_stop_places(path)
    assert sorted(sp["nsr_id"]) == sorted(typed)
    assert sp.set_index("nsr_id").loc[
        "NSR:StopPlace:305", ["name", "mode", "parent_id"]
    ].tolist() == [
        "Nyland stasjon",
        "rail",
        "NSR:StopPlace:59650",
    ]
    assert sorted(sp["mode"]) == ["bus", "bus", "bus", "rail"]
    # Nydalen stasjon and Alta lufthavn have no mode and no children in the excerpt
    assert sp.attrs["source_info"]["dropped_without_mode"] == 2
    transit = read_layer(path, "transit")
    assert len(transit) == 4 and transit.crs.to_epsg() == 25832
    quays = read_netex_quays(path)
    assert len(quays) == text.count("<Quay ")


def test_zipped_nsr_reads_like_the_xml(real_data: Path, tmp_path: Path) -> None:
    path = real_data / "entur-nsr-2025" / "stopPlaces.xml"
    z = tmp_path / "03_Oslo_latest.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(path, "tiamat/stopPlaces.xml")
    assert detect_format(z) == "netex"
    a, b = read_layer(path, "transit"), read_layer(z, "transit")
    assert a["nsr_id"].tolist() == b["nsr_id"].tolist()


def test_children_take_the_parents_name_and_quays_give_a_position(tmp_path: Path) -> None:
    xml = (
        NSR_HEAD + "<stopPlaces>"
        f'<StopPlace id="NSR:StopPlace:100"><Name>Lysaker stasjon</Name>{_loc(10.636, 59.913)}'
        "</StopPlace>"
        '<StopPlace id="NSR:StopPlace:101"><ParentSiteRef ref="NSR:StopPlace:100"/>'
        "<TransportMode>rail</TransportMode><StopPlaceType>railStation</StopPlaceType>"
        f'<quays><Quay id="NSR:Quay:1">{_loc(10.630, 59.910)}</Quay>'
        f'<Quay id="NSR:Quay:2">{_loc(10.640, 59.920)}</Quay></quays></StopPlace>'
        '<StopPlace id="NSR:StopPlace:102"><ParentSiteRef ref="NSR:StopPlace:100"/>'
        "<Name>Lysaker bussterminal</Name><TransportMode>bus</TransportMode>"
        f"<StopPlaceType>busStation</StopPlaceType>{_loc(10.637, 59.914)}</StopPlace>"
        f'<StopPlace id="NSR:StopPlace:9"><Name>Fornebu lufthavn</Name>{_loc(10.6, 59.9)}'
        "<StopPlaceType>airport</StopPlaceType></StopPlace>"
        "</stopPlaces>" + NSR_TAIL
    )
    p = tmp_path / "nsr.xml"
    p.write_text(xml)
    sp = read_netex_stop_places(p).set_index("nsr_id")
    assert sp.loc["NSR:StopPlace:101", "name"] == "Lysaker stasjon"
    assert sp.loc["NSR:StopPlace:102", "name"] == "Lysaker bussterminal"
    assert sp.loc["NSR:StopPlace:101", "geometry"].coords[0] == pytest.approx((10.635, 59.915))
    assert "NSR:StopPlace:100" not in sp.index  # the parent is its children
    info = read_netex_stop_places(p).attrs["source_info"]
    assert (info["named_from_parent"], info["dropped_without_mode"]) == (1, 1)


def test_timetable_netex_without_coordinates_is_a_one_line_error(real_data: Path) -> None:
    path = real_data / "entur-timetables" / "ruter_line210_baerum_netex_2017.zip"
    with pytest.raises(EmptyLayerError, match="stop register") as exc:
        read_layer(path, "transit")
    assert "\n" not in str(exc.value)


# ------------------------------------------------------------------------------------- GTFS
def _raw(zip_path: Path, member: str) -> pd.DataFrame:
    with zipfile.ZipFile(zip_path) as zf:
        return pd.read_csv(io.BytesIO(zf.read(member)), dtype=str)


def test_real_flybussekspressen_gtfs(real_data: Path) -> None:
    feed = real_data / "entur-timetables" / "flybussekspressen_gtfs_2016.zip"
    stops, routes = _raw(feed, "stops.txt"), _raw(feed, "routes.txt")
    assert set(routes["route_type"]) == {"200"}  # coaches: canonical "bus"
    t = read_layer(feed, "transit")
    assert len(t) == len(stops) == 204
    assert set(t["mode"]) == {"bus"}
    assert load_report(t)["source_info"]["mode_from"] == "routes serving the stop"


def test_real_flytoget_keeps_stations_apart(real_data: Path) -> None:
    feed = real_data / "entur-timetables" / "flytoget_gtfs_2016.zip"
    t = read_layer(feed, "transit")
    # Oslo S names Lillestrøm as parent_station, but Lillestrøm is no station (location_type 1):
    # the reference breaks the GTFS rules and is ignored instead of merging two stations.
    assert len(t) == 10 and set(t["mode"]) == {"rail"}
    assert load_report(t)["source_info"]["parent_station_ignored"] == 1
    assert "Stabekk" in set(t["name"]) and "Oslo S" in set(t["name"])


def test_gtfs_station_gets_the_modes_of_its_platforms(tmp_path: Path) -> None:
    files = {
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
        "ST,Sandvika,59.891,10.524,1,\nP1,Sandvika spor 1,59.891,10.524,0,ST\n"
        "B1,Sandvika bussterminal,59.890,10.525,0,ST\nX,Ubetjent,59.8,10.5,,\n",
        "routes.txt": "route_id,route_type\nR,2\nB,3\n",
        "trips.txt": "route_id,service_id,trip_id\nR,s,t1\nB,s,t2\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "t1,08:00:00,08:00:00,P1,1\nt2,08:05:00,08:05:00,B1,1\n",
    }
    z = tmp_path / "feed.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    g = read_gtfs_stops(z)
    assert g[["stop_id", "mode", "modes"]].values.tolist() == [["ST", "rail", "rail,bus"]]
    assert g.attrs["source_info"]["dropped_without_mode"] == 1  # X has no service

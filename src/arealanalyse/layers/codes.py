"""Code lists of the canonical layers.

Sources:

* SOSI arealformål: the code lists ``KpArealformål`` (kommuneplanens arealdel, PBL § 11-7) and
  ``RpArealformål`` (reguleringsplan, PBL § 12-5) of the SOSI Plan standard (4.5/5.0), Kartverket.
  Only the commonly used codes are listed; each maps to a coarse *category* used by metrics
  and rules.
* AR5 arealtype: NIBIO, "AR5 klassifikasjonssystem" (NIBIO-bok 5/2019), attribute ``arealtype``.
* Hazard zone types: NVE's flom- and skredfaresoner (TEK17 § 7-2, § 7-3) and DSB's stormflo.
* Service categories and transit modes: this project's own vocabulary, documented in ``docs/``.

The names of the code lists that reports and maps show (all but the SOSI arealformål and the
barrier types) live with their English in the message table of :mod:`arealanalyse.i18n`; the
Norwegian tables here are read from it, so a code and its names are defined once.
"""

from __future__ import annotations

from typing import Final, Literal

from arealanalyse.i18n import msgs

__all__ = [
    "AR5_ARTYPE",
    "AR5_BUILT",
    "AR5_FARMLAND",
    "AREALFORMAL",
    "AREALFORMAL_CATEGORIES",
    "AREA_TYPES",
    "BARRIER_TYPES",
    "DAILY_SERVICES",
    "GREEN_TYPES",
    "HAZARD_TYPES",
    "HIGH_CAPACITY",
    "MODE_PRIORITY",
    "NODE_MODES",
    "OEV_CLASSES",
    "RAIL_METRO",
    "SERVICE_CATEGORIES",
    "TRANSIT_MODES",
    "TransitMode",
    "arealformal_category",
]

#: SOSI arealformål code -> (Norwegian name, category).
AREALFORMAL: Final[dict[int, tuple[str, str]]] = {
    # Bebyggelse og anlegg
    1001: ("Bebyggelse og anlegg", "bebyggelse"),
    1110: ("Boligbebyggelse", "bolig"),
    1111: ("Boligbebyggelse - frittliggende småhusbebyggelse", "bolig"),
    1112: ("Boligbebyggelse - konsentrert småhusbebyggelse", "bolig"),
    1113: ("Boligbebyggelse - blokkbebyggelse", "bolig"),
    1120: ("Fritidsbebyggelse", "fritid"),
    1130: ("Sentrumsformål", "sentrum"),
    1140: ("Kjøpesenter", "handel"),
    1150: ("Forretninger", "handel"),
    1160: ("Offentlig eller privat tjenesteyting", "offentlig"),
    1170: ("Fritids- og turistformål", "fritid"),
    1180: ("Råstoffutvinning", "naering"),
    1300: ("Næringsvirksomhet", "naering"),
    1310: ("Kontor", "naering"),
    1320: ("Hotell/overnatting", "naering"),
    1330: ("Bevertning", "naering"),
    1340: ("Industri", "naering"),
    1350: ("Lager", "naering"),
    1400: ("Idrettsanlegg", "idrett"),
    1500: ("Andre typer bebyggelse og anlegg", "bebyggelse"),
    1600: ("Uteoppholdsareal", "gronn"),
    1700: ("Grav- og urnelund", "gronn"),
    1800: ("Kombinert bebyggelse og anleggsformål", "kombinert"),
    1801: ("Bolig/forretning", "kombinert"),
    1802: ("Bolig/tjenesteyting", "kombinert"),
    1803: ("Bolig/forretning/kontor", "kombinert"),
    1900: (
        "Angitt bebyggelse og anleggsformål kombinert med andre angitte hovedformål",
        "kombinert",
    ),
    # Samferdselsanlegg og teknisk infrastruktur
    2001: ("Samferdselsanlegg og teknisk infrastruktur", "samferdsel"),
    2010: ("Veg", "samferdsel"),
    2011: ("Kjøreveg", "samferdsel"),
    2015: ("Gang-/sykkelveg", "samferdsel"),
    2020: ("Bane (nærmere angitt)", "samferdsel"),
    2021: ("Trasé for jernbane", "samferdsel"),
    2022: ("Trasé for sporveg/T-bane", "samferdsel"),
    2025: ("Stasjon/holdeplass", "samferdsel"),
    2030: ("Lufthavn", "samferdsel"),
    2040: ("Havn", "samferdsel"),
    2050: ("Hovednett for sykkel", "samferdsel"),
    2060: ("Kollektivnett", "samferdsel"),
    2070: ("Kollektivknutepunkt", "samferdsel"),
    2080: ("Parkeringsplasser", "samferdsel"),
    2800: ("Kombinerte formål for samferdselsanlegg og teknisk infrastruktur", "samferdsel"),
    # Grønnstruktur
    3001: ("Grønnstruktur", "gronn"),
    3020: ("Naturområde", "gronn"),
    3030: ("Turdrag", "gronn"),
    3031: ("Turveg", "gronn"),
    3040: ("Friområde", "gronn"),
    3050: ("Park", "gronn"),
    3060: ("Kombinerte grønnstrukturformål", "gronn"),
    # Forsvaret
    4001: ("Forsvaret", "annet"),
    # LNFR
    5001: ("Landbruks-, natur- og friluftsformål samt reindrift", "lnfr"),
    5100: ("LNFR-areal for nødvendige tiltak for landbruk og reindrift", "lnfr"),
    5110: ("Landbruksformål", "lnfr"),
    5120: ("Naturformål", "lnfr"),
    5130: ("Friluftsformål", "lnfr"),
    5200: ("LNFR-areal for spredt bolig-, fritids- eller næringsbebyggelse", "lnfr"),
    # Bruk og vern av sjø og vassdrag
    6001: ("Bruk og vern av sjø og vassdrag med tilhørende strandsone", "sjo"),
    6100: ("Ferdsel", "sjo"),
    6600: ("Naturområde i sjø og vassdrag", "sjo"),
    6700: ("Friluftsområde i sjø og vassdrag", "sjo"),
    6800: ("Kombinerte formål i sjø og vassdrag", "sjo"),
}

#: Categories a code can map to, with Norwegian labels used in reports and map legends.
AREALFORMAL_CATEGORIES: Final[dict[str, str]] = msgs("zoning", "nb")

#: AR5 arealtype code -> Norwegian name (all classes, so a full AR5 extract validates).
AR5_ARTYPE: Final[dict[int, str]] = {int(k): v for k, v in msgs("ar5", "nb").items()}

#: The AR5 classes that are farmland (jordbruksareal) and form the ``farmland`` layer.
AR5_FARMLAND: Final[tuple[int, ...]] = (21, 22, 23)

#: The AR5 classes of built land: bebygd (11) and samferdsel (12).
AR5_BUILT: Final[tuple[int, ...]] = (11, 12)

#: Hazard zone types (``hazard_zones.hazard_type``) with Norwegian labels.
HAZARD_TYPES: Final[dict[str, str]] = msgs("hazard", "nb")

#: Service categories (``services.category``) with Norwegian labels.
SERVICE_CATEGORIES: Final[dict[str, str]] = msgs("service", "nb")

#: The categories that together make up "daily services" (daglige tjenester).
DAILY_SERVICES: Final[tuple[str, ...]] = ("grocery", "school", "kindergarten", "health")

#: A transit mode (``transit.mode``): every source's modes (GTFS route types, NeTEx transport
#: modes, OSM tags, scenario lines) map to one of these.
TransitMode = Literal["rail", "metro", "tram", "bus", "ferry"]

#: Transit modes (``transit.mode``) with their Norwegian labels.
TRANSIT_MODES: Final[dict[str, str]] = msgs("transit_mode", "nb")

# Named groups of modes: code asks for a group by name and never spells out a set of modes.

#: High-capacity transit, the rail-bound modes (bane: train, metro, tram): SDG 11.2.1's 1,000 m
#: walk, the ABC classes' B nodes, and the ``rail`` of output names (``dist_rail_m``,
#: ``within_1000m_rail``).
HIGH_CAPACITY: Final[tuple[str, ...]] = ("rail", "metro", "tram")

#: Train and metro (jernbane og T-bane): the stations of "jobs and floor space near rail/metro",
#: the ``rail_metro`` of output names (``jobs_within_1000m_rail_metro``).
RAIL_METRO: Final[tuple[str, ...]] = ("rail", "metro")

#: Every mode from highest to lowest capacity: a stop place served by several gets the first.
MODE_PRIORITY: Final[tuple[str, ...]] = ("rail", "metro", "tram", "ferry", "bus")

#: Modes whose stops are transit nodes (knutepunkter) on the maps, with walk areas; bus stops
#: are drawn small and get walk areas only where a study area has no node.
NODE_MODES: Final[tuple[str, ...]] = ("rail", "metro", "tram", "ferry")

#: ÖV-Güteklassen (public-transport quality classes, Swiss ARE / GOAT) with Norwegian labels.
OEV_CLASSES: Final[dict[str, str]] = msgs("oev_class", "nb")

#: Named strategic areas (``areas.area_type``) that scenarios and rules refer to by name.
AREA_TYPES: Final[dict[str, str]] = msgs("area_type", "nb")

#: Green area types (``green.green_type``).
GREEN_TYPES: Final[dict[str, str]] = msgs("green_type", "nb")


#: Barrier types (``barriers.barrier_type``): lines a pedestrian cannot cross on the level.
BARRIER_TYPES: Final[dict[str, str]] = {
    "motorway": "Motorvei",
    "trunk": "Stamvei/hovedvei (trunk)",
    "railway": "Jernbane/T-bane",
    "other": "Annen barriere",
}


def arealformal_category(code: int) -> str:
    """Return the coarse category of a SOSI arealformål code.

    Examples
    --------
    >>> arealformal_category(1300)
    'naering'
    >>> arealformal_category(3040)
    'gronn'
    """
    return AREALFORMAL[int(code)][1]

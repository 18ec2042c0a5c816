"""Messages: small words, units, verdicts, classes and the labels of the code lists.

The code lists' Norwegian names (AR5, area types, hazard types, transit modes, green types,
service categories, ÖV-Güteklassen, arealformål categories) are defined here once with their
English; :mod:`arealanalyse.layers.codes` reads its Norwegian tables from this one.
"""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # Small words
    "word.yes": ("ja", "yes"),
    "word.no": ("nei", "no"),
    "word.none": ("(ingen)", "(none)"),
    "word.rule": ("Regel", "Rule"),
    "word.total": ("Sum", "Total"),
    "word.name": ("Navn", "Name"),
    "word.map": ("Kart", "Map"),
    "word.review": ("Vurdering", "Review"),
    "word.rules": ("Regler", "Rules"),
    "word.sources": ("Datakilder", "Data sources"),
    "word.synthetic_data": (
        "SYNTETISKE DATA: beregnet på et oppdiktet demoområde, ikke på virkelige forhold.",
        "SYNTHETIC DATA: computed on an invented demo study area, not on real conditions.",
    ),
    "number.not_reached": ("ikke nådd", "not reached"),
    # Units whose English differs
    "unit.m²/år": ("m²/år", "m²/year"),
    "unit.boliger/år": ("boliger/år", "dwellings/year"),
    "unit.år": ("år", "years"),
    "unit.boliger": ("boliger", "dwellings"),
    # Verdicts of a rule check, and the severities of rules
    "verdict.pass": ("Oppfylt", "Pass"),
    "verdict.warn": ("Varsel", "Warning"),
    "verdict.fail": ("Brudd", "Fail"),
    "verdict.not_applicable": ("Gjelder ikke", "Not applicable"),
    "severity.fail": ("absolutt (brudd)", "strict (fail)"),
    "severity.warn": ("varsel", "warning"),
    # ABC location classes and how they were found
    "abc.A": ("A – nær tog/T-bane", "A – close to rail/metro"),
    "abc.B": ("B – middels tilgjengelig", "B – moderately accessible"),
    "abc.C": ("C – bilbasert", "C – car-oriented"),
    "abc_basis.frequency": ("frekvens (rutetabell)", "frequency (timetable)"),
    "abc_basis.distance": ("avstand til tog/T-bane", "distance to rail/metro"),
    # ÖV-Güteklassen (Swiss ARE, as GOAT uses them)
    "oev_class.A": ("Svært god kollektivdekning", "Very good public transport"),
    "oev_class.B": ("God kollektivdekning", "Good public transport"),
    "oev_class.C": ("Middels kollektivdekning", "Medium public transport"),
    "oev_class.D": ("Svak kollektivdekning", "Poor public transport"),
    "oev_class.E": ("Svært svak kollektivdekning", "Very poor public transport"),
    "oev_class.F": ("Marginal kollektivdekning", "Marginal public transport"),
    # Named strategic areas (areas.area_type)
    "area_type.e18_corridor": ("Næringsområde i E18-korridoren", "E18 corridor business area"),
    "area_type.business_park": (
        "Etablert næringspark (volumhandel)",
        "established business park (volume retail)",
    ),
    "area_type.centre": ("Senter (by-/lokalsenter)", "centre"),
    "area_type.node": ("Knutepunkt (stasjonsområde)", "transit node area"),
    "area_type.other": ("Annet navngitt område", "other named area"),
    # Arealformål categories (zoning.category)
    "zoning.bolig": ("Bolig", "Residential"),
    "zoning.sentrum": ("Sentrum", "Centre"),
    "zoning.handel": ("Forretning/kjøpesenter", "Retail/shopping centre"),
    "zoning.naering": ("Næring", "Business (næring)"),
    "zoning.kombinert": ("Kombinert", "Mixed use"),
    "zoning.offentlig": ("Offentlig/privat tjenesteyting", "Public/private services"),
    "zoning.idrett": ("Idrett", "Sports"),
    "zoning.fritid": ("Fritid", "Leisure"),
    "zoning.bebyggelse": ("Bebyggelse og anlegg", "Built-up (unspecified)"),
    "zoning.samferdsel": ("Samferdsel", "Transport"),
    "zoning.gronn": ("Grønnstruktur", "Green structure"),
    "zoning.lnfr": ("LNFR", "LNFR (agriculture, nature)"),
    "zoning.sjo": ("Sjø og vassdrag", "Sea and waterways"),
    "zoning.annet": ("Annet", "Other"),
    # AR5 arealtype (NIBIO); 0 is land outside the AR5 layer
    "ar5.11": ("Bebygd", "Built-up"),
    "ar5.12": ("Samferdsel", "Transport"),
    "ar5.21": ("Fulldyrka jord", "Fully cultivated land"),
    "ar5.22": ("Overflatedyrka jord", "Surface-cultivated land"),
    "ar5.23": ("Innmarksbeite", "Infield pasture"),
    "ar5.30": ("Skog", "Forest"),
    "ar5.50": ("Åpen fastmark", "Open firm ground"),
    "ar5.60": ("Myr", "Bog (myr)"),
    "ar5.70": ("Snøisbre", "Snow and glacier"),
    "ar5.81": ("Ferskvann", "Fresh water"),
    "ar5.82": ("Hav", "Sea"),
    "ar5.99": ("Ikke kartlagt", "Not mapped"),
    "ar5_outside": ("Ikke i AR5", "Not in AR5"),
    # Hazard zone types (NVE, DSB)
    "hazard.flom": ("Flomfare", "flood"),
    "hazard.skred": ("Skredfare (snø-, stein-, jord- og flomskred)", "landslide or avalanche"),
    "hazard.kvikkleire": ("Kvikkleireskred", "quick-clay slide"),
    "hazard.stormflo": ("Stormflo", "storm surge"),
    "hazard.annet": ("Annen fare", "other hazard"),
    # Transit modes (transit.mode)
    "transit_mode.rail": ("Tog", "Rail"),
    "transit_mode.metro": ("T-bane", "Metro"),
    "transit_mode.tram": ("Trikk", "Tram"),
    "transit_mode.bus": ("Buss", "Bus"),
    "transit_mode.ferry": ("Båt", "Ferry"),
    # Green area types (green.green_type)
    "green_type.park": ("Park", "Park"),
    "green_type.forest": ("Skog/Marka", "Forest (Marka)"),
    "green_type.friluft": ("Friluftsområde", "Outdoor recreation area"),
    "green_type.playground": ("Lekeplass", "Playground"),
    "green_type.sports_field": ("Idrettsplass (åpen)", "Sports field (open)"),
    "green_type.cemetery": ("Gravlund", "Cemetery"),
    "green_type.nature": ("Naturområde", "Nature area"),
    "green_type.other": ("Annet grøntområde", "Other green area"),
    # Service categories (services.category)
    "service.grocery": ("Dagligvare", "Grocery"),
    "service.school": ("Skole", "School"),
    "service.kindergarten": ("Barnehage", "Kindergarten"),
    "service.health": ("Helse (lege, helsestasjon)", "Health care"),
    "service.pharmacy": ("Apotek", "Pharmacy"),
    "service.library": ("Bibliotek", "Library"),
    "service.sports": ("Idrettsanlegg", "Sports facility"),
    "service.culture": ("Kultur", "Culture"),
    "service.elderly_care": ("Sykehjem/omsorg", "Elderly care"),
    "service.post": ("Post", "Post office"),
    "service.restaurant": ("Servering", "Restaurant"),
    "service.retail": ("Annen handel", "Other retail"),
}

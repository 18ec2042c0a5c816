"""Messages the command line prints (tables, progress, summaries) and the weights of shares."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "cli.synthetic": (
        "Syntetiske demodata: tallene er ikke Bærums.",
        "Synthetic demo data: the numbers are not Bærum's.",
    ),
    "cli.wrote": ("skrev", "wrote"),
    # arealanalyse check
    "cli.check.reading": ("Leser og kontrollerer …", "Reading and checking …"),
    "cli.check.writing": ("Skriver rapporten", "Writing the report"),
    "cli.check.counts": ("oppfylt/varsel/brudd/gjelder ikke", "pass/warn/fail/n.a."),
    "cli.check.status_pass": ("Forslaget følger alle regler.", "The proposal follows every rule."),
    "cli.check.status_warn": (
        "Ingen brudd, men varsler å vurdere.",
        "No failures, but warnings to consider.",
    ),
    "cli.check.status_fail": (
        "Forslaget bryter minst én absolutt regel.",
        "The proposal breaks at least one strict rule.",
    ),
    # arealanalyse arealregnskap
    "cli.ar.reading": ("Leser lagene …", "Reading the layers …"),
    "cli.ar.figure": ("Tall", "Figure"),
    "cli.ar.reserve": ("Arealreserve, gjeldende plan", "Reserve, current plan"),
    "cli.ar.capacity": ("Boligkapasitet i reserven", "Dwelling capacity"),
    "cli.ar.need": ("Boligbehov i perioden", "Housing need in the period"),
    "cli.ar.returned": ("Tilbakeført", "Returned"),
    "cli.ar.dyrka": ("  herav dyrka jord", "  of it cultivated land"),
    "cli.ar.kostra": (
        "KOSTRA 32: dyrka jord i utbyggingsformål",
        "KOSTRA 32: cultivated land in development",
    ),
    # arealanalyse demo run
    "cli.demo.study_area": ("Studieområdet: {name}", "Study area: {name}"),
    "cli.demo.layer": ("lag", "layer"),
    "cli.demo.features": ("objekter", "features"),
    "cli.demo.total": ("sum", "total"),
    "cli.demo.rank": ("Rang", "Rank"),
    "cli.demo.strategy": ("Arealstrategi", "Strategy"),
    "cli.demo.failed_rules": ("Brutte regler", "Failed rules"),
    "cli.demo.done": ("Ferdig på {seconds} s. Åpne {index}", "Done in {seconds} s. Open {index}"),
    # arealanalyse scenario run/compare
    "cli.scenario.title": ("Scenarier", "Scenarios"),
    "cli.scenario.scenario": ("scenario", "scenario"),
    "cli.scenario.bra_new": ("nytt BRA", "new BRA"),
    "cli.scenario.bra_lost": ("tapt BRA", "BRA lost"),
    "cli.scenario.jobs": ("arb.pl.", "jobs"),
    "cli.scenario.jobs_rail": ("≤1 km bane", "≤1 km rail"),
    "cli.scenario.dwellings": ("boliger", "dwellings"),
    "cli.scenario.farmland": ("jord daa", "farmland daa"),
    "cli.scenario.green": ("grønt daa", "green daa"),
    # arealanalyse map
    "cli.map.making": ("Lager kartet …", "Making the map …"),
    "cli.map.loading": ("Leser lagene …", "Loading layers …"),
    "cli.map.walk_areas": ("Beregner gangavstander …", "Computing walk areas …"),
    "cli.map.timetable": ("Leser rutetabellen …", "Reading the timetable …"),
    "cli.map.evaluating": ("Beregner scenarioet …", "Evaluating the scenario …"),
    "cli.map.checking": ("Vurderer mot reglene …", "Checking the rules …"),
    "cli.map.drawing": ("Tegner kartet …", "Drawing the map …"),
    "cli.map.writing": ("Skriver HTML …", "Writing HTML …"),
    # arealanalyse metrics share-within
    "cli.share.title": (
        "{label}{where} innen avstand fra {n} {kind} ({how})",
        "{label}{where} within distance of {n} {kind} ({how})",
    ),
    "cli.share.where": (" i {area} ({kommune})", " in {area} ({kommune})"),
    "cli.share.network": ("gangnett", "network"),
    "cli.share.euclidean": ("luftlinje", "euclidean"),
    "cli.share.distance": ("avstand (m)", "distance (m)"),
    "cli.share.features_within": ("objekter innen", "features within"),
    "cli.share.weight_within": ("{noun} innen", "{noun} within"),
    "cli.share.weight_total": ("{noun} i alt", "{noun} total"),
    "cli.share.tail": (
        "vekt: {weight}; {n_homes} boligobjekter, {n_targets} mål",
        "weight: {weight}; {n_homes} home features, {n_targets} targets",
    ),
    # What a share of homes is weighted by (metrics.weights)
    "weight.population": ("bosatte", "residents"),
    "weight.dwellings": ("boliger", "dwellings"),
    "weight.count": ("boligobjekter", "home features"),
    "weight_text.label": ("andel {noun}", "share of {noun}"),
    "weight_text.other": ("andel vektet med {weight}", "share weighted by {weight}"),
}

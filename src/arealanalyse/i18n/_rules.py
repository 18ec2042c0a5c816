"""Messages of rule verdicts: the sentence of each result row and the measures' details."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # The sentence: "<lead>: <measure> er <value> (krav: <op> <threshold>; margin <m>); <detail>."
    "rule.text": (
        "{lead}: {label} er {value} (krav: {op} {threshold}",
        "{lead}: {label} is {value} (limit: {op} {threshold}",
    ),
    "rule.text_margin": ("; margin {margin}", "; margin {margin}"),
    "rule.lead.pass": ("Oppfylt", "Passes"),
    "rule.lead.warn": ("Avvik (varsel)", "Breach (warning)"),
    "rule.lead.fail": ("Brudd", "Fails"),
    "rule.lead.not_applicable": ("Gjelder ikke", "Not applicable"),
    "rule.op.<=": ("høyst", "at most"),
    "rule.op.<": ("under", "below"),
    "rule.op.>=": ("minst", "at least"),
    "rule.op.>": ("over", "above"),
    "rule.op.==": ("lik", "equal to"),
    "rule.op.!=": ("ikke lik", "not equal to"),
    "rule.op.in": ("én av", "one of"),
    "rule.op.not_in": ("ingen av", "none of"),
    # Why a row does not apply
    "rule.reason.missing": ("verdien mangler for denne", "the value is missing for this"),
    "rule.reason.not_selected": (
        "regelen gjelder ikke arealbruken {use!r} eller denne tomten",
        "the rule does not cover use {use!r} or this site",
    ),
    "rule.reason.no_site_value": (
        "ingen verdi for denne tomten (f.eks. ingen boliger eller ingen data)",
        "no value for this site (e.g. no homes, or no data)",
    ),
    # Why a proposal-level measure has no value, by measure
    "rule.no_value.default": (
        "kan ikke beregnes for forslaget",
        "cannot be computed for the proposal",
    ),
    "rule.no_value.annual_business_bra": (
        "planperioden er ukjent (gi planperioden, f.eks. --period 2026-2040)",
        "the plan period is unknown (give it, e.g. --period 2026-2040)",
    ),
    "rule.no_value.annual_dwellings": (
        "planperioden er ukjent (gi planperioden, f.eks. --period 2026-2040)",
        "the plan period is unknown (give it, e.g. --period 2026-2040)",
    ),
    "rule.no_value.share_floorspace_in_centres_nodes": (
        "forslaget har ingen ny BRA",
        "the proposal adds no BRA",
    ),
    "rule.no_value.noise_max_db_rezoned_homes": (
        "forslaget omregulerer ikke areal til bolig",
        "the proposal rezones no land to housing",
    ),
    "rule.no_value.opened_ar5_daa": (
        "ikke noe arealregnskap av en ny plan (arealanalyse arealregnskap --plan)",
        "no arealregnskap of a new plan (arealanalyse arealregnskap --plan)",
    ),
    "rule.no_value.opened_overlay_daa": (
        "temalaget mangler i arealregnskapet, eller det er ingen ny plan",
        "the overlay layer is missing from the arealregnskap, or there is no new plan",
    ),
    "rule.no_value.reserve_capacity_share_of_need": (
        "planperioden er ukjent (gi den, f.eks. --period 2026-2040) eller planen mangler",
        "the plan period is unknown (give it, e.g. --period 2026-2040) or the plan is missing",
    ),
    "rule.no_value.kostra_dyrka_jord_daa": (
        "ikke noe arealregnskap (arealanalyse arealregnskap)",
        "no arealregnskap (arealanalyse arealregnskap)",
    ),
    # Details the measures add to a row's sentence
    "rule.detail.period_unknown": (
        "planperioden er ukjent (sett params.period_years)",
        "the plan period is unknown (set params.period_years)",
    ),
    "rule.detail.per_period": ("{total} {unit} / {years} år", "{total} {unit} / {years} years"),
    "rule.detail.net": (
        " (netto: {new} nytt minus {lost} tapt ved omregulering)",
        " (net: {new} new minus {lost} lost to rezoning)",
    ),
    "rule.detail.share": ("{part} av {total} m² BRA", "{part} of {total} m² BRA"),
    "rule.detail.rezoning": (
        "omreguleringer {ids}; {lost} m² nærings-BRA går tapt",
        "rezonings {ids}; {lost} m² business BRA lost",
    ),
    "rule.detail.noise_rezoned": (
        "mest støyutsatt: omregulering {rezone_id} (av {n} til bolig)",
        "loudest: rezoning {rezone_id} (of {n} rezonings to housing)",
    ),
    "rule.detail.capacity": (
        "plass til {capacity} boliger mot et behov på {need}",
        "room for {capacity} dwellings against a need of {need}",
    ),
}

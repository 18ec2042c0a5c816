"""Messages of the arealregnskap: table columns, report sentences, workbook sheets, map layers."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "ar.title": ("Arealregnskap", "Land accounts (arealregnskap)"),
    # Table columns (the CSV files keep the machine names)
    "ar.col.arealformal": ("Arealformål (kode)", "Arealformål (code)"),
    "ar.col.arealformal_navn": ("Arealformål", "Arealformål (name)"),
    "ar.col.category": ("Kategori", "Category"),
    "ar.col.area_daa": ("Areal (daa)", "Area (daa)"),
    "ar.col.built_daa": ("Bebygd (daa)", "Built (daa)"),
    "ar.col.reserve_daa": ("Ubebygd, arealreserve (daa)", "Unbuilt, reserve (daa)"),
    "ar.col.reserve_existing_daa": ("herav nåværende (daa)", "of which existing (daa)"),
    "ar.col.reserve_planned_daa": ("herav framtidig (daa)", "of which planned (daa)"),
    "ar.col.dwellings_per_daa": ("Boliger per daa", "Dwellings per daa"),
    "ar.col.dwelling_capacity": ("Boligkapasitet", "Dwelling capacity"),
    "ar.col.cabins_per_daa": ("Fritidsboliger per daa", "Holiday homes per daa"),
    "ar.col.cabin_capacity": ("Kapasitet fritidsboliger", "Holiday-home capacity"),
    "ar.col.plan": ("Plan", "Plan"),
    "ar.col.kind": ("Type", "Kind"),
    "ar.col.capacity": ("Kapasitet", "Capacity"),
    "ar.col.need_per_year": ("Behov per år", "Need per year"),
    "ar.col.period_years": ("År i perioden", "Years in the period"),
    "ar.col.need": ("Behov i perioden", "Need over the period"),
    "ar.col.balance": ("Kapasitet minus behov", "Capacity minus need"),
    "ar.col.years_covered": ("Dekker behovet i (år)", "Covers the need for (years)"),
    "ar.col.current_daa": ("Gjeldende plan (daa)", "Current plan (daa)"),
    "ar.col.new_daa": ("Ny plan (daa)", "New plan (daa)"),
    "ar.col.change_daa": ("Endring (daa)", "Change (daa)"),
    "ar.col.change": ("Endring", "Change"),
    "ar.col.plan_id": ("Plan-id", "Plan id"),
    "ar.col.plan_area": ("Område (nr.)", "Area (no.)"),
    "ar.col.name": ("Navn", "Name"),
    "ar.col.utbygging_daa": (
        "Utbyggingsformål i planen (daa)",
        "Development formål in the plan (daa)",
    ),
    "ar.col.dyrka_daa": (
        "Dyrka jord i utbyggingsformål (daa)",
        "Cultivated land in development (daa)",
    ),
    "ar.col.dyrkbar_daa": (
        "Dyrkbar jord i utbyggingsformål (daa)",
        "Cultivable land in development (daa)",
    ),
    # Inner parts of composed column names (reserve_ar5_21_daa, opened_dyrka_daa, ...)
    "ar.inner.dyrka_daa": ("Dyrka jord (daa)", "Cultivated land (daa)"),
    "ar.inner.dyrkbar_daa": ("Dyrkbar jord (daa)", "Cultivable land (daa)"),
    "ar.prefix.reserve_": ("Ubebygd: ", "Unbuilt: "),
    "ar.prefix.opened_": ("Nytt utbyggingsareal: ", "Newly opened: "),
    "ar.prefix.returned_lnfr_": ("Tilbakeført til LNFR: ", "Returned to LNFR: "),
    # Plans and kinds of the capacity table
    "ar.plan.current": ("Gjeldende plan", "Current plan"),
    "ar.plan.new": ("Ny plan", "New plan"),
    "ar.plan.dwellings": ("Boliger", "Dwellings"),
    "ar.plan.cabins": ("Fritidsboliger", "Holiday homes"),
    # Kinds of changed land
    "ar.change.changed": ("Endret arealformål", "Arealformål changed"),
    "ar.change.opened": ("Nytt utbyggingsareal", "Newly opened for building"),
    "ar.change.returned": ("Tilbakeført fra utbyggingsformål", "Returned from development"),
    # Overlay flags
    "ar.flag.strandsone": ("I strandsonen (100 m)", "In the strandsone (100 m)"),
    "ar.flag.hazard_any": ("I faresone (alle)", "In a hazard zone (any)"),
    "ar.flag.nature_types": ("Naturtyper", "Naturtyper (nature types)"),
    "ar.flag.recreation_areas": ("Friluftsområder", "Friluftsområder (recreation)"),
    "ar.flag.cultivable_land": ("Dyrkbar jord", "Cultivable land (dyrkbar jord)"),
    "ar.flag_hazard": ("Faresone: {name}", "Hazard zone: {name}"),
    # Report sections
    "ar.report.summary": ("Sammendrag", "Summary"),
    "ar.report.reserve": (
        "Arealreserve i gjeldende plan (veilederen kap. 4)",
        "Reserve of the current plan (guide ch. 4)",
    ),
    "ar.report.reserve_new": ("Arealreserve i ny plan (kap. 5)", "Reserve of the new plan (ch. 5)"),
    "ar.report.change": ("Endring i arealformål (kap. 5)", "Change of arealformål (ch. 5)"),
    "ar.report.opened": (
        "Hva det nye utbyggingsarealet er i dag (kap. 5)",
        "What the newly opened land is today (ch. 5)",
    ),
    "ar.report.kostra": ("KOSTRA skjema 32: forhåndskontroll", "KOSTRA form 32: pre-check"),
    "ar.report.method": ("Metode og forbehold", "Method and caveats"),
    # Report sentences (numbers come formatted)
    "ar.text.current": (
        "Gjeldende plan har {reserve} daa ubebygd areal i utbyggingsformål (arealreserve), "
        "hvorav {bolig} daa bolig. Med tetthetene i innstillingene gir reserven plass til "
        "{capacity} boliger",
        "The current plan has {reserve} daa of unbuilt land in development formål (the reserve), "
        "{bolig} daa of it housing. At the densities in the settings the reserve holds "
        "{capacity} dwellings",
    ),
    "ar.text.need": (
        "; behovet er {per_year} boliger i året × {years} år ({start}–{end}) = {need}. "
        "Reserven dekker behovet i {covered} år",
        "; the need is {per_year} homes a year × {years} years ({start}–{end}) = {need}. "
        "The reserve covers the need for {covered} years",
    ),
    "ar.text.new": (
        "Ny plan har {reserve} daa arealreserve med plass til {capacity} boliger",
        "The new plan has {reserve} daa of reserve holding {capacity} dwellings",
    ),
    "ar.text.new_covered": (" ({covered} års behov)", " ({covered} years of need)"),
    "ar.text.change": (
        "Planforslaget endrer arealformål på {changed} daa og åpner {opened} daa for ny "
        "utbygging, hvorav dyrka jord {dyrka} daa (fulldyrka {f21}, overflatedyrka {f22}, "
        "innmarksbeite {f23})",
        "The proposal changes the arealformål of {changed} daa and opens {opened} daa for "
        "building, of which cultivated land {dyrka} daa (fully cultivated {f21}, surface "
        "cultivated {f22}, infield pasture {f23})",
    ),
    "ar.text.others": ("; ellers {others}", "; otherwise {others}"),
    "ar.text.returned": (
        ". {returned} daa tilbakeføres fra utbyggingsformål.",
        ". {returned} daa is returned from development formål.",
    ),
    "ar.text.overlays": (
        "Av det nye utbyggingsarealet ligger {parts}.",
        "Of the newly opened land: {parts}.",
    ),
    "ar.text.kostra": (
        "KOSTRA 32 (forhåndskontroll): dyrka jord i utbyggingsformål i planen {dyrka} daa",
        "KOSTRA 32 (pre-check): cultivated land in development formål of the plan {dyrka} daa",
    ),
    "ar.text.kostra_opened": (
        "; ny omdisponering {opened} daa; tilbakeført til LNFR {returned} daa",
        "; newly converted {opened} daa; returned to LNFR {returned} daa",
    ),
    "ar.text.method_overlay": (
        "Arealene er summer over én planar overlagsanalyse i arbeids-CRS (ingen areal telles "
        "to ganger); gjeldende og ny plan, AR5 og temalagene er delt opp mot hverandre.",
        "Areas are sums over one planar overlay in the working CRS (no area is counted twice): "
        "the current and the new plan, AR5 and the overlays split against each other.",
    ),
    "ar.text.method_built": (
        "Bebygd er AR5 bebygd (11) og samferdsel (12) og areal innen {existing} m (nåværende "
        "formål) eller {planned} m (framtidig formål) fra en bygning; ubebygde striper smalere "
        "enn {width} m og biter under {area} m² er ikke reserve (NINA/Agder-metoden).",
        "Built is AR5 bebygd (11) and samferdsel (12) and land within {existing} m (existing "
        "formål) or {planned} m (planned formål) of a building; unbuilt strips narrower than "
        "{width} m and pieces under {area} m² are not reserve (NINA/Agder's method).",
    ),
    "ar.text.method_strandsone": (
        "Strandsonen er land innen {strandsone} m fra sjø (pbl. § 1-8). Forklaring av hvert tall, "
        "og hva som avviker fra veilederen: docs/arealregnskap.md.",
        "The strandsone is land within {strandsone} m of the sea (PBL § 1-8). Every figure, and "
        "what differs from the guide: docs/arealregnskap.md.",
    ),
    # Workbook sheets and headings
    "ar.book.about": ("Om", "About"),
    "ar.book.reserve": ("Arealreserve", "Reserve"),
    "ar.book.reserve_new": ("Arealreserve ny plan", "Reserve new plan"),
    "ar.book.capacity": ("Boligbehov", "Housing need"),
    "ar.book.change": ("Endring per formål", "Change by formål"),
    "ar.book.matrix": ("Endringsmatrise", "Change matrix"),
    "ar.book.changed": ("Endret areal", "Changed land"),
    "ar.book.kostra": ("KOSTRA 32", "KOSTRA 32"),
    "ar.book.kostra_areas": ("KOSTRA 32 per område", "KOSTRA 32 by area"),
    "ar.book.period": ("Planperiode", "Plan period"),
    "ar.book.guide": (
        "Etter KDDs veileder «Arealregnskap i kommuneplan» (2023); se docs/arealregnskap.md.",
        "After KDD's guide 'Arealregnskap i kommuneplan' (2023); see docs/arealregnskap.md.",
    ),
    "ar.book.reserve_head": (
        "Arealreserven i gjeldende plan: utbyggingsformål som ikke er bebygd (veilederen kap. 4)",
        "Reserve of the current plan: development formål not built (guide ch. 4)",
    ),
    "ar.book.reserve_new_head": (
        "Arealreserven i ny plan (veilederen kap. 5, samlet utbyggingspotensial)",
        "Reserve of the new plan (guide ch. 5, total development potential)",
    ),
    "ar.book.capacity_head": (
        "Boligkapasitet i arealreserven holdt mot behovet i planperioden (kap. 4.1)",
        "Dwelling capacity of the reserve against the need over the plan period (ch. 4.1)",
    ),
    "ar.book.change_head": (
        "Forskjell på gjeldende og ny plan per arealformål (kap. 5)",
        "Difference between the current and the new plan by arealformål (ch. 5)",
    ),
    "ar.book.matrix_head": (
        "Endringsmatrise: fra gjeldende (rader) til nytt (kolonner) arealformål, daa",
        "Change matrix: from current (rows) to new (columns) arealformål, daa",
    ),
    "ar.book.changed_head": (
        "Hva det endrede og det nye utbyggingsarealet er i dag (kap. 5)",
        "What the changed and the newly opened land is today (ch. 5)",
    ),
    "ar.book.kostra_head": (
        "KOSTRA skjema 32, forhåndskontroll: dyrka og dyrkbar jord i utbyggingsformål",
        "KOSTRA form 32 pre-check: cultivated and cultivable land in development formål",
    ),
    "ar.book.rules_head": ("Regler som bruker arealregnskapet", "Rules on the land accounts"),
    "ar.book.outside": ("(utenfor planen)", "(outside the plan)"),
    "ar.book.workbook_link": ("Regneark (xlsx)", "Workbook (xlsx)"),
    # Map layers
    "ar.map.reserve": ("Arealreserve (ubebygd)", "Reserve (unbuilt)"),
    "ar.map.opened": ("Nytt utbyggingsareal etter AR5", "Newly opened land by AR5 class"),
    "ar.map.strandsone": ("Strandsonen (100 m)", "Strandsone (100 m)"),
    "ar.map.hazard": ("Faresoner", "Hazard zones"),
    "ar.map.nature": ("Naturtyper", "Nature types"),
}

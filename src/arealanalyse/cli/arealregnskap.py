"""``arealanalyse arealregnskap``: land accounts of a kommuneplan (KDD 2023) and KOSTRA 32."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from arealanalyse.errors import ArealanalyseError
from arealanalyse.i18n import fmt_quantity, msg, verdict_label
from arealanalyse.io import check_output_folder, staged_output

__all__ = ["arealregnskap"]

#: What the command writes into its output folder (a folder holding only these is replaced).
_OWNS = frozenset(
    {
        "reserve_current.csv", "reserve_new.csv", "capacity.csv", "change.csv",
        "change_matrix.csv", "changed_land.csv", "kostra32.csv", "kostra32_areas.csv",
        "arealregnskap.xlsx", "arealregnskap.gpkg", "arealregnskap.json", "arealregnskap.md",
        "arealregnskap.html", "kart.html", "review",
    }
)  # fmt: skip


#: Most dwellings per daa a density may say (the densest Norwegian blocks are ~30-40).
DWELLINGS_PER_DAA_MAX = 100.0


def _parse_density(items: list[str]) -> dict[int, float]:
    from arealanalyse.layers.codes import AREALFORMAL
    from arealanalyse.limits import finite_in_range

    out: dict[int, float] = {}
    for item in items:
        code, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            key, number = int(code), float(value)
        except ValueError:
            raise ArealanalyseError(
                f"--density {item!r} must look like CODE=DWELLINGS_PER_DAA, e.g. --density 1113=8."
            ) from None
        if key not in AREALFORMAL:
            raise ArealanalyseError(
                f"--density {item!r}: {key} is not a SOSI arealformål code; use e.g. 1110 "
                "(bolig), 1113 (blokk), 1130 (sentrum)."
            )
        try:
            out[key] = finite_in_range(
                number, what=f"--density {item}", low=0, high=DWELLINGS_PER_DAA_MAX,
                unit="dwellings/daa",
            )  # fmt: skip
        except ValueError as exc:
            raise ArealanalyseError(str(exc)) from None
    return out


def arealregnskap(
    catalogue: Path = typer.Argument(
        ..., help="Layer catalogue of the study area; its zoning layer is the current plan."
    ),
    plan: Path | None = typer.Option(
        None, "--plan", help="The new plan (GeoPackage, GeoJSON, GML...) with arealformål codes."
    ),
    plan_layer: str | None = typer.Option(
        None, "--plan-layer", help="Layer of a multi-layer plan file."
    ),
    period: str | None = typer.Option(
        None, "--period", help="Plan period START-END (e.g. 2026-2040), for the housing need."
    ),
    out: Path = typer.Option(Path("arealregnskap"), "--out", help="Output folder."),
    rules: Path | None = typer.Option(
        None,
        "--rules",
        help="Rule file on the figures (e.g. scenarios/rules/baerum-arealregnskap.yaml).",
    ),
    lang: str = typer.Option("nb", "--lang", help="Report language: nb (bokmål) or en."),
    density: list[str] = typer.Option(
        [],
        "--density",
        help="Dwellings per daa of unbuilt reserve for a SOSI code, CODE=N (repeatable); "
        "replaces the default densities.",
    ),
    need_per_year: float | None = typer.Option(
        None, "--need-per-year", help="New homes needed per year (default 600, Bærum)."
    ),
    online_map: bool = typer.Option(
        False, "--online-map", help="Load the map's scripts from the internet (smaller file)."
    ),
) -> None:
    """Compute the arealregnskap of a kommuneplan and, with --plan, of a new plan.

    Writes to OUT: the arealreserve per arealformål (unbuilt vs built) with its dwelling
    capacity held against the need, the change matrix current -> new arealformål, what the
    changed and newly opened land is (AR5 class, strandsone, hazard zones, naturtyper), the
    KOSTRA skjema 32 pre-check; as CSV, an Excel workbook (arealregnskap.xlsx), a GeoPackage of
    the overlay (arealregnskap.gpkg), a map (kart.html) and a report (arealregnskap.html/.md).
    Exit code 0, or 1 when --rules is given and a fail-severity rule is broken; 2 on bad input
    (e.g. overlapping plan areas, written beside OUT as OUT-plan_overlaps.gpkg). OUT is written
    whole or not at all (a staging folder, manifest.json last).

    Example: arealanalyse arealregnskap layers/baerum-demo.yaml
    --plan layers/baerum-demo/baerum-demo-kpa-2026.gpkg --period 2026-2040 --out regnskap
    """
    import geopandas as gpd

    from arealanalyse.arealregnskap.run import run_arealregnskap
    from arealanalyse.errors import PlanOverlapError
    from arealanalyse.study import Study

    if lang not in ("nb", "en"):
        raise typer.BadParameter(f"{lang!r}: use nb or en.", param_hint="--lang")
    console = Console()
    study = Study.open(catalogue)
    update: dict[str, object] = {}
    if density:
        update["reserve_dwellings_per_daa"] = _parse_density(density)
    if need_per_year is not None:
        from arealanalyse.limits import DWELLINGS_MAX, finite_in_range

        try:
            update["dwellings_need_per_year"] = finite_in_range(
                need_per_year, what="--need-per-year", low=0, high=DWELLINGS_MAX, unit="homes"
            )
        except ValueError as exc:
            raise ArealanalyseError(str(exc)) from None
    settings = study.settings.model_copy(update=update) if update else study.settings
    check_output_folder(out, owns=_OWNS)
    inputs: dict[str, Path] = study.input_files()
    for label, path in (("plan", plan), ("rules", rules)):
        if path is not None and Path(path).is_file():
            inputs[f"{label}:{Path(path).name}"] = Path(path)
    t0 = time.perf_counter()
    with console.status(msg("cli.ar.reading", lang)) as st:

        def say(msg: str) -> None:
            st.update(f"{msg} ({time.perf_counter() - t0:.0f} s)")

        try:
            with staged_output(out, command="arealregnskap", inputs=inputs, owns=_OWNS) as stage:
                run = run_arealregnskap(
                    study,
                    stage.path,
                    plan=plan,
                    plan_layer=plan_layer,
                    period=period,
                    rules=rules,
                    lang=lang,
                    offline=not online_map,
                    settings=settings,
                    progress=say,
                )
                run.paths = {k: stage.final(v) for k, v in run.paths.items()}
        except PlanOverlapError as exc:
            overlaps = exc.overlaps
            if isinstance(overlaps, gpd.GeoDataFrame) and len(overlaps):
                from arealanalyse.io import write_geopackage

                # Beside the output folder: the folder itself stays as it was (nothing written).
                where = out.parent / f"{out.name}-plan_overlaps.gpkg"
                path = write_geopackage({"overlaps": overlaps}, where)
                raise PlanOverlapError(f"{exc} The overlaps are in {path}.") from None
            raise
    f = run.result.figures
    table = Table(title=f"Arealregnskap: {study.title}")
    table.add_column(msg("cli.ar.figure", lang))
    table.add_column(msg("index.value", lang), justify="right")

    def row(key: str, value: float | None, unit: str = "daa") -> None:
        table.add_row(msg(key, lang), fmt_quantity(value, unit, lang, 1))

    cur = f["current"]
    row("cli.ar.reserve", cur["reserve_daa"])
    row("cli.ar.capacity", cur["dwelling_capacity"], "")
    if f["need"]["dwellings"]:
        row("cli.ar.need", f["need"]["dwellings"], "")
    if f.get("change"):
        ch = f["change"]
        row("ar.change.changed", ch["changed_daa"])
        row("ar.change.opened", ch["opened_daa"])
        row("cli.ar.dyrka", ch["opened_dyrka_daa"])
        row("cli.ar.returned", ch["returned_daa"])
    row("cli.ar.kostra", f["kostra"].get("dyrka_daa"))
    console.print(table)
    if run.evaluation is not None:
        status = verdict_label(run.evaluation.status, lang).lower()
        console.print(f"{msg('word.rules', lang)}: {status}")
    if study.synthetic:
        console.print(f"[yellow]{msg('cli.synthetic', lang)}[/yellow]")
    for note in run.notes:
        console.print(f"[dim]{note}[/dim]")
    for p in run.paths.values():
        console.print(f"{msg('cli.wrote', lang)} {p}", soft_wrap=True)
    raise typer.Exit(run.exit_code)

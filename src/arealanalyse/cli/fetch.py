"""``arealanalyse fetch``: download a municipality's real layers and write a catalogue."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from arealanalyse.errors import FetchError

__all__ = ["fetch"]

_LABELS = {
    "boundary": "Kommunegrense (Kartverket)",
    "walk_network": "Gangnett (OpenStreetMap)",
    "services": "Tjenester (OpenStreetMap)",
    "green": "Grøntområder (OpenStreetMap)",
    "roads": "Veger (OpenStreetMap)",
    "osm_buildings": "Bygninger (OpenStreetMap)",
    "ssb_grid": "Befolkning 250 m (SSB)",
    "homes": "Boliger (OSM × SSB)",
    "transit": "Holdeplasser (Entur NSR)",
    "farmland": "Jordbruksareal (FKB-AR5 eller AR50)",
    "zoning": "Kommuneplan (fil)",
}


def _parse_endpoints(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise FetchError(
                f"--endpoint {item!r} must look like name=URL, e.g. "
                "--endpoint overpass=https://overpass.kumi.systems/api/interpreter."
            )
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def fetch(
    kommune: str = typer.Option(
        ..., "--kommune", "-k", help="Kommunenummer: 3201 (Bærum), 3203 (Asker), ..."
    ),
    out: Path = typer.Option(Path("data"), "--out", "-o", help="Folder for catalogue + layers."),
    cache: Path | None = typer.Option(
        None, "--cache", help="HTTP cache folder (default: OUT/.cache); reused between runs."
    ),
    homes: str = typer.Option(
        "osm_ssb",
        "--homes",
        help="osm_ssb: SSB people shared among OSM buildings; osm: OSM dwelling estimate; "
        "ssb: 250 m grid cells.",
    ),
    plan: Path | None = typer.Option(
        None, "--plan", help="Kommuneplanens arealdel as a file (SOSI, SOSI-GML, GeoPackage...)."
    ),
    farmland: str | None = typer.Option(
        None,
        "--farmland",
        help="The municipality's FKB-AR5 (GML, SOSI, GeoPackage, FileGDB), or the https:// "
        "address of an FKB-AR5 download that needs a Norge digitalt login (GEONORGE_USERNAME, "
        "GEONORGE_PASSWORD). Without it: NIBIO's open AR50, coarse (1:50 000).",
    ),
    skip: list[str] = typer.Option([], "--skip", help="Leave a step out, e.g. --skip farmland."),
    endpoint: list[str] = typer.Option(
        [], "--endpoint", help="Override a service URL: name=URL (overpass, ar50, ssb_grid...)."
    ),
    refresh: bool = typer.Option(False, "--refresh", help="Redo all steps (cache still used)."),
    max_age: float | None = typer.Option(
        None, "--max-age", help="Fetch again what was fetched more than this many days ago."
    ),
    timeout: float = typer.Option(300.0, "--timeout", help="Read timeout per request, seconds."),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Print every request (URL and parameters) and where its answer would go; send "
        "nothing, write nothing.",
    ),
) -> None:
    """Download a municipality's real layers and write a layer catalogue for them.

    Boundary (Kartverket), walk network, buildings, services, green areas and roads
    (OpenStreetMap via Overpass), the 250 m population grid (SSB), stops and stations (Entur),
    farmland (your FKB-AR5 with --farmland, else NIBIO's coarse AR50). Each step stands on its
    own: the catalogue is always written with what the run got, and a `missing:` section says
    what is missing, why, and how to supply it by hand. Downloads are cached and resume; a
    second run fetches only what is missing or stale (--max-age).

    Exit codes: 0 all layers fetched; 4 catalogue written but some layer is missing (partial:
    run again to retry); 2 bad input (one line says what to fix).

    Example: arealanalyse fetch --kommune 3201 --out data
    """
    import math

    if not (math.isfinite(timeout) and 1 <= timeout <= 3600):
        raise typer.BadParameter(
            f"{timeout!r}: give a number of seconds from 1 to 3600.", param_hint="--timeout"
        )
    if dry_run:
        from arealanalyse.fetch.dryrun import format_plan, plan_fetch

        steps = plan_fetch(
            kommune,
            out_dir=out,
            cache_dir=cache,
            homes=homes,
            plan=plan,
            farmland=farmland,
            skip=skip,
            endpoints=_parse_endpoints(endpoint),
        )
        typer.echo(format_plan(steps, kommunenummer=kommune, out_dir=out))
        return

    from arealanalyse.fetch.http import HttpClient
    from arealanalyse.fetch.run import fetch_kommune

    err = Console(stderr=True)
    console = Console()
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    tasks: dict[str, TaskID] = {}
    current: list[str] = []
    marks = {"done": "✓", "resumed": "↺", "skipped": "–", "failed": "✗", "kept": "≈"}

    def on_step(step: str, status: str) -> None:
        if status == "start":
            current[:] = [step]
            tasks[step] = progress.add_task(_LABELS.get(step, step), total=None)
        elif status in marks and step in tasks:
            progress.update(tasks[step], completed=1, total=1)
            progress.remove_task(tasks.pop(step))
        if status in marks:
            err.print(f"{marks[status]} {_LABELS.get(step, step)}")

    def on_bytes(_service: str, done: int, total: int | None) -> None:
        if current and current[0] in tasks:
            progress.update(tasks[current[0]], completed=done, total=total)

    client = HttpClient(
        cache if cache is not None else out / ".cache",
        timeout_s=(5.0, float(timeout)),
        progress=on_bytes,
    )
    with progress:
        result = fetch_kommune(
            kommune,
            out_dir=out,
            client=client,
            homes=homes,
            plan=plan,
            farmland=farmland,
            skip=skip,
            endpoints=_parse_endpoints(endpoint),
            refresh=refresh,
            max_age_days=max_age,
            on_step=on_step,
        )
    table = Table(title=f"Fetched {result.name} ({kommune})")
    table.add_column("layer")
    table.add_column("features", justify="right")
    table.add_column("this run")
    table.add_column("file")
    for step, path in result.layers.items():
        how = (
            "resumed"
            if step in result.resumed
            else "kept (stale)"
            if step in result.kept
            else ("fetched")
        )
        table.add_row(step, f"{result.counts.get(step, 0):,}", how, str(path))
    console.print(table)
    cmp = result.dwelling_comparison
    if cmp:
        console.print(
            f"OSM dwelling estimate vs SSB: {cmp['est_people']:,.0f} estimated people vs "
            f"{cmp['ssb_people']:,.0f} in SSB's grid (ratio {cmp['ratio']:.2f}, "
            f"WAPE {cmp['wape']:.0%} per 250 m cell).",
            soft_wrap=True,
        )
    for m in result.missing:
        colour = "red" if m.status == "failed" else "yellow"
        console.print(
            f"[{colour}]missing {m.layer}[/{colour}] ({m.step}, {m.service}): {m.reason} "
            f"— supply: {m.supply}",
            soft_wrap=True,
            markup=True,
            highlight=False,
        )
    for step, why in result.kept.items():
        console.print(f"[yellow]{step}[/yellow]: {why}", soft_wrap=True)
    console.print(
        f"Catalogue: {result.catalogue} ({result.requests_sent} requests, "
        f"{result.cache_hits} answered from the cache).",
        soft_wrap=True,
    )
    console.print(f"Check it with: arealanalyse layers check {result.catalogue}", soft_wrap=True)
    if result.exit_code:
        failed = ", ".join(dict.fromkeys(m.step for m in result.failed)) or ", ".join(result.kept)
        console.print(
            f"Partial: {failed} did not arrive; the catalogue lists them under `missing:`. "
            "Run the same command again to fetch only those.",
            soft_wrap=True,
        )
        raise typer.Exit(result.exit_code)

"""``arealanalyse layers``: inspect single layers and check whole catalogues."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from arealanalyse.errors import CatalogueError
from arealanalyse.layers.schema import KINDS, RASTER_KINDS

__all__ = ["app"]

app = typer.Typer(help="Inspect layers and check layer catalogues.", no_args_is_help=True)


def _parse_columns(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise CatalogueError(
                f"--column {item!r} must look like canonical=source, e.g. --column name=stop_name."
            )
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


@app.command("info")
def info(
    path: Path = typer.Argument(..., help="Layer file (GeoPackage, GeoJSON, CSV, GTFS, OSM...)."),
    kind: str = typer.Option(
        ...,
        "--kind",
        "-k",
        help=f"Canonical kind: {', '.join(KINDS)}, or a raster kind: {', '.join(RASTER_KINDS)}.",
    ),
    layer: str | None = typer.Option(None, "--layer", help="Layer inside a multi-layer file."),
    fmt: str = typer.Option("auto", "--format", help="auto, vector, csv, gtfs, ssb_grid, osm."),
    column: list[str] = typer.Option([], "--column", "-c", help="Map a column: canonical=source."),
    where: str | None = typer.Option(
        None, "--where", help='Filter on the source\'s columns, e.g. "vehicle_type == 100".'
    ),
    crs: str | None = typer.Option(None, "--crs", help="CRS of a source without one (CSV)."),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Text encoding when not UTF-8: latin-1 or cp1252."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Load one layer into its canonical kind and print what was found.

    Prints feature count, CRS, bounds, repaired geometries and, for weighted kinds, the weight
    total.

    Example: arealanalyse layers info ru250m.csv --kind homes
    """
    from arealanalyse.filters import parse_filter
    from arealanalyse.layers.readers import read_layer
    from arealanalyse.layers.validate import load_report

    if where is not None:  # refused before any file is read
        parse_filter(where, what="--where")
    if kind in RASTER_KINDS:
        from arealanalyse.layers.rasterinfo import raster_info

        _print({"path": str(path), "kind": kind, **raster_info(path, name=path.name)}, as_json)
        return
    if kind not in KINDS:
        raise CatalogueError(
            f"Unknown kind {kind!r}; use one of {', '.join(KINDS)} or {', '.join(RASTER_KINDS)}."
        )
    gdf = read_layer(
        path,
        kind,
        name=path.name,
        layer=layer,
        format=fmt,
        columns=_parse_columns(column),
        where=where,
        crs=crs,
        encoding=encoding,
    )
    rep = load_report(gdf)
    facts: dict[str, object] = {
        "path": str(path),
        "kind": kind,
        "features": len(gdf),
        "source_crs": rep.get("source_crs", ""),
        "crs": gdf.crs.to_string() if gdf.crs else "",
        "bounds": [round(float(v), 1) for v in gdf.total_bounds],
        "geometry_types": sorted(gdf.geometry.geom_type.unique().tolist()),
        "repaired_geometries": rep.get("repaired", 0),
        "dropped": rep.get("dropped", 0),
    }
    if rep.get("dropped_reason"):
        facts["dropped_reason"] = rep["dropped_reason"]
    if rep.get("converted_to_points"):
        facts["converted_to_points"] = rep["converted_to_points"]
    if rep.get("z_dropped"):
        facts["z_dropped"] = rep["z_dropped"]
    for key, value in rep.get("source_info", {}).items():
        facts[key] = value
    for w in KINDS[kind].weight:
        facts[f"total_{w}"] = round(float(gdf[w].sum()), 2)
    if kind == "homes":
        from arealanalyse.metrics.weights import default_home_weight, weight_label

        weight = default_home_weight(gdf)
        facts["weight"] = f"{weight} ({weight_label(weight)}; derived: {rep.get('derived', [])})"
    if "area_daa" in gdf:
        facts["total_area_daa"] = round(float(gdf["area_daa"].sum()), 1)
    for col in ("category", "mode", "arealtype", "green_type"):
        if col in gdf:
            facts[f"by_{col}"] = {str(k): int(v) for k, v in gdf[col].value_counts().items()}
    _print(facts, as_json)


def _print(facts: dict[str, object], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(facts, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(show_header=False, box=None)
    for k, v in facts.items():
        table.add_row(f"[bold]{k}[/bold]", str(v))
    Console().print(table)


@app.command("check")
def check(
    catalogue: Path = typer.Argument(..., help="Layer catalogue YAML (layers/<area>.yaml)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Validate a whole layer catalogue: every layer and raster is loaded and checked.

    Exits 0 when everything loads, 2 when any layer fails (each failure on one line). Layers a
    fetch could not get (the catalogue's `missing:` section) are listed, with how to supply
    them; they do not make the check fail.

    Example: arealanalyse layers check layers/baerum-demo.yaml
    """
    from arealanalyse.layers.catalogue import load_catalogue

    cat = load_catalogue(catalogue)
    console = Console(stderr=False)
    with console.status(f"Loading {len(cat.kinds) + len(cat.model.rasters)} layers..."):
        rows = cat.check()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "catalogue": str(catalogue),
                    "synthetic": cat.synthetic,
                    "layers": rows,
                    "missing": [m.model_dump() for m in cat.missing],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        table = Table(title=f"{cat.title} ({catalogue})")
        for col in (
            "kind",
            "status",
            "features",
            "repaired",
            "dropped",
            "weight / values",
            "source",
        ):
            table.add_column(col)
        for r in rows:
            if r["ok"]:
                table.add_row(
                    r["kind"],
                    "[green]ok[/green]",
                    f"{r['features']:,}",
                    str(r["repaired"]),
                    str(r["dropped"]),
                    r["weight"],
                    r["source"],
                )
            else:
                table.add_row(r["kind"], "[red]error[/red]", "", "", "", "", "")
        console.print(table)
        if cat.synthetic:
            console.print("[yellow]Synthetic demo data: the numbers are not Bærum's.[/yellow]")
        for m in cat.missing:  # written by `arealanalyse fetch`: gaps, not errors
            console.print(
                f"[yellow]missing {m.layer}[/yellow] ({m.status}; {m.service}): {m.reason} "
                f"— supply: {m.supply}",
                soft_wrap=True,
                highlight=False,
            )
    failed = [r for r in rows if not r["ok"]]
    if failed:
        if not as_json:  # every failure on stdout; stderr gets one line
            for r in failed:
                console.print(f"[red]error[/red] {r['kind']}: {r['error']}", soft_wrap=True)
        more = f" ({len(failed) - 1} more listed above)" if len(failed) > 1 else ""
        raise CatalogueError(f"{failed[0]['error']}{more}")

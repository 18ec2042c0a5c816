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
    clip: Path | None = typer.Option(
        None,
        "--clip",
        help="Keep only what reaches into this boundary file (an OSM file is cut "
        "while it is read).",
    ),
    kommune: str | None = typer.Option(
        None, "--kommune", help="With --clip: the municipality number to clip to, e.g. 3201."
    ),
    bbox: str | None = typer.Option(
        None, "--bbox", help="Clip to a box min_lon,min_lat,max_lon,max_lat (EPSG:4326)."
    ),
    clip_buffer: float = typer.Option(
        0.0, "--clip-buffer", help="Widen the clip area by this many metres (e.g. 1000)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Load one layer into its canonical kind and print what was found.

    Prints feature count, CRS, bounds, repaired geometries and, for weighted kinds, the weight
    total; for OpenStreetMap files, what was dropped or repaired and why; for a walk network,
    what the topology step noded and merged.

    Example: arealanalyse layers info ru250m.csv --kind homes

    Example: arealanalyse layers info norway.osm.pbf --kind walk_network --clip
    kommuner.geojson --kommune 3201 --clip-buffer 1000
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
    area = _clip_area(clip, kommune, bbox)
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
        clip=area,
        clip_tolerance_m=clip_buffer,
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
    if rep.get("dropped_by_reason"):
        facts["dropped_by_reason"] = rep["dropped_by_reason"]
    elif rep.get("dropped_reason"):
        facts["dropped_reason"] = rep["dropped_reason"]
    if rep.get("repaired_by_reason"):
        facts["repaired_by_reason"] = rep["repaired_by_reason"]
    if area is not None:
        facts["clipped_out"] = rep.get("clipped_out", 0)
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
    if kind == "walk_network":
        from arealanalyse.study import Study, network_facts

        facts["network"] = network_facts(Study.from_layers({kind: gdf}, name=path.name).network)
    _print(facts, as_json)


def _clip_area(clip: Path | None, kommune: str | None, bbox: str | None) -> object:
    """Return the clip area of ``layers info``: a boundary file (one kommune of it), or a box."""
    import geopandas as gpd
    import shapely

    from arealanalyse.layers.readers import ALIASES, read_source

    if clip is not None and bbox is not None:
        raise CatalogueError("Give either --clip or --bbox, not both.")
    if kommune is not None and clip is None:
        raise CatalogueError("--kommune needs --clip (the boundary file with the kommuner).")
    if bbox is not None:
        try:
            x0, y0, x1, y1 = (float(v) for v in bbox.split(","))
        except ValueError:
            raise CatalogueError(
                f"--bbox {bbox!r} must be four numbers min_lon,min_lat,max_lon,max_lat, e.g. "
                "10.72,59.90,10.74,59.94."
            ) from None
        if not (x0 < x1 and y0 < y1 and x0 >= -180 and x1 <= 180 and y0 >= -90 and y1 <= 90):
            raise CatalogueError(
                f"--bbox {bbox!r} is not a lon/lat box min_lon,min_lat,max_lon,max_lat "
                "(degrees, min < max)."
            )
        return gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=4326)
    if clip is None:
        return None
    area = read_source(clip, name=clip.name)
    if kommune is not None:
        col = next((c for c in ALIASES["boundary"]["kommunenummer"] if c in area.columns), None)
        if col is None:
            raise CatalogueError(
                f"Boundary file {clip.name!r} has no kommunenummer column; drop --kommune or "
                "use a file of municipalities."
            )
        area = area[area[col].astype(str).str.zfill(4) == kommune.zfill(4)]
        if area.empty:
            raise CatalogueError(
                f"Boundary file {clip.name!r} has no kommunenummer {kommune}; check the number."
            )
    return area


def _print(facts: dict[str, object], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(facts, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(show_header=False, box=None)
    for k, v in facts.items():
        table.add_row(f"[bold]{k}[/bold]", str(v))
    Console().print(table)


def _details(rows: list[dict[str, object]]) -> list[str]:
    """One line per reason a layer dropped or repaired features, and the network's topology."""
    lines: list[str] = []
    for r in rows:
        if not r.get("ok"):
            continue
        kind = r["kind"]
        for key, verb in (("dropped_by_reason", "dropped"), ("repaired_by_reason", "repaired")):
            reasons = r.get(key) or {}
            assert isinstance(reasons, dict)
            for reason, n in reasons.items():
                lines.append(f"{kind}: {verb} {n:,}: {reason}")
        if r.get("clipped_out"):
            lines.append(f"{kind}: {r['clipped_out']:,} outside the clip area")
        net = r.get("network")
        if isinstance(net, dict):
            share = 100 * float(net["largest_component_share"])
            lines.append(
                f"{kind}: graph of {net['nodes']:,} nodes and {net['edges']:,} edges, "
                f"{net['components']:,} components (largest {share:.1f} % of nodes; homes and "
                "targets snap to it)"
            )
            from arealanalyse.network.topology import TopologyReport

            topo = TopologyReport(**net["topology"]).summary()
            lines.append(f"{kind}: topology: {topo}")
    return lines


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
    from arealanalyse.study import Study

    study = Study.open(catalogue)
    console = Console(stderr=False)
    with console.status(f"Loading {len(study.kinds)} layers and the rasters..."):
        rows = study.check()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "catalogue": str(catalogue),
                    "synthetic": study.synthetic,
                    "layers": rows,
                    "missing": [m.model_dump() for m in study.missing],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        table = Table(title=f"{study.title} ({catalogue})")
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
        for line in _details(rows):
            console.print(line, highlight=False)
        if study.synthetic:
            console.print("[yellow]Synthetic demo data: the numbers are not Bærum's.[/yellow]")
        for m in study.missing:  # written by `arealanalyse fetch`: gaps, not errors
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

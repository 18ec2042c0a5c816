"""``arealanalyse transit``: departures per stop place from a GTFS or NeTEx timetable."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from arealanalyse.errors import CatalogueError

__all__ = ["app"]

app = typer.Typer(
    help=(
        "Public-transport timetables (GTFS, NeTEx): departures per stop place and mode.\n\n"
        "Example: arealanalyse transit departures gtfs.zip --date 2026-03-03 --from 07:00 "
        "--to 09:00"
    ),
    no_args_is_help=True,
)


def _fmt_headways(row: dict[str, float]) -> str:
    return ", ".join(f"{m} {round(v, 1):g}" for m, v in row.items() if math.isfinite(v))


def _stop_place_layer(path: Path) -> Any:
    """Stop places and their quays from an NSR NeTEx file, else a ``transit`` layer file."""
    from arealanalyse.layers.netex import is_netex

    if path.is_file() and is_netex(path):
        import pandas as pd

        from arealanalyse.layers.netex import read_netex_quays, read_netex_stop_places

        places = read_netex_stop_places(path, name=path.name)
        quays = read_netex_quays(path, name=path.name)
        return pd.concat([places, quays.to_crs(places.crs)], ignore_index=True)
    from arealanalyse.layers.readers import read_layer

    return read_layer(path, "transit", name=path.name)


@app.command("departures")
def departures(
    feed: Path | None = typer.Argument(
        None, help="GTFS zip or folder, or NeTEx zip, folder or XML (or give --catalogue)."
    ),
    date: str | None = typer.Option(
        None,
        "--date",
        help="Service date YYYY-MM-DD (default: a representative weekday in the feed).",
    ),
    start: str = typer.Option("00:00", "--from", help="Window start HH:MM."),
    end: str = typer.Option("24:00", "--to", help="Window end HH:MM (may pass 24:00)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    fmt: str = typer.Option("auto", "--format", help="auto, gtfs or netex."),
    stop_places: Path | None = typer.Option(
        None,
        "--stop-places",
        help="Stop-place layer (kind transit, e.g. NSR) giving NeTEx stops their coordinates.",
    ),
    stop: str | None = typer.Option(
        None, "--stop", help="Only stop places whose name or id contains this text."
    ),
    limit: int = typer.Option(0, "--limit", min=0, help="Show at most N rows (0: all)."),
    catalogue: Path | None = typer.Option(
        None,
        "--catalogue",
        help="A study area's catalogue: its timetable (the feeds under 'timetables:', merged) "
        "instead of FEED.",
    ),
) -> None:
    """Departures per stop place (children merged into their parent) in a window of a date.

    Lists name, id, modes, departures in the window, departures per hour and the shortest mean
    headway per mode (window length / departures of the mode's busiest direction). Times are
    on the calendar date: trips of the previous service day after midnight count.

    Example: arealanalyse transit departures gtfs.zip --date 2026-03-03 --from 07:00 --to 09:00
    """
    from arealanalyse.transit import Timetable, count_departures, read_timetable

    if (feed is None) == (catalogue is None):
        raise typer.BadParameter("give a FEED or --catalogue, not both.", param_hint="FEED")
    tt: Timetable | None
    if catalogue is not None:
        from arealanalyse.study import Study

        if stop_places is not None or fmt != "auto":
            raise typer.BadParameter(
                "--stop-places and --format are the catalogue's (timetables.feeds) with "
                "--catalogue.",
                param_hint="--catalogue",
            )
        study = Study.open(catalogue)
        tt = study.timetable()
        if tt is None:
            raise CatalogueError(
                f"Catalogue {catalogue.name!r} has no timetable; add 'timetables:' (a GTFS or "
                "NeTEx feed) to it, or give the feed itself."
            )
        name = catalogue.name
    else:
        assert feed is not None
        layer = _stop_place_layer(stop_places) if stop_places is not None else None
        tt = read_timetable(feed, format=fmt, stop_places=layer)
        name = feed.name
    result = count_departures(tt, date=date, start=start, end=end)
    table = result.table
    if stop:
        needle = stop.casefold()
        hit = table["name"].str.casefold().str.contains(needle, regex=False) | table[
            "stop_place_id"
        ].str.casefold().str.contains(needle, regex=False)
        table = table[hit]
    total = len(table)
    if limit:
        table = table.head(limit)
    shown = type(result)(
        table=table,
        day=result.day,
        date_note=result.date_note,
        start_s=result.start_s,
        end_s=result.end_s,
        feed=result.feed,
    )
    if as_json:
        payload = shown.to_json()
        payload["format"] = tt.format
        payload["notes"] = list(tt.notes)
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    out = Console()
    out.print(
        f"[bold]{name}[/] ({tt.format.upper()}): {result.date_note}, {result.window}",
        soft_wrap=True,
    )
    for note in tt.notes:
        out.print(f"note: {note}", soft_wrap=True)
    tab = Table(show_lines=False)
    for col, just in (
        ("stop place", "left"),
        ("id", "left"),
        ("modes", "left"),
        ("departures", "right"),
        ("per hour", "right"),
        ("shortest mean headway (min)", "left"),
    ):
        tab.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
    hcols = [c for c in table.columns if c.startswith("headway_")]
    for r in table.to_dict(orient="records"):
        heads = {c.removeprefix("headway_").removesuffix("_min"): float(r[c]) for c in hcols}
        tab.add_row(
            str(r["name"]),
            str(r["stop_place_id"]),
            str(r["modes"]),
            f"{int(r['departures'])}",
            f"{r['departures_per_hour']:.1f}",
            _fmt_headways(heads),
        )
    out.print(tab)
    minutes = (result.end_s - result.start_s) / 60.0
    span = f"{minutes / 60:g} h" if minutes % 60 == 0 else f"{minutes:g} min"
    deps = int(shown.table["departures"].sum()) if len(shown.table) else 0
    what = f"{total} stop place{'s' if total != 1 else ''} with departures"
    if stop:
        what += f" matching {stop!r} (of {len(result.table)})"
    if len(table) < total:
        what += f", {len(table)} shown"
    out.print(f"{what}; {deps} departures shown in {span}", soft_wrap=True)

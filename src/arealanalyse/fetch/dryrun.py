"""``arealanalyse fetch --dry-run``: every request a fetch would send, and where it would land.

Built from the very request builders the fetch steps use (:class:`~arealanalyse.fetch.http.
Request`), so what is printed is what would be sent; nothing is downloaded or written. Before a
first run the bounding boxes are not known (they come from the boundary step) and are shown as
placeholders; after a run, the saved boundary gives the exact requests. Anything about a request
that no public source confirms is marked ``UNCONFIRMED`` (see ``docs/data-sources.md``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd

from arealanalyse.errors import ArealanalyseError, FetchError
from arealanalyse.fetch import entur, kartverket, plans, ssb
from arealanalyse.fetch import farmland as farmland_fetch
from arealanalyse.fetch import osm as osm_fetch
from arealanalyse.fetch._common import bbox_lonlat, union
from arealanalyse.fetch.catalogue import ENDPOINTS
from arealanalyse.fetch.http import HttpClient, Request
from arealanalyse.fetch.manifest import find_previous
from arealanalyse.fetch.steps import HOMES_MODES, STEP_INFO, STEPS

__all__ = ["PlannedStep", "format_plan", "plan_fetch"]


@dataclass
class PlannedStep:
    """One step of a planned fetch: its requests (or the file it reads) and its outputs."""

    step: str
    service: str
    requests: list[Request] = field(default_factory=list)
    cache: list[str] = field(default_factory=list)
    reads: str = ""
    writes: str = ""
    notes: list[str] = field(default_factory=list)


def plan_fetch(
    kommunenummer: str,
    /,
    *,
    out_dir: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None = None,
    homes: str = "osm_ssb",
    plan: str | os.PathLike[str] | None = None,
    farmland: str | os.PathLike[str] | None = None,
    skip: Iterable[str] = (),
    endpoints: Mapping[str, str] | None = None,
) -> list[PlannedStep]:
    """Describe, step by step, what :func:`~arealanalyse.fetch.fetch_kommune` would do.

    Examples
    --------
    >>> import tempfile
    >>> steps = plan_fetch("3201", out_dir=tempfile.mkdtemp())
    >>> steps[0].step, steps[0].requests[0].display_url()
    ('boundary', 'https://ws.geonorge.no/kommuneinfo/v1/kommuner/3201/omrade?utkoordsys=25832')
    """
    k = kartverket.check_kommunenummer(kommunenummer)
    if homes not in HOMES_MODES:
        raise FetchError(f"homes={homes!r} is not one of {HOMES_MODES}.")
    bad_ep = set(endpoints or {}) - set(ENDPOINTS)
    if bad_ep:
        raise FetchError(f"unknown endpoint(s) {sorted(bad_ep)}; known: {sorted(ENDPOINTS)}.")
    ep = {**ENDPOINTS, **dict(endpoints or {})}
    skip = set(skip)
    out = Path(out_dir)
    client = HttpClient(Path(cache_dir) if cache_dir else out / ".cache")
    previous = find_previous(out, k)
    name = str(previous.get("name", "")) or "<kommune>"
    done = previous.get("steps", {})
    boundary = _saved_boundary(out / name, done.get("boundary"))

    def layer(step: str) -> str:
        return str(out / name / f"{step}.gpkg")

    steps: list[PlannedStep] = []

    def add(step: str, requests: list[Request], **kw: str) -> PlannedStep:
        ps = PlannedStep(
            step,
            STEP_INFO[step].service,
            requests=requests,
            cache=[str(client.cached_request_path(r)) for r in requests],
            writes=kw.get("writes", layer(step)),
            reads=kw.get("reads", ""),
        )
        ps.notes += [r.note for r in requests if r.note]
        ps.notes += [f"UNCONFIRMED: {r.unconfirmed}" for r in requests if r.unconfirmed]
        if step in skip:
            ps.notes.insert(0, "left out (--skip): nothing is sent")
        elif step in done and Path(out / name / str(done[step].get("file", ""))).is_file():
            ps.notes.insert(
                0,
                f"fetched {done[step].get('fetched', 'earlier')}: read back instead of fetched "
                "again unless its inputs changed (--refresh / --max-age fetch it again)",
            )
        steps.append(ps)
        return ps

    add("boundary", [kartverket.boundary_request(k, endpoint=ep["kommuneinfo"])])
    overpass = dict(endpoints or {}).get("overpass")
    osm_steps = {"walk_network": "walk_network", "services": "services", "green": "green",
                 "roads": "roads", "homes": "osm_buildings"}  # fmt: skip
    for kind, step in osm_steps.items():
        tol = osm_fetch.CLIP_TOLERANCE_M[kind]
        bbox = bbox_lonlat(boundary, buffer_m=tol + 100.0) if boundary is not None else None
        add(step, [osm_fetch.overpass_request(kind, bbox, endpoint=overpass)])
    add("ssb_grid", [ssb.grid_request(ep["ssb_grid"])])
    ps = add("homes", [], writes=layer("homes"))
    ps.reads = f"OSM buildings and the SSB grid of this run (--homes {homes}); no request"
    try:
        add("transit", [entur.nsr_request(k, endpoint=ep["entur_nsr"])])
    except FetchError as exc:
        add("transit", []).notes.append(str(exc))
    bounds = union(boundary).bounds if boundary is not None else None
    if farmland is None:
        ps = add("farmland", [farmland_fetch.ar50_request(bounds, endpoint=ep["ar50"])])
        ps.notes.append(
            "further pages (startIndex = 2000, 4000, ...) while a page comes back full; "
            "AR50 is coarse (1:50 000) and is marked so on every map and report"
        )
    elif farmland_fetch.is_url(farmland):
        ps = add("farmland", [farmland_fetch.download_request(str(farmland))])
        ps.service = farmland_fetch.DOWNLOAD_SERVICE
    else:
        ps = add("farmland", [], reads=f"{farmland} (FKB-AR5 file); no request")
        ps.service = "FKB-AR5 file"
    if plan is not None:
        ps = add("zoning", [], reads=f"{plan} (plan file); no request")
    else:
        ps = add("zoning", [], writes="(not written)")
        ps.notes.append(plans.NOT_AVAILABLE)
    order = {s: i for i, s in enumerate(STEPS)}
    return sorted(steps, key=lambda p: order[p.step])


def _saved_boundary(folder: Path, rec: Mapping[str, object] | None) -> gpd.GeoDataFrame | None:
    if not rec:
        return None
    path = folder / str(rec.get("file", ""))
    if not path.is_file():
        return None
    try:
        return gpd.read_file(path, layer="boundary", engine="pyogrio")
    except (ArealanalyseError, OSError, ValueError):
        return None


def format_plan(steps: list[PlannedStep], /, *, kommunenummer: str, out_dir: str | Path) -> str:
    """Return the plan as text: per step the requests (URL, parameters) and where they go."""
    lines = [
        f"Dry run: `arealanalyse fetch --kommune {kommunenummer}` would send these requests "
        "(nothing is downloaded or written now).",
        f"Catalogue: {Path(out_dir) / (Path(steps[0].writes).parent.name + '.yaml')} "
        "(named after the municipality).",
        "",
    ]
    hosts: dict[str, None] = {}
    for i, ps in enumerate(steps, 1):
        lines.append(f"{i:2d}. {ps.step} — {ps.service}")
        for req, cache in zip(ps.requests, ps.cache, strict=True):
            parts = urlsplit(req.url)
            hosts[f"{parts.scheme}://{parts.netloc}"] = None
            lines.append(f"      {req.method} {req.display_url()}")
            if req.data is not None:
                lines.append(f"      body: {req.body_summary()}")
            if req.headers and "Authorization" in req.headers:
                lines.append("      header: Authorization (Basic, from the environment; not shown)")
            if "<" in req.display_url() + req.body_summary(10_000):  # bbox not known yet
                cache = f"{Path(cache).parent}/<name from the request>{Path(cache).suffix}"
            lines.append(f"      answer → {cache}")
        if ps.reads:
            lines.append(f"      reads  {ps.reads}")
        lines.append(f"      layer  → {ps.writes}")
        lines += [f"      {note}" for note in ps.notes]
    lines += ["", "Hosts contacted (HTTPS, port 443 unless the URL says otherwise):"]
    lines += [f"  {h}" for h in hosts]
    return "\n".join(lines)

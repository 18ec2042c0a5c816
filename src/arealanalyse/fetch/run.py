"""Fetch every layer of a municipality and write a catalogue: ``fetch_kommune``.

Steps (each one a checkpoint; a second run skips finished steps and, through the HTTP cache,
downloads nothing again):

1. ``boundary`` — Kartverket kommuneinfo.
2. ``walk_network``, ``services``, ``green``, ``roads`` — OpenStreetMap (Overpass).
3. ``osm_buildings`` — OSM buildings with the dwelling estimate; ``ssb_grid`` — SSB 250 m grid;
   ``homes`` — by default both combined (:func:`~arealanalyse.fetch.compare.dasymetric_homes`),
   or either alone (``homes="osm"`` / ``"ssb"``).
4. ``transit`` — Entur's national stop register (NeTEx).
5. ``farmland`` — NIBIO AR5 (WFS, GML).
6. ``zoning`` — only from a plan file the user supplies (see :mod:`arealanalyse.fetch.plans`).

Output: ``<out>/<name>.yaml`` (the catalogue, ``docs/architecture.md`` format, with sources and
licences) and ``<out>/<name>/<layer>.gpkg``, one GeoPackage per layer, each written atomically,
plus ``<out>/<name>/fetch-manifest.json`` (what was fetched, counts, the dwelling comparison).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from arealanalyse.errors import FetchError
from arealanalyse.fetch import ar5, entur, kartverket, plans, ssb
from arealanalyse.fetch import osm as osm_fetch
from arealanalyse.fetch.catalogue import ENDPOINTS, catalogue_dict, write_catalogue
from arealanalyse.fetch.compare import compare_dwellings_to_grid, dasymetric_homes
from arealanalyse.fetch.http import HttpClient
from arealanalyse.io import write_geopackage, write_json
from arealanalyse.settings import Settings, resolve

__all__ = ["HOMES_MODES", "STEPS", "FetchResult", "fetch_kommune", "slugify"]

#: Fetch steps in order (``skip=`` takes any of them except ``boundary``).
STEPS: tuple[str, ...] = (
    "boundary", "walk_network", "services", "green", "roads", "osm_buildings", "ssb_grid",
    "homes", "transit", "farmland", "zoning",
)  # fmt: skip

#: How the ``homes`` layer is made.
HOMES_MODES: tuple[str, ...] = ("osm_ssb", "osm", "ssb")

_SOURCE_OF = {
    "boundary": "kartverket", "walk_network": "osm", "services": "osm", "green": "osm",
    "roads": "osm", "osm_buildings": "osm", "ssb_grid": "ssb", "transit": "entur",
    "farmland": "nibio",
}  # fmt: skip

_ENDPOINT_OF = {
    "walk_network": "overpass", "services": "overpass", "green": "overpass",
    "roads": "overpass", "osm_buildings": "overpass", "ssb_grid": "ssb_grid",
    "transit": "entur_nsr", "farmland": "ar5",
}  # fmt: skip

StepCallback = Callable[[str, str], None]


@dataclass
class FetchResult:
    """What :func:`fetch_kommune` did."""

    catalogue: Path
    name: str
    layers: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    resumed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    dwelling_comparison: dict[str, Any] = field(default_factory=dict)
    requests_sent: int = 0
    cache_hits: int = 0


def slugify(text: str) -> str:
    """Return a file-name-safe lower-case ASCII name.

    Examples
    --------
    >>> slugify("Bærum"), slugify("Nord-Odal"), slugify("Ørland Å")
    ('baerum', 'nord-odal', 'orland-a')
    """
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = "".join(c if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p) or "kommune"


def _read_back(path: Path, kind: str) -> gpd.GeoDataFrame:
    return gpd.read_file(path, layer=kind, engine="pyogrio")


def fetch_kommune(
    kommunenummer: str,
    /,
    *,
    out_dir: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None = None,
    client: HttpClient | None = None,
    homes: str = "osm_ssb",
    plan: str | os.PathLike[str] | None = None,
    skip: Iterable[str] = (),
    endpoints: Mapping[str, str] | None = None,
    refresh: bool = False,
    verify: bool = True,
    on_step: StepCallback | None = None,
    settings: Settings | None = None,
) -> FetchResult:
    """Download a municipality's layers and write a catalogue for them.

    Parameters
    ----------
    kommunenummer
        Four-digit municipality number (3201 Bærum, 3203 Asker).
    out_dir
        Where the catalogue YAML and the layer folder go.
    cache_dir
        HTTP cache (default ``<out_dir>/.cache``); reused across runs and municipalities.
    client
        An :class:`HttpClient` (tests pass one with a fake session); made from ``cache_dir``
        when ``None``.
    homes
        ``osm_ssb`` (SSB people shared among OSM buildings), ``osm`` (OSM dwelling estimate)
        or ``ssb`` (grid cells).
    plan
        A kommuneplan file (SOSI-GML, GeoPackage...) to add as ``zoning``.
    skip
        Steps to leave out (see :data:`STEPS`), e.g. ``{"farmland"}`` while a service is down.
    endpoints
        Overrides of :data:`~arealanalyse.fetch.catalogue.ENDPOINTS` (keys ``kommuneinfo``,
        ``overpass``, ``ar5``, ``ssb_grid``, ``entur_nsr``).
    refresh
        Redo every step (the HTTP cache still answers; delete it to download again).
    verify
        Load the written catalogue back through :func:`~arealanalyse.layers.catalogue.
        load_catalogue` (what ``arealanalyse layers check`` does).
    on_step
        Callback ``on_step(step, status)`` with status ``start``, ``done``, ``resumed``,
        ``skipped``.
    settings
        Run settings.

    Returns
    -------
    FetchResult
        Paths, feature counts, resumed and skipped steps, the dwelling comparison, and how many
        requests were sent or answered from the cache.

    Examples
    --------
    Needs a network::

        res = fetch_kommune("3201", out_dir="data")
        res.catalogue
    """
    s = resolve(settings)
    k = kartverket.check_kommunenummer(kommunenummer)
    if homes not in HOMES_MODES:
        raise FetchError(f"homes={homes!r} is not one of {HOMES_MODES}.")
    skip = set(skip)
    unknown = skip - set(STEPS) or ({"boundary"} & skip)
    if unknown:
        raise FetchError(
            f"cannot skip {sorted(unknown)}; skippable steps: {[x for x in STEPS[1:]]}."
        )
    bad_ep = set(endpoints or {}) - set(ENDPOINTS)
    if bad_ep:
        raise FetchError(f"unknown endpoint(s) {sorted(bad_ep)}; known: {sorted(ENDPOINTS)}.")
    ep = {**ENDPOINTS, **dict(endpoints or {})}
    out = Path(out_dir)
    if client is None:
        client = HttpClient(Path(cache_dir) if cache_dir else out / ".cache")
    note = on_step or (lambda _step, _status: None)

    # 1. boundary: needed to name the output, so it is fetched (from cache) first.
    note("boundary", "start")
    boundary = kartverket.fetch_boundary(k, client=client, endpoint=ep["kommuneinfo"], settings=s)
    kommunenavn = str(boundary["name"].iloc[0]) or k
    name = slugify(kommunenavn)
    folder = out / name
    manifest_path = folder / "fetch-manifest.json"
    manifest: dict[str, Any] = {}
    if manifest_path.is_file() and not refresh:
        import json

        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    result = FetchResult(catalogue=out / f"{name}.yaml", name=name)
    layers: dict[str, gpd.GeoDataFrame] = {}

    def save(step: str, gdf: gpd.GeoDataFrame, key: str = "") -> None:
        path = folder / f"{step}.gpkg"
        write_geopackage({step: gdf}, path)
        manifest.setdefault("steps", {})[step] = {
            "file": path.name,
            "features": len(gdf),
            "source": _SOURCE_OF.get(step, "derived"),
            "key": key,
            "report": gdf.attrs.get("arealanalyse", {}),
        }
        manifest["kommunenummer"] = k
        manifest["kommunenavn"] = kommunenavn
        write_json(manifest_path, manifest)
        result.layers[step] = path
        result.counts[step] = len(gdf)

    def done_before(step: str, key: str) -> bool:
        rec = manifest.get("steps", {}).get(step)
        return bool(rec) and rec.get("key", "") == key and (folder / rec["file"]).is_file()

    save("boundary", boundary)
    layers["boundary"] = boundary
    note("boundary", "done")

    def run(step: str, make: Callable[[], gpd.GeoDataFrame], key: str = "") -> None:
        """Run a step, or read it back if a previous run finished it with the same ``key``."""
        if step in skip:
            result.skipped[step] = "skipped on request"
            note(step, "skipped")
            return
        if done_before(step, key):
            layers[step] = _read_back(folder / f"{step}.gpkg", step)
            result.layers[step] = folder / f"{step}.gpkg"
            result.counts[step] = len(layers[step])
            result.resumed.append(step)
            note(step, "resumed")
            return
        note(step, "start")
        try:
            gdf = make()
        except FetchError as exc:
            done = ", ".join(result.layers) or "none"
            other = f" or --endpoint {_ENDPOINT_OF[step]}=URL" if step in _ENDPOINT_OF else ""
            raise FetchError(
                f"{str(exc).rstrip('.')}. Layers saved so far ({done}) are in {folder}; run the "
                f"same command again to resume, or use --skip {step}{other}."
            ) from None
        save(step, gdf, key)
        layers[step] = gdf
        note(step, "done")

    overpass = dict(endpoints or {}).get("overpass")  # default: osmnx's settings.overpass_url

    def osm_step(kind: str) -> Callable[[], gpd.GeoDataFrame]:
        return lambda: osm_fetch.fetch_osm_layer(
            kind, boundary, client=client, endpoint=overpass, settings=s
        )

    for kind in ("walk_network", "services", "green", "roads"):
        run(kind, osm_step(kind))
    run("osm_buildings", osm_step("homes"))
    run("ssb_grid", lambda: ssb.fetch_population_grid(
        boundary, client=client, endpoint=ep["ssb_grid"], settings=s))  # fmt: skip

    # homes: from what was fetched, in the requested mode (or the one the data allows)
    have_b, have_g = "osm_buildings" in layers, "ssb_grid" in layers
    if have_b and have_g:
        cmp = compare_dwellings_to_grid(layers["osm_buildings"], layers["ssb_grid"], settings=s)
        result.dwelling_comparison = dict(cmp.attrs["summary"])
        manifest["dwelling_comparison"] = result.dwelling_comparison
    make_homes: Callable[[], gpd.GeoDataFrame] | None = None
    mode = homes
    if mode == "osm_ssb" and have_b and have_g:
        make_homes = lambda: dasymetric_homes(  # noqa: E731
            layers["osm_buildings"], layers["ssb_grid"], settings=s
        )
    elif mode in ("osm", "osm_ssb") and have_b:
        mode, make_homes = "osm", lambda: layers["osm_buildings"]
    elif have_g:
        mode, make_homes = "ssb", lambda: layers["ssb_grid"]
    if make_homes is not None:
        run("homes", make_homes, key=mode)
        manifest["homes_mode"] = mode
    elif "homes" in skip:
        result.skipped["homes"] = "skipped on request"
    else:
        result.skipped["homes"] = "neither OSM buildings nor the SSB grid were fetched"

    run("transit", lambda: entur.fetch_transit(
        k, boundary, client=client, endpoint=ep["entur_nsr"], settings=s))  # fmt: skip
    run("farmland", lambda: ar5.fetch_farmland(
        boundary, client=client, endpoint=ep["ar5"], settings=s))  # fmt: skip
    if plan is not None and "zoning" not in skip:
        run("zoning", lambda: plans.read_plan(Path(plan), settings=s), key=str(Path(plan)))
    else:
        result.skipped.setdefault("zoning", plans.NOT_AVAILABLE)

    # catalogue
    kinds = ["boundary", "walk_network", "homes", "services", "green", "transit", "roads",
             "farmland", "zoning"]  # fmt: skip
    entries = {
        kind: {"path": f"{name}/{kind}.gpkg", "layer": kind, "format": "vector"}
        for kind in kinds
        if kind in result.layers
    }
    used = sorted({_SOURCE_OF[st] for st in result.layers if st in _SOURCE_OF})
    order = ["osm", "kartverket", "ssb", "entur", "nibio"]
    desc = [f"Fetched by `arealanalyse fetch --kommune {k}`; homes: {manifest.get('homes_mode')}."]
    if "zoning" not in result.layers:
        desc.append(plans.NOT_AVAILABLE)
    for st, why in result.skipped.items():
        if st != "zoning":
            desc.append(f"{st}: {why}.")
    cat = catalogue_dict(
        name=name,
        title=f"{kommunenavn} ({k})",
        kommunenummer=k,
        layers=entries,
        sources=[x for x in order if x in used],
        description=" ".join(desc),
    )
    write_json(manifest_path, manifest)
    write_catalogue(result.catalogue, cat)
    if verify:
        from arealanalyse.layers.catalogue import load_catalogue

        loaded = load_catalogue(result.catalogue)
        for kind in loaded.kinds:
            loaded.layer(kind)
    result.requests_sent = client.requests_sent
    result.cache_hits = client.cache_hits
    return result

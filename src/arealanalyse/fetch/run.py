"""Fetch every layer of a municipality and write a catalogue: ``fetch_kommune``.

Every step stands on its own: a service that fails costs its own layer, never the others, and
the catalogue is always written with what the run got plus a ``missing:`` section (layer,
service, reason, how to supply it by hand). Steps:

1. ``boundary`` — Kartverket kommuneinfo (every other fetched step needs it).
2. ``walk_network``, ``services``, ``green``, ``roads`` — OpenStreetMap (Overpass).
3. ``osm_buildings`` — OSM buildings with the dwelling estimate; ``ssb_grid`` — SSB 250 m grid;
   ``homes`` — by default both combined (:func:`~arealanalyse.fetch.compare.dasymetric_homes`),
   or either alone (``homes="osm"`` / ``"ssb"``, or whichever of the two the run got).
4. ``transit`` — Entur's national stop register (NeTEx).
5. ``farmland`` — the municipality's FKB-AR5 (``farmland=FILE`` or an authenticated download
   ``farmland=URL``), else NIBIO's open AR50 WFS, coarse (see :mod:`arealanalyse.fetch.farmland`).
6. ``zoning`` — only from a plan file the user supplies (see :mod:`arealanalyse.fetch.plans`).

Each finished step is a checkpoint in ``<out>/<name>/fetch-manifest.json`` with a key of what
it was made from (endpoint, input file digest, boundary digest, options) and when. A rerun reads
back every step whose key is unchanged and which is younger than ``max_age_days`` (when given),
and fetches only what is missing or stale. A stale step whose refresh fails keeps its earlier
layer (the run says so and counts as partial).

Output: ``<out>/<name>.yaml`` (the catalogue, ``docs/architecture.md`` format, with sources,
licences and the ``missing:`` section) and ``<out>/<name>/<layer>.gpkg``, one GeoPackage per
layer, each written atomically. :attr:`FetchResult.exit_code` is 0 when nothing failed and
:data:`~arealanalyse.fetch.steps.PARTIAL_EXIT_CODE` (4) when some layer is missing because its
step failed.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd

from arealanalyse.errors import ArealanalyseError, FetchError
from arealanalyse.fetch import entur, kartverket, plans, ssb
from arealanalyse.fetch import farmland as farmland_fetch
from arealanalyse.fetch import osm as osm_fetch
from arealanalyse.fetch.catalogue import (
    AR50_COARSE_NOTE,
    ENDPOINTS,
    catalogue_dict,
    write_catalogue,
)
from arealanalyse.fetch.compare import compare_dwellings_to_grid, dasymetric_homes
from arealanalyse.fetch.http import HttpClient
from arealanalyse.fetch.manifest import (
    age_days,
    file_digest,
    find_previous,
    geometry_digest,
    now_stamp,
    plain_json,
    slugify,
)
from arealanalyse.fetch.steps import (
    HOMES_MODES,
    STEP_INFO,
    STEPS,
    FetchResult,
    Missing,
    StepCallback,
)
from arealanalyse.io import write_geopackage, write_json
from arealanalyse.settings import Settings, resolve

__all__ = ["farmland_is_url", "fetch_kommune"]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, ArealanalyseError):
        text = f"{type(exc).__name__}: {text} (unexpected; please report it)"
    return text


def fetch_kommune(
    kommunenummer: str,
    /,
    *,
    out_dir: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None = None,
    client: HttpClient | None = None,
    homes: str = "osm_ssb",
    plan: str | os.PathLike[str] | None = None,
    farmland: str | os.PathLike[str] | None = None,
    skip: Iterable[str] = (),
    endpoints: Mapping[str, str] | None = None,
    refresh: bool = False,
    max_age_days: float | None = None,
    verify: bool = True,
    on_step: StepCallback | None = None,
    settings: Settings | None = None,
) -> FetchResult:
    """Download a municipality's layers and write a catalogue for them, whatever fails.

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
        A kommuneplan file (SOSI, SOSI-GML, GeoPackage...) to add as ``zoning``.
    farmland
        The municipality's FKB-AR5 file, or the URL of an FKB-AR5 download that needs a Norge
        digitalt login (``GEONORGE_USERNAME``/``GEONORGE_PASSWORD``). ``None``: NIBIO's open
        AR50 WFS, coarse.
    skip
        Steps to leave out (see :data:`STEPS`), e.g. ``{"farmland"}``.
    endpoints
        Overrides of :data:`~arealanalyse.fetch.catalogue.ENDPOINTS` (keys ``kommuneinfo``,
        ``overpass``, ``ar50``, ``ssb_grid``, ``entur_nsr``).
    refresh
        Redo every step (the HTTP cache still answers; delete it to download again).
    max_age_days
        Redo steps fetched longer ago than this, bypassing the HTTP cache for them.
    verify
        Load the written catalogue's layers back through
        :meth:`arealanalyse.study.Study.open` (what ``arealanalyse layers check`` does).
    on_step
        Callback ``on_step(step, status)`` with status ``start``, ``done``, ``resumed``,
        ``skipped``, ``failed`` or ``kept``.
    settings
        Run settings.

    Returns
    -------
    FetchResult
        Paths, feature counts, fetched/resumed steps, missing layers with reasons, the
        dwelling comparison, requests sent and cache hits, and the exit code.

    Raises
    ------
    FetchError
        Only for bad arguments (kommunenummer, homes mode, step or endpoint names); a failing
        service never raises, it becomes an entry of ``missing``.

    Examples
    --------
    Needs a network::

        res = fetch_kommune("3201", out_dir="data")
        res.catalogue, [m.layer for m in res.missing]
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
    if farmland is not None and not farmland_is_url(farmland) and not Path(farmland).exists():
        raise FetchError(
            f"--farmland {str(farmland)!r} does not exist; give the path of the municipality's "
            "FKB-AR5 file (GML, SOSI, GeoPackage, FileGDB) or an https:// download address."
        )
    if plan is not None and not Path(plan).exists():
        raise FetchError(f"--plan {str(plan)!r} does not exist; give the plan file's path.")
    ep = {**ENDPOINTS, **dict(endpoints or {})}
    out = Path(out_dir)
    if client is None:
        client = HttpClient(Path(cache_dir) if cache_dir else out / ".cache")
    saved_max_age = client.max_age_s
    if max_age_days is not None:
        client.max_age_s = max_age_days * 86400.0
    try:
        return _Run(
            k, out=out, client=client, homes=homes, plan=plan, farmland=farmland, skip=skip,
            ep=ep, overpass=dict(endpoints or {}).get("overpass"), refresh=refresh,
            max_age_days=max_age_days, on_step=on_step, settings=s,
        ).run(verify=verify)  # fmt: skip
    finally:
        client.max_age_s = saved_max_age


def farmland_is_url(value: str | os.PathLike[str]) -> bool:
    """Whether ``farmland=`` names a download rather than a file (see :func:`fetch_kommune`)."""
    return farmland_fetch.is_url(value)


class _Run:
    """One run of :func:`fetch_kommune` (kept private: the function is the interface)."""

    def __init__(
        self,
        k: str,
        *,
        out: Path,
        client: HttpClient,
        homes: str,
        plan: str | os.PathLike[str] | None,
        farmland: str | os.PathLike[str] | None,
        skip: set[str],
        ep: dict[str, str],
        overpass: str | None,
        refresh: bool,
        max_age_days: float | None,
        on_step: StepCallback | None,
        settings: Settings,
    ) -> None:
        self.k, self.out, self.client, self.homes_mode = k, out, client, homes
        self.plan, self.farmland, self.skip, self.ep = plan, farmland, skip, ep
        self.overpass, self.refresh, self.max_age_days = overpass, refresh, max_age_days
        self.note = on_step or (lambda _step, _status: None)
        self.s = settings
        self.layers: dict[str, gpd.GeoDataFrame] = {}
        self.previous = find_previous(out, k)
        self.manifest: dict[str, Any] = {} if refresh else copy.deepcopy(self.previous)
        self.manifest.setdefault("steps", {})
        self.name: str = str(self.previous.get("name", ""))
        self.result = FetchResult(catalogue=out / "pending.yaml", name=self.name)

    # --------------------------------------------------------------------------- helpers
    @property
    def folder(self) -> Path:
        return self.out / self.name

    def _record(self, step: str) -> dict[str, Any] | None:
        rec = self.manifest.get("steps", {}).get(step) or self.previous.get("steps", {}).get(step)
        return dict(rec) if rec else None

    def _fresh(self, rec: dict[str, Any]) -> bool:
        return self.max_age_days is None or age_days(rec.get("fetched", "")) <= self.max_age_days

    def _read_back(self, step: str, rec: dict[str, Any]) -> gpd.GeoDataFrame | None:
        path = self.folder / str(rec.get("file", ""))
        if not self.name or not path.is_file():
            return None
        gdf = gpd.read_file(path, layer=step, engine="pyogrio")
        gdf.attrs["arealanalyse"] = dict(rec.get("report", {}))
        return gdf

    def _save(self, step: str, gdf: gpd.GeoDataFrame, key: str, source: str | None) -> None:
        path = self.folder / f"{step}.gpkg"
        write_geopackage({step: gdf}, path)
        self.manifest["steps"][step] = {
            "file": path.name,
            "features": len(gdf),
            "source": source or "derived",
            "key": key,
            "fetched": now_stamp(),
            "report": plain_json(gdf.attrs.get("arealanalyse", {})),
        }
        self._write_manifest()
        self.result.layers[step] = path
        self.result.counts[step] = len(gdf)

    def _write_manifest(self) -> None:
        self.manifest.update(kommunenummer=self.k, name=self.name)
        write_json(self.folder / "fetch-manifest.json", self.manifest)

    def _missing(self, step: str, reason: str, status: str = "failed", **info: str) -> None:
        si = STEP_INFO[step]
        self.result.missing.append(
            Missing(
                layer=si.layer,
                step=step,
                service=info.get("service", si.service),
                reason=reason,
                supply=info.get("supply", si.supply),
                status=status,
            )
        )

    def step(
        self,
        step: str,
        make: Callable[[], gpd.GeoDataFrame],
        *,
        key: str,
        needs: tuple[str, ...] = (),
        source: str | None = None,
        service: str | None = None,
    ) -> None:
        """Run a step, or read it back when an earlier run made it from the same inputs."""
        extra = {"service": service} if service else {}
        if step in self.skip:
            self._missing(step, "left out on request (--skip)", "skipped", **extra)
            self.note(step, "skipped")
            return
        lacking = [n for n in needs if n not in self.layers]
        if lacking:
            first = lacking[0]
            why = next((m.reason for m in self.result.missing if m.step == first), "not fetched")
            self._missing(step, f"needs the {first} step, which is missing ({why})", **extra)
            self.note(step, "failed")
            return
        rec = None if self.refresh else self._record(step)
        if rec and rec.get("key") == key and self._fresh(rec):
            gdf = self._read_back(step, rec)
            if gdf is not None:
                self.layers[step] = gdf
                self.manifest["steps"][step] = rec
                self.result.layers[step] = self.folder / str(rec["file"])
                self.result.counts[step] = len(gdf)
                self.result.resumed.append(step)
                self.note(step, "resumed")
                return
        self.note(step, "start")
        try:
            gdf = make()
        except Exception as exc:  # any failure costs this step only; the reason is recorded
            reason = _one_line(exc)
            old = self._record(step)
            kept = self._read_back(step, old) if old and old.get("key") == key else None
            if kept is not None and old is not None:
                self.layers[step] = kept
                self.manifest["steps"][step] = old
                self.result.layers[step] = self.folder / str(old["file"])
                self.result.counts[step] = len(kept)
                self.result.kept[step] = (
                    f"kept the layer fetched {old.get('fetched', '?')}: refreshing it failed "
                    f"({reason})"
                )
                self.note(step, "kept")
                return
            self._missing(step, reason, **extra)
            self.note(step, "failed")
            return
        self._save(step, gdf, key, source)
        self.layers[step] = gdf
        self.result.fetched.append(step)
        self.note(step, "done")

    # --------------------------------------------------------------------------- the run
    def run(self, *, verify: bool) -> FetchResult:
        k, s, ep, client = self.k, self.s, self.ep, self.client
        self._boundary()
        bkey = geometry_digest(self.layers["boundary"]) if "boundary" in self.layers else "none"
        need = ("boundary",)

        def osm_step(kind: str) -> Callable[[], gpd.GeoDataFrame]:
            return lambda: osm_fetch.fetch_osm_layer(
                kind, self.layers["boundary"], client=client, endpoint=self.overpass, settings=s
            )

        overpass_url = self.overpass or "default"
        for kind in ("walk_network", "services", "green", "roads"):
            self.step(kind, osm_step(kind), key=f"overpass:{overpass_url}|b:{bkey}",
                      needs=need, source="osm")  # fmt: skip
        self.step("osm_buildings", osm_step("homes"), key=f"overpass:{overpass_url}|b:{bkey}",
                  needs=need, source="osm")  # fmt: skip
        self.step(
            "ssb_grid",
            lambda: ssb.fetch_population_grid(
                self.layers["boundary"], client=client, endpoint=ep["ssb_grid"], settings=s
            ),
            key=f"ssb:{ep['ssb_grid']}|b:{bkey}",
            needs=need,
            source="ssb",
        )
        self._homes()
        self.step(
            "transit",
            lambda: entur.fetch_transit(
                k, self.layers["boundary"], client=client, endpoint=ep["entur_nsr"], settings=s
            ),
            key=f"entur:{ep['entur_nsr']}|b:{bkey}",
            needs=need,
            source="entur",
        )
        self._farmland(bkey)
        self._zoning()
        return self._finish(verify=verify)

    def _boundary(self) -> None:
        k, ep = self.k, self.ep
        key = f"kommuneinfo:{ep['kommuneinfo']}"
        rec = None if self.refresh else self._record("boundary")
        if rec and rec.get("key") == key and self._fresh(rec):
            gdf = self._read_back("boundary", rec)
            if gdf is not None:
                self.layers["boundary"] = gdf
                self.manifest["steps"]["boundary"] = rec
                self.result.layers["boundary"] = self.folder / str(rec["file"])
                self.result.counts["boundary"] = len(gdf)
                self.result.resumed.append("boundary")
                self.note("boundary", "resumed")
                return
        self.note("boundary", "start")
        try:
            boundary = kartverket.fetch_boundary(
                k, client=self.client, endpoint=ep["kommuneinfo"], settings=self.s
            )
        except Exception as exc:
            reason = _one_line(exc)
            old = self._record("boundary")
            kept = self._read_back("boundary", old) if old and old.get("key") == key else None
            if kept is not None and old is not None:
                self.layers["boundary"] = kept
                self.manifest["steps"]["boundary"] = old
                self.result.layers["boundary"] = self.folder / str(old["file"])
                self.result.counts["boundary"] = len(kept)
                self.result.kept["boundary"] = (
                    f"kept the boundary fetched {old.get('fetched', '?')}: refreshing it "
                    f"failed ({reason})"
                )
                self.note("boundary", "kept")
                return
            self.name = self.name or f"kommune-{k}"
            self._missing("boundary", reason)
            self.note("boundary", "failed")
            return
        kommunenavn = str(boundary["name"].iloc[0]) or k
        self.manifest["kommunenavn"] = kommunenavn
        self.name = self.name or slugify(kommunenavn)
        self._save("boundary", boundary, key, "kartverket")
        self.layers["boundary"] = boundary
        self.result.fetched.append("boundary")
        self.note("boundary", "done")

    def _homes(self) -> None:
        s = self.s
        have_b, have_g = "osm_buildings" in self.layers, "ssb_grid" in self.layers
        if have_b and have_g:
            cmp = compare_dwellings_to_grid(
                self.layers["osm_buildings"], self.layers["ssb_grid"], settings=s
            )
            self.result.dwelling_comparison = dict(cmp.attrs["summary"])
            self.manifest["dwelling_comparison"] = self.result.dwelling_comparison
        mode = self.homes_mode
        make: Callable[[], gpd.GeoDataFrame] | None = None
        if mode == "osm_ssb" and have_b and have_g:
            make = lambda: dasymetric_homes(  # noqa: E731
                self.layers["osm_buildings"], self.layers["ssb_grid"], settings=s
            )
        elif mode in ("osm", "osm_ssb") and have_b:
            mode, make = "osm", lambda: self.layers["osm_buildings"]
        elif have_g:  # the grid alone, asked for or standing in for failed OSM buildings
            mode, make = "ssb", lambda: self.layers["ssb_grid"]
        elif mode == "ssb" and have_b:
            mode, make = "osm", lambda: self.layers["osm_buildings"]
        inputs = [
            f"{st}:{self.manifest['steps'].get(st, {}).get('fetched', '')}"
            for st in ("osm_buildings", "ssb_grid")
            if st in self.layers
        ]
        if make is None:
            needs = ("osm_buildings",) if self.homes_mode == "osm" else ("ssb_grid",)
            self.step("homes", lambda: self.layers["homes"], key="", needs=needs)
            return
        self.manifest["homes_mode"] = mode
        self.step("homes", make, key=f"homes:{mode}|" + "|".join(inputs))

    def _farmland(self, bkey: str) -> None:
        s, client = self.s, self.client
        src = self.farmland

        def boundary() -> gpd.GeoDataFrame:
            return self.layers["boundary"]

        if src is None:
            self.step(
                "farmland",
                lambda: farmland_fetch.fetch_ar50(
                    boundary(), client=client, endpoint=self.ep["ar50"], settings=s
                ),
                key=f"ar50:{self.ep['ar50']}|b:{bkey}",
                needs=("boundary",),
                source="ar50",
            )
        elif farmland_fetch.is_url(src):
            url = str(src)
            self.step(
                "farmland",
                lambda: farmland_fetch.fetch_farmland_url(
                    url, boundary(), client=client, settings=s
                ),
                key=f"url:{url}|b:{bkey}",
                needs=("boundary",),
                source="fkb_ar5",
                service=farmland_fetch.DOWNLOAD_SERVICE,
            )
        else:
            path = Path(src)
            work = Path(self.client.cache_dir) / "farmland-file"
            self.step(
                "farmland",
                lambda: farmland_fetch.read_farmland_file(
                    path, boundary(), work_dir=work, settings=s
                ),
                key=f"file:{file_digest(path)}|b:{bkey}",
                needs=("boundary",),
                source="fkb_ar5",
                service=f"FKB-AR5 file {path.name}",
            )

    def _zoning(self) -> None:
        if self.plan is None:
            if "zoning" in self.skip:
                self._missing("zoning", "left out on request (--skip)", "skipped")
            else:
                self._missing("zoning", plans.NOT_AVAILABLE, "not_available")
            return
        path = Path(self.plan)
        self.step(
            "zoning",
            lambda: plans.read_plan(path, settings=self.s),
            key=f"plan:{file_digest(path)}",
            service=f"kommuneplan file {path.name}",
        )

    def _finish(self, *, verify: bool) -> FetchResult:
        res = self.result
        res.name = self.name
        res.catalogue = self.out / f"{self.name}.yaml"
        self.folder.mkdir(parents=True, exist_ok=True)
        kinds = ["boundary", "walk_network", "homes", "services", "green", "transit", "roads",
                 "farmland", "zoning"]  # fmt: skip
        entries: dict[str, dict[str, Any]] = {}
        for kind in kinds:
            if kind not in self.layers:
                continue
            entry: dict[str, Any] = {"path": f"{self.name}/{kind}.gpkg", "layer": kind,
                                     "format": "vector"}  # fmt: skip
            if kind == "farmland" and self.manifest["steps"][kind].get("source") == "ar50":
                entry["description"] = AR50_COARSE_NOTE
            entries[kind] = entry
        used = {
            str(rec.get("source"))
            for st, rec in self.manifest["steps"].items()
            if st in self.layers and (st in kinds or st in ("osm_buildings", "ssb_grid"))
        }
        order = ["osm", "kartverket", "ssb", "entur", "fkb_ar5", "ar50"]
        # a layer kept from the grid alone still needs SSB's attribution, and vice versa
        if "homes" in self.layers:
            mode = self.manifest.get("homes_mode", "")
            used |= {"ssb"} if "ssb" in mode else set()
            used |= {"osm"} if "osm" in mode else set()
        desc = [
            f"Fetched by `arealanalyse fetch --kommune {self.k}`; "
            f"homes: {self.manifest.get('homes_mode', 'none')}."
        ]
        if "farmland" in entries and "description" in entries["farmland"]:
            desc.append(f"Farmland from NIBIO AR50 ({AR50_COARSE_NOTE}).")
        failed = [m.layer if m.layer == m.step else f"{m.layer} ({m.step})" for m in res.failed]
        if failed:
            desc.append(
                f"Missing after this run: {', '.join(dict.fromkeys(failed))}; see `missing:` "
                "and run the same command again to retry them."
            )
        for step, why in res.kept.items():
            desc.append(f"{step}: {why}.")
        cat = catalogue_dict(
            name=self.name,
            title=f"{self.manifest.get('kommunenavn', self.name)} ({self.k})",
            kommunenummer=self.k,
            layers=entries,
            sources=[x for x in order if x in used],
            description=" ".join(desc),
            missing=[m.as_dict() for m in res.missing],
        )
        self.manifest["missing"] = [m.as_dict() for m in res.missing]
        self._write_manifest()
        write_catalogue(res.catalogue, cat)
        if verify:
            from arealanalyse.study import Study

            Study.open(res.catalogue).layers()
        res.requests_sent = self.client.requests_sent
        res.cache_hits = self.client.cache_hits
        return res

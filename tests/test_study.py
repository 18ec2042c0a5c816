"""One `Study` per run: opened once, loaded lazily, the only way to a catalogue or a network.

Structure (checked on the source): catalogues are opened (`load_catalogue`) and walk networks built
(`WalkNetwork.from_edges` and friends) in exactly one module, `arealanalyse.study`; no public
signature that another package uses is typed `Any`; `scenarios/apply.py` reads no file.
Behaviour: a study reads each layer once and builds its network once however many steps use it;
its input hashes are the files' sha256; an in-memory study evaluates like the catalogue it came
from; a sub-study with a halo gives the homes inside its area the distances of the whole; scenario
files are read on loading, so deleting them afterwards changes nothing.
"""

from __future__ import annotations

import ast
import hashlib
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from shapely.geometry import box

from arealanalyse.errors import CatalogueError
from arealanalyse.layers import catalogue as catalogue_module
from arealanalyse.metrics import run_suite
from arealanalyse.network import WalkNetwork
from arealanalyse.scenarios.evaluate import Evaluator, check_scenario
from arealanalyse.scenarios.load import load_scenario
from arealanalyse.study import Study, network_facts
from test_scenarios import CRS, X0, Y0, build_world, write_scenario
from test_transit_classes import world_feed

SRC = Path(__file__).resolve().parents[1] / "src" / "arealanalyse"


# --------------------------------------------------------------------------- the source
def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        out[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return out


MODULES = _modules()


def _package(module: str) -> str:
    """The unit of the import boundary: ``arealanalyse.<first part>``."""
    return ".".join(module.split(".")[:2])


def _calls(tree: ast.AST, names: set[str]) -> int:
    """Calls of a function or method of one of ``names`` (``f(...)``, ``x.f(...)``)."""
    n = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            n += name in names
    return n


def test_catalogues_are_opened_and_networks_built_in_one_module() -> None:
    """`load_catalogue` is called in one module, and a walk network is built in one module."""
    opening = {m for m, t in MODULES.items() if _calls(t, {"load_catalogue"})}
    assert opening == {"arealanalyse.study"}, opening
    builders = {"from_edges", "from_osmnx", "cached", "WalkNetwork"}
    building = {
        m
        for m, t in MODULES.items()
        if _calls(t, builders) and not m.startswith("arealanalyse.network")
    }
    assert building == {"arealanalyse.study"}, building
    # the network package builds only from its own constructors (osmnx graph, cache file)
    inside = {
        m
        for m, t in MODULES.items()
        if m.startswith("arealanalyse.network") and _calls(t, builders)
    }
    assert inside == {"arealanalyse.network.graph"}, inside


def _is_any(node: ast.expr | None) -> bool:
    """A bare ``Any`` (also ``Any | None``, ``Optional[Any]``, ``Sequence[Any]``, ``list[Any]``)."""
    if node is None:
        return False
    if isinstance(node, ast.Name | ast.Attribute):
        return (node.id if isinstance(node, ast.Name) else node.attr) == "Any"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _is_any(ast.parse(node.value, mode="eval").body)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_any(node.left) or _is_any(node.right)
    if isinstance(node, ast.Subscript):
        outer = node.value.id if isinstance(node.value, ast.Name) else ""
        if outer in ("Optional", "Sequence", "list", "Iterable", "set", "frozenset"):
            return _is_any(node.slice)
    return False


def _bad_signatures(node: ast.FunctionDef | ast.ClassDef, prefix: str = "") -> list[str]:
    out: list[str] = []
    if isinstance(node, ast.FunctionDef):
        a = node.args
        for arg in a.posonlyargs + a.args + a.kwonlyargs:  # *args/**kwargs pass through
            if _is_any(arg.annotation):
                out.append(f"{prefix}{node.name}({arg.arg}: Any)")
        if _is_any(node.returns):
            out.append(f"{prefix}{node.name} -> Any")
        return out
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and (
            not item.name.startswith("_") or item.name == "__init__"
        ):
            out += _bad_signatures(item, f"{node.name}.")
        if (
            isinstance(item, ast.AnnAssign)
            and isinstance(item.target, ast.Name)
            and not item.target.id.startswith("_")
            and _is_any(item.annotation)
        ):
            out.append(f"{node.name}.{item.target.id}: Any")
    return out


def _definition(module: str, name: str, depth: int = 0) -> tuple[str, ast.AST] | None:
    """Where ``module.name`` is defined, following ``from ... import`` re-exports."""
    tree = MODULES.get(module)
    if tree is None or depth > 6:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return module, node
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("arealanalyse")
        ):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return _definition(node.module, alias.name, depth + 1)
    if module.count(".") == 1:  # a package's lazily exported names: look in its modules
        found = [
            (m, n)
            for m, t in MODULES.items()
            if m.startswith(module + ".")
            for n in t.body
            if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == name
        ]
        if len(found) == 1:
            return found[0]
    return None


def _seams() -> dict[tuple[str, str], ast.AST]:
    """Public functions and classes another package imports, or a package exports."""
    out: dict[tuple[str, str], ast.AST] = {}
    for module, tree in MODULES.items():
        names: list[tuple[str, str]] = []
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("arealanalyse.")
            ):
                names += [(node.module, a.name) for a in node.names]
        if module.count(".") == 1:  # the package's (or top-level module's) __all__
            for node in tree.body:
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
                ):
                    assert isinstance(node.value, ast.List | ast.Tuple)
                    names += [(module, e.value) for e in node.value.elts]  # type: ignore[attr-defined]
        for source, name in names:
            found = _definition(source, name)
            if found is None or name.startswith("_"):
                continue
            where, node = found
            if _package(where) != _package(module) or module.count(".") == 1:
                out[(where, name)] = node
    return out


def test_no_any_in_signatures_between_packages() -> None:
    seams = _seams()
    assert ("arealanalyse.scenarios.evaluate", "Evaluator") in seams  # the check sees them
    assert ("arealanalyse.study", "Study") in seams
    bad = sorted(
        f"{where}: {b}"
        for (where, _), node in seams.items()
        for b in _bad_signatures(node)  # type: ignore[arg-type]
    )
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("module", ["arealanalyse.scenarios.apply", "arealanalyse.scenarios.place"])
def test_apply_only_transforms(module: str) -> None:
    """Placing and applying a scenario open no file: no reader, no I/O module, no open()."""
    tree = MODULES[module]
    imported = {
        n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module is not None
    } | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not imported & {
        "arealanalyse.layers.readers",
        "arealanalyse.io",
        "arealanalyse.yamlfiles",
        "pyogrio",
        "pathlib",
        "os",
    }, imported
    readers = {"open", "read_source", "read_layer", "read_file", "read_text", "read_bytes"}
    assert _calls(tree, readers) == 0


# --------------------------------------------------------------------------- behaviour
@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny study area of test_scenarios, with a GTFS timetable in its catalogue."""
    cat = build_world(tmp_path_factory.mktemp("study-world"))
    world_feed(cat.parent)
    data = yaml.safe_load(cat.read_text())
    data["timetables"] = {"feeds": [{"path": "world-gtfs.zip"}], "date": "2026-03-04"}
    cat.write_text(yaml.safe_dump(data, sort_keys=False))
    return cat


def test_open_reads_nothing_until_asked_and_each_layer_once(world: Path, monkeypatch) -> None:
    reads: list[str] = []
    real = catalogue_module.read_layer

    def counting(path, kind, **kw):  # type: ignore[no-untyped-def]
        reads.append(kind)
        return real(path, kind, **kw)

    monkeypatch.setattr(catalogue_module, "read_layer", counting)
    study = Study.open(world)
    assert reads == [] and study.title == "Test world (synthetic)" and study.synthetic
    homes = study.layer("homes")
    homes["dwellings"] = -1.0  # a copy: the study's layer is untouched
    assert (study.layer("homes")["dwellings"] == 10.0).all()
    study.layers(["homes", "services", "nowhere"])
    assert sorted(reads) == ["boundary", "homes", "services"]  # boundary: the overlap check


def test_one_network_and_one_cache_serve_every_step(world: Path, monkeypatch) -> None:
    builds = []
    real = WalkNetwork.from_edges.__func__  # type: ignore[attr-defined]

    def counting(cls, edges, /, *, settings=None):  # type: ignore[no-untyped-def]
        builds.append(len(edges))
        return real(cls, edges, settings=settings)

    monkeypatch.setattr(WalkNetwork, "from_edges", classmethod(counting))
    study = Study.open(world)
    rows = {r["kind"]: r for r in study.check()}
    ev = Evaluator(study)
    scenario = load_scenario(
        write_scenario(world.parent, "one-net", {"transit": {"open": ["Metro B"]}})
    )
    assert check_scenario(study, scenario) == []
    ev.evaluate(scenario)
    run_suite(study.layers(), study.network, settings=study.settings, cache=study.access_cache)
    assert builds == [len(study.layer("walk_network"))]  # built once
    assert ev.net is study.network and ev.cache is study.access_cache
    # the check's facts are the graph's own, and the timetable has its row
    direct = WalkNetwork.from_edges(study.layer("walk_network"), settings=study.settings)
    assert rows["walk_network"]["network"]["nodes"] == direct.n_nodes == 21 * 31
    assert rows["walk_network"]["network"]["edges"] == direct.n_edges == 21 * 30 + 31 * 20
    assert rows["timetable"]["ok"] and "departures=" in rows["timetable"]["weight"]
    assert [r["kind"] for r in study.check()][-2:] == ["noise", "dem"]


def test_input_hashes_are_the_files_sha256(world: Path) -> None:
    study = Study.open(world)
    got = study.input_hashes()
    folder = world.parent
    for label, name in [
        (f"catalogue:{world.name}", world.name),
        ("layer:homes:world.gpkg", "world.gpkg"),
        ("raster:noise:noise.tif", "noise.tif"),
        ("raster:dem:dem.tif", "dem.tif"),
        ("timetable:world-gtfs.zip", "world-gtfs.zip"),
    ]:
        assert got[label] == hashlib.sha256((folder / name).read_bytes()).hexdigest(), label
    assert set(study.input_files()) == set(got)


def test_a_study_in_memory_evaluates_like_its_catalogue(world: Path) -> None:
    opened = Study.open(world)
    memory = Study.from_layers(
        opened.layers(),
        settings=opened.settings,
        name="world",
        timetable=opened.timetable(),
        rasters={"noise": opened.raster("noise"), "dem": opened.raster("dem")},
    )
    assert memory.input_hashes() == {} and memory.path is None and memory.has_timetable
    path = write_scenario(
        world.parent,
        "memory",
        {"sites": [{"id": "k", "use": "kontor", "bra_m2": 10_000, "area": "Sentrum A"}]},
    )
    a = Evaluator(opened).evaluate(load_scenario(path))
    b = Evaluator(memory).evaluate(load_scenario(path))
    pd.testing.assert_frame_equal(a.metrics_before_after, b.metrics_before_after)
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.sites.drop(columns="geometry")),
        pd.DataFrame(b.sites.drop(columns="geometry")),
    )


def _suite_distances(study: Study) -> pd.DataFrame:
    r = run_suite(study.layers(), study.network, settings=study.settings, euclidean=False)
    return r.per_home.filter(regex=r"^dist_.*_m$")


def test_subset_gives_inner_homes_the_distances_of_the_whole(world: Path) -> None:
    opened = Study.open(world)
    # homes off the middle of the blocks: each has one nearest street (no snapping ties)
    pts = [(37 + 100 * i, 13 + 100 * j) for i in range(30) for j in range(20)]
    homes = gpd.GeoDataFrame(
        {"dwellings": [1.0] * len(pts)},
        geometry=[shapely.Point(X0 + x, Y0 + y) for x, y in pts],
        crs=CRS,
    )
    whole = Study.from_layers({**opened.layers(), "homes": homes}, settings=opened.settings)
    area = box(X0 + 0, Y0 + 700, X0 + 1200, Y0 + 1400)
    halo = 1500.0
    part = whole.subset(area, halo_m=halo, name="west")
    assert part.area is area and part.name == "west" and part.path is None
    assert len(part.layer("walk_network")) < len(whole.layer("walk_network"))
    assert part.input_hashes()["area"] == hashlib.sha256(shapely.to_wkb(area)).hexdigest()
    full, sub = _suite_distances(whole), _suite_distances(part)
    inner = part.layer("homes").index[part.layer("homes").within(area)]
    assert len(inner) >= 10
    reach = full.loc[inner] <= halo
    assert reach.to_numpy().any()
    np.testing.assert_allclose(
        sub.loc[inner].where(reach).to_numpy(), full.loc[inner].where(reach).to_numpy()
    )


def test_study_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"^Catalogue '.*nowhere\.yaml' does not exist; "):
        Study.open(tmp_path / "nowhere.yaml")
    homes = gpd.GeoDataFrame({"dwellings": [1.0]}, geometry=[shapely.Point(0, 0)], crs=CRS)
    study = Study.from_layers({"homes": homes}, name="tiny")
    with pytest.raises(CatalogueError, match="has no walk_network layer; add one"):
        _ = study.network
    with pytest.raises(CatalogueError, match="has no 'green' layer"):
        study.layer("green")
    with pytest.raises(ValueError, match="halo_m"):
        study.subset(box(0, 0, 1, 1), halo_m=-1)
    with pytest.raises(ValueError, match="unknown raster kind"):
        Study.from_layers({"homes": homes}, rasters={"slope": None})  # type: ignore[dict-item]


# --------------------------------------------------------------------------- files first
def test_scenario_files_are_read_on_loading(world: Path, tmp_path: Path) -> None:
    """After load_scenario nothing reads the files again: deleting them changes no result."""
    folder = world.parent / "geom"
    folder.mkdir(exist_ok=True)
    site = gpd.GeoDataFrame(geometry=[box(X0 + 600, Y0 + 950, X0 + 800, Y0 + 1050)], crs=CRS)
    site.to_crs(4326).to_file(folder / "site.geojson", driver="GeoJSON")
    region = gpd.GeoDataFrame(geometry=[box(X0 + 1000, Y0 + 1500, X0 + 1400, Y0 + 1900)], crs=CRS)
    region.to_file(folder / "rezone.gpkg", driver="GPKG")
    path = write_scenario(
        world.parent,
        "files-first",
        {
            "sites": [{"id": "f", "use": "kontor", "bra_m2": 1000, "file": "geom/site.geojson"}],
            "rezone": [{"file": "geom/rezone.gpkg", "from": 1300, "to": 1110, "dwellings": 40}],
        },
    )
    hashes = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in ("site.geojson", "rezone.gpkg")
    }
    scenario = load_scenario(path)
    for name in hashes:
        (folder / name).unlink()
    result = Evaluator(Study.open(world)).evaluate(scenario)
    assert result.sites.loc[0, "area_m2"] == pytest.approx(20_000, rel=1e-3)
    assert result.rezonings.loc[0, "area_daa"] == pytest.approx(160.0, rel=1e-6)
    assert result.inputs["site_file:site.geojson"] == hashes["site.geojson"]
    assert result.inputs["rezone_file:rezone.gpkg"] == hashes["rezone.gpkg"]


# --------------------------------------------------------------------------- real data
@pytest.mark.realdata
def test_a_real_study_checks_and_subsets_exactly(real_data: Path, tmp_path: Path) -> None:
    """Skøyen's real OSM network and buildings, with Flytoget's real GTFS timetable."""
    from arealanalyse.layers.osm import read_osm

    pbf = real_data / "otp-osm-fixture-skoyen" / "skoyen.osm.pbf"
    feed = real_data / "entur-timetables" / "flytoget_gtfs_2016.zip"
    doc = {
        "schema_version": 1,
        "name": "skoyen",
        "sources": [{"name": "OpenStreetMap", "licence": "ODbL-1.0"}],
        "layers": {k: {"path": str(pbf)} for k in ("walk_network", "homes", "services", "transit")},
        "timetables": {"feeds": [{"path": str(feed)}]},
    }
    cat = tmp_path / "skoyen.yaml"
    cat.write_text(yaml.safe_dump(doc), encoding="utf-8")
    study = Study.open(cat)
    rows = {r["kind"]: r for r in study.check()}
    assert all(r["ok"] for r in rows.values()), rows
    direct = WalkNetwork.from_edges(read_osm(pbf, "walk_network"))
    assert rows["walk_network"]["network"] == network_facts(direct)
    with zipfile.ZipFile(feed) as z:  # stop places: stops without a parent station
        stops = pd.read_csv(z.open("stops.txt"), dtype=str)
    assert rows["timetable"]["features"] == int(stops["parent_station"].isna().sum())
    assert (
        study.input_hashes()[f"timetable:{feed.name}"]
        == hashlib.sha256(feed.read_bytes()).hexdigest()
    )
    # a sub-study around the middle third of the homes, with a halo longer than any distance
    homes = study.layer("homes")
    x0, y0, x1, y1 = homes.total_bounds
    area = box(x0 + (x1 - x0) / 3, y0, x0 + 2 * (x1 - x0) / 3, y1)
    halo = 600.0
    part = study.subset(area, halo_m=halo)
    full, sub = _suite_distances(study), _suite_distances(part)
    inner = part.layer("homes").index[part.layer("homes").within(area)]
    reach = full.loc[inner] <= halo
    assert reach.to_numpy().sum() > 20
    np.testing.assert_allclose(
        sub.loc[inner].where(reach).to_numpy(), full.loc[inner].where(reach).to_numpy()
    )


def test_cli_transit_departures_of_a_study_area(world: Path, capsys) -> None:
    """`transit departures --catalogue` reads the study's timetable: the feed's own answer."""
    from arealanalyse.cli import main

    window = ["--date", "2026-03-04", "--from", "07:00", "--to", "09:00", "--json"]
    assert main(["transit", "departures", str(world.parent / "world-gtfs.zip"), *window]) == 0
    direct = json.loads(capsys.readouterr().out)
    assert main(["transit", "departures", "--catalogue", str(world), *window]) == 0
    via_study = json.loads(capsys.readouterr().out)
    assert via_study["rows"] == direct["rows"] and len(direct["rows"]) >= 3
    assert main(["transit", "departures", "--catalogue", str(world), "x.zip"]) == 2
    assert "not both" in capsys.readouterr().err

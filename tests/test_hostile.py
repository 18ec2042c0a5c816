"""Bad, hostile and interrupted inputs through the CLI: one line, the right exit code, nothing lost.

Every case runs ``arealanalyse`` in-process on a copy of a tiny hand-made study area
(``tests/hostile_area.py``) and asserts: the exit code; exactly one line on stderr, starting
``error:``; no traceback; and that the folder the command ran in is byte-identical afterwards
(inputs untouched, no output, no partial or temporary file, no file a filter tried to create).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import yaml

import hostile_area as area
from arealanalyse.cli import main


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return area.build(tmp_path_factory.mktemp("hostile") / "area")


@pytest.fixture(autouse=True)
def _crash_logs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    logs = tmp_path_factory.mktemp("crash-logs")
    monkeypatch.setenv("AREALANALYSE_LOG_DIR", str(logs))
    return logs


def snapshot(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder`` (hidden ones too)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --- editing the copy of the area ---------------------------------------------------------

Edit = Callable[[Path], None]


def _yaml(d: Path, name: str) -> Any:
    return yaml.safe_load((d / name).read_text(encoding="utf-8"))


def cat(fn: Callable[[dict], None]) -> Edit:
    def edit(d: Path) -> None:
        data = _yaml(d, "area.yaml")
        fn(data)
        area.dump(d / "area.yaml", data)

    return edit


def cat_set(**changes: Any) -> Edit:
    return cat(lambda c: c.update(changes))


def layer_set(kind: str, **changes: Any) -> Edit:
    return cat(lambda c: c["layers"][kind].update(changes))


def scen(fn: Callable[[dict], None]) -> Edit:
    def edit(d: Path) -> None:
        data = _yaml(d, "scenario.yaml")
        fn(data)
        area.dump(d / "scenario.yaml", data)

    return edit


def site_set(i: int = 0, **changes: Any) -> Edit:
    return scen(lambda s: s["sites"][i].update(changes))


def rule_set(i: int = 0, **changes: Any) -> Edit:
    def edit(d: Path) -> None:
        data = _yaml(d, "rules.yaml")
        data["rules"][i].update(changes)
        area.dump(d / "rules.yaml", data)

    return edit


def write(name: str, content: str | bytes) -> Edit:
    def edit(d: Path) -> None:
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")

    return edit


def both(*edits: Edit) -> Edit:
    def edit(d: Path) -> None:
        for e in edits:
            e(d)

    return edit


def plan_set(**columns: list[Any]) -> Edit:
    def edit(d: Path) -> None:
        plan = gpd.read_file(d / "plan.geojson")
        for k, v in columns.items():
            plan[k] = v
        (d / "plan.geojson").unlink()
        plan.to_file(d / "plan.geojson", driver="GeoJSON", engine="pyogrio")

    return edit


def areas_far_apart(d: Path) -> None:
    """Two 'Sentrum' polygons 4 km apart (the second outside the area)."""
    areas = area.layers()["areas"]
    extra = areas.iloc[[0]].copy()
    extra["geometry"] = extra.translate(4000, 0)
    gpd.pd.concat([areas, extra]).to_file(d / "areas.geojson", driver="GeoJSON")
    cat(lambda c: c["layers"].update({"areas": {"path": "areas.geojson"}}))(d)


def latin1_green(d: Path) -> None:
    feature = {
        "type": "Feature",
        "properties": {"name": "Bærumsparken øst", "green_type": "park"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [x + area.X0, y + area.Y0]
                    for x, y in ((600, 600), (800, 600), (800, 800), (600, 600))
                ]
            ],
        },
    }
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
            "features": [feature],
        },
        ensure_ascii=False,
    )
    (d / "green.geojson").write_bytes(text.encode("latin-1"))
    cat(lambda c: c["layers"].update({"green": {"path": "green.geojson"}}))(d)


GTFS_HEAD = "stop_id,stop_name,stop_lat,stop_lon,location_type,vehicle_type\n"


# --- the cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    phrase: str = ""
    edit: Edit | None = None
    code: int = 2
    no_read: bool = False  # the command must fail before any layer file is read


METRICS = ("metrics", "area/area.yaml", "--out", "out")
RUN = ("scenario", "run", "area/scenario.yaml", "--out", "out")
CHECK = ("check", "area/scenario.yaml", "--rules", "area/rules.yaml", "--out", "out")
PLAN = ("check", "area/plan.geojson", "--catalogue", "area/area.yaml", "--out", "out")
SHARE = (
    "metrics", "share-within", "--homes", "area/area.gpkg", "--homes-layer", "homes",
    "--targets", "area/area.gpkg", "--targets-layer", "transit", "--targets-kind", "transit",
    "--euclidean",
)  # fmt: skip
INFO = ("layers", "info", "area/area.gpkg", "--layer", "boundary", "--kind", "boundary")

#: Filters that try to reach Python (or break the parser): refused before any data is read.
HOSTILE_FILTERS = [
    "@pd.io.common.os.system('touch pwned') == 0",
    "name == 'Tiny' and @pd.io.common.os.system('touch pwned') == 0",
    "__import__('os').system('touch pwned')",
    "__import__",
    "name.__class__.__globals__",
    "__class__.__globals__",
    "@__builtins__",
    "name == @x",
    "name.str.contains('T')",
    "`name`.str.len() > 0",
    "len(name) > 0",
    "name == 'Tiny'; import os",
    'exec(\'open("pwned", "w")\')',
    "lambda: 1",
    "[x for x in name]",
    "name if 1 else 2",
    "1 + 1 == 2",
    "name[0] == 'T'",
    "name == 'Tiny' & name == 'Tiny'",
    "~(name == 'Tiny')",
    "name == 'Tiny' # comment",
    "name == 'Tiny'\n@x",
    "(" * 60 + "name == 'Tiny'" + ")" * 60,
    "name == 'Tiny' and " * 200,
    "name == 'unterminated",
    "f'{__import__(\"os\")}' == name",
    "name == b'Tiny'",
    "name > 1e309",
    "",
    "name in 'Tiny'",
]


def _filter_cases() -> list[Case]:
    out = []
    for i, f in enumerate(HOSTILE_FILTERS):
        out += [
            Case(f"filter-catalogue-{i}", METRICS, "filter", layer_set("boundary", where=f),
                 no_read=True),
            Case(f"filter-where-{i}", (*INFO, "--where", f), "filter", no_read=True),
            Case(f"filter-share-{i}", (*SHARE, "--filter", f), "filter", no_read=True),
            Case(f"filter-rule-{i}", CHECK, "filter",
                 rule_set(0, applies_to={"scope": "site", "where": f}), no_read=True),
        ]  # fmt: skip
    return out


CASES: list[Case] = [
    *_filter_cases(),
    # filters that parse but do not fit the data
    Case("filter-unknown-column", METRICS, "not there", layer_set("boundary", where="navn == 'x'")),
    Case(
        "filter-text-vs-number",
        METRICS,
        "quote the value",
        layer_set("boundary", where="kommunenummer == 9999"),
    ),
    Case(
        "filter-nothing-left",
        METRICS,
        "no features left",
        layer_set("boundary", where="kommunenummer == '0301'"),
    ),
    Case(
        "filter-rule-unknown-column",
        CHECK,
        "not there",
        rule_set(0, applies_to={"scope": "site", "where": "colour == 'red'"}),
        no_read=True,
    ),
    # the working CRS
    Case("crs-4326", METRICS, "geographic CRS", cat_set(crs="EPSG:4326"), no_read=True),
    Case("crs-3857", METRICS, "distorts distances", cat_set(crs="EPSG:3857")),
    Case("crs-unknown-code", METRICS, "not a CRS", cat_set(crs="EPSG:999999"), no_read=True),
    Case("crs-junk", METRICS, "not a CRS", cat_set(crs="metres please"), no_read=True),
    Case("crs-number", METRICS, "crs", cat_set(crs=25832), no_read=True),
    Case("crs-feet", METRICS, "not metres", cat_set(crs="EPSG:2263"), no_read=True),
    Case("layer-crs-junk", METRICS, "not a CRS", layer_set("services", crs="bogus"), no_read=True),
    Case("info-crs-junk", (*INFO, "--crs", "bogus"), "not a CRS"),
    # catalogue structure
    Case(
        "clip-cycle",
        METRICS,
        "cycle",
        both(
            layer_set("boundary", clip={"to": "transit"}),
            layer_set("transit", clip={"to": "boundary"}),
        ),
        no_read=True,
    ),
    Case("clip-self", METRICS, "itself", layer_set("green", clip={"to": "green"}), no_read=True),
    Case(
        "clip-tolerance-inf",
        METRICS,
        "finite",
        layer_set("green", clip={"tolerance_m": 1e400}),
        no_read=True,
    ),
    Case(
        "clip-tolerance-huge",
        METRICS,
        "tolerance_m",
        layer_set("green", clip={"tolerance_m": 1e9}),
        no_read=True,
    ),
    Case(
        "clip-tolerance-negative",
        METRICS,
        "tolerance_m",
        layer_set("green", clip={"tolerance_m": -5}),
        no_read=True,
    ),
    Case(
        "encoding-unknown",
        METRICS,
        "unknown text encoding",
        layer_set("green", encoding="rot13"),
        no_read=True,
    ),
    Case(
        "kind-typo",
        METRICS,
        "did you mean 'green'",
        cat(lambda c: c["layers"].update({"grene": c["layers"].pop("green")})),
        no_read=True,
    ),
    Case("schema-version-2", METRICS, "schema_version", cat_set(schema_version=2), no_read=True),
    Case("catalogue-list", METRICS, "mapping", write("area.yaml", "- a\n- b\n"), no_read=True),
    Case("catalogue-empty", METRICS, "mapping", write("area.yaml", ""), no_read=True),
    Case("catalogue-binary", METRICS, "YAML", write("area.yaml", bytes(range(256))), no_read=True),
    Case(
        "catalogue-utf16",
        METRICS,
        "UTF-8",
        write("area.yaml", "schema_version: 1\n".encode("utf-16")),
        no_read=True,
    ),
    Case(
        "catalogue-syntax",
        METRICS,
        "not valid YAML",
        write("area.yaml", "layers: [\n"),
        no_read=True,
    ),
    Case(
        "catalogue-alias-bomb",
        METRICS,
        "aliases",
        write(
            "area.yaml",
            "".join(
                f"{k}: &{k} [{', '.join([f'*{p}'] * 20 if p else ['1'] * 20)}]\n"
                for p, k in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
            ),
        ),
        no_read=True,
    ),
    Case("catalogue-missing", ("metrics", "area/nope.yaml", "--out", "out"), "does not exist"),
    Case("layer-file-missing", METRICS, "does not exist", layer_set("green", path="nope.gpkg")),
    Case(
        "no-walk-network", METRICS, "walk_network", cat(lambda c: c["layers"].pop("walk_network"))
    ),
    Case("latin1-geojson", METRICS, "encoding:", latin1_green),
    Case(
        "cp1252-csv",
        METRICS,
        "encoding:",
        both(
            write("shops.csv", "x;y;name\n590400;6643450;Kjøpmann\u2019s\n".encode("cp1252")),
            layer_set(
                "services",
                path="shops.csv",
                layer=None,
                crs="EPSG:25832",
                values={"category": "grocery"},
            ),
        ),
    ),
    Case(
        "duplicate-area-names",
        RUN,
        "more than one place",
        both(areas_far_apart, site_set(0, geometry=None, area="Sentrum")),
    ),
    # scenario numbers and names
    *[
        Case(f"bra-{v}", RUN, "bra_m2", site_set(0, bra_m2=x), no_read=True)
        for v, x in (
            ("nan", float("nan")),
            ("inf", float("inf")),
            ("1e12", 1e12),
            ("neg", -1),
            ("text", "lots"),
        )
    ],
    Case("dwellings-huge", RUN, "dwellings", site_set(1, dwellings=10**9), no_read=True),
    Case("dwellings-neg", RUN, "dwellings", site_set(1, dwellings=-3), no_read=True),
    Case("year-1850", RUN, "year", site_set(1, year=1850), no_read=True),
    Case("year-3000", RUN, "year", site_set(1, year=3000), no_read=True),
    Case("year-outside-period", RUN, "outside the period", site_set(1, year=2050), no_read=True),
    *[
        Case(
            f"jobs-{v}",
            RUN,
            "jobs_per_1000m2",
            scen(lambda s, x=x: s.update(jobs_per_1000m2={"kontor": x})),
            no_read=True,
        )
        for v, x in (("inf", float("inf")), ("nan", float("nan")), ("1e6", 1e6), ("neg", -5))
    ],
    Case(
        "period-reversed",
        RUN,
        "swap",
        scen(lambda s: s.update(period={"start": 2040, "end": 2026})),
        no_read=True,
    ),
    Case(
        "period-absurd",
        RUN,
        "period",
        scen(lambda s: s.update(period={"start": 0, "end": 9999})),
        no_read=True,
    ),
    Case(
        "abc-inf",
        RUN,
        "abc",
        scen(lambda s: s.update(abc={"a_max_m": float("inf"), "b_max_m": 1000})),
        no_read=True,
    ),
    Case(
        "geometry-inf",
        RUN,
        "finite",
        site_set(0, geometry="POLYGON ((0 0, inf 0, 1 1, 0 0))"),
        no_read=True,
    ),
    Case("geometry-junk", RUN, "geometry", site_set(0, geometry="POLYGON (((("), no_read=True),
    Case("duplicate-site-ids", RUN, "duplicate site id", site_set(1, id="k1"), no_read=True),
    Case(
        "site-unknown-area", RUN, "unknown named area", site_set(0, geometry=None, area="Nowhere")
    ),
    Case(
        "footprint-nan",
        RUN,
        "footprint_m2",
        site_set(0, geometry=None, area="Sentrum", footprint_m2=float("nan")),
        no_read=True,
    ),
    Case("scenario-crs-junk", RUN, "CRS", scen(lambda s: s.update(crs="bogus")), no_read=True),
    Case(
        "scenario-unknown-key",
        RUN,
        "did you mean 'sites'",
        scen(lambda s: s.update(sties=[])),
        no_read=True,
    ),
    Case(
        "scenario-extends-missing",
        RUN,
        "extends",
        scen(lambda s: s.update(extends="nope.yaml")),
        no_read=True,
    ),
    Case(
        "scenario-extends-self",
        RUN,
        "cycle",
        scen(lambda s: s.update(extends="scenario.yaml")),
        no_read=True,
    ),
    Case(
        "scenario-catalogue-missing",
        RUN,
        "catalogue",
        scen(lambda s: s.update(catalogue="nope.yaml")),
        no_read=True,
    ),
    Case("scenario-use-typo", RUN, "kontor", site_set(0, use="kontr"), no_read=True),
    # rule files
    *[
        Case(f"threshold-{v}", CHECK, "threshold", rule_set(0, threshold=x), no_read=True)
        for v, x in (
            ("true", True),
            ("false", False),
            ("inf", float("inf")),
            ("nan", float("nan")),
            ("1e9", 1e9),
            ("negative", -5),
            ("text", "1000"),
            ("null", None),
        )
    ],
    Case(
        "threshold-yes-yaml",
        CHECK,
        "threshold",
        lambda d: (d / "rules.yaml").write_text(
            (d / "rules.yaml")
            .read_text(encoding="utf-8")
            .replace("threshold: 1000", "threshold: yes", 1),
            encoding="utf-8",
        ),
        no_read=True,
    ),
    Case(
        "threshold-list-bool",
        CHECK,
        "threshold",
        rule_set(0, operator="in", threshold=[True]),
        no_read=True,
    ),
    Case(
        "threshold-category-number",
        CHECK,
        "text",
        rule_set(0, measure="abc_class", operator="==", threshold=1),
        no_read=True,
    ),
    Case("rule-operator", CHECK, "operator", rule_set(0, operator="~="), no_read=True),
    Case(
        "rule-measure-typo", CHECK, "did you mean", rule_set(0, measure="dist_rail"), no_read=True
    ),
    Case(
        "rule-duplicate-id",
        CHECK,
        "duplicate rule id",
        lambda d: rule_set(1, id=_yaml(d, "rules.yaml")["rules"][0]["id"])(d),
        no_read=True,
    ),
    # plan proposals and --period
    Case("proposal-year-1850", PLAN, "year", plan_set(year=[1850, 2030])),
    Case("proposal-bra-huge", PLAN, "BRA", plan_set(BRA=[1e12, 10])),
    Case("proposal-bra-text", PLAN, "numeric", plan_set(BRA=["lots", "10"])),
    Case("proposal-dwellings-neg", PLAN, "dwellings", plan_set(dwellings=[-5, 10])),
    Case("proposal-year-text", PLAN, "numeric", plan_set(year=["soon", "2030"])),
    Case("proposal-duplicate-ids", PLAN, "duplicate", plan_set(site_id=["A", "A"])),
    Case("proposal-junk-file", PLAN, "cannot be read", write("plan.geojson", "{not json")),
    Case(
        "proposal-latin1",
        PLAN,
        "--encoding",
        write(
            "plan.geojson",
            (
                '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                '{"arealformål":1310,"BRA":10,"feltnavn":"Bærum"},"geometry":{"type":"Polygon",'
                '"coordinates":[[[590250,6643450],[590350,6643450],[590350,6643550],[590250,6643450]]]'
                "}}]}"
            ).encode("latin-1"),
        ),
    ),
    Case(
        "period-re-checks-years",
        (*CHECK, "--period", "2050-2060"),
        "outside the period",
        no_read=True,
    ),
    Case("period-absurd-cli", (*CHECK, "--period", "0000-9999"), "not plausible", no_read=True),
    Case("period-reversed-cli", (*CHECK, "--period", "2040-2026"), "swap", no_read=True),
    Case("period-text", (*CHECK, "--period", "soon"), "START-END", no_read=True),
    # GTFS
    Case(
        "gtfs-text-in-integer",
        ("layers", "info", "area/stops.txt", "--kind", "transit"),
        "whole numbers",
        write("stops.txt", GTFS_HEAD + "1,A,59.9,10.6,0,rail\n"),
    ),
    Case(
        "gtfs-duplicate-stop-id",
        ("layers", "info", "area/stops.txt", "--kind", "transit"),
        "stop_id '1'",
        write("stops.txt", GTFS_HEAD + "1,A,59.9,10.6,0,100\n1,B,59.9,10.7,0,700\n"),
    ),
    Case(
        "gtfs-latin1",
        ("layers", "info", "area/stops.txt", "--kind", "transit"),
        "encoding",
        write("stops.txt", (GTFS_HEAD + "1,Bærum,59.9,10.6,0,100\n").encode("latin-1")),
    ),
    Case(
        "gtfs-zip-junk",
        ("layers", "info", "area/gtfs.zip", "--kind", "transit"),
        "gtfs.zip",
        write("gtfs.zip", b"PK\x03\x04 not really a zip"),
    ),
    # CLI misuse
    Case("missing-option", ("metrics", "share-within", "--homes", "x"), "Missing option"),
    Case("missing-argument", ("metrics", "run"), "Missing argument"),
    Case("unknown-command", ("bogus",), "No such command"),
    Case("unknown-option", (*METRICS, "--bogus"), "No such option"),
    Case("option-needs-value", ("scenario", "run", "area/scenario.yaml", "--out"), "requires"),
    *[
        Case(f"distance-{v}", (*SHARE, "--distance", v), "--distance")
        for v in ("abc", "inf", "nan", "1e309", "-5", "0", "1e7", ",,,", "500,abc")
    ],
    Case("lang-check", (*CHECK, "--lang", "de"), "--lang"),
    Case("lang-map", ("map", "area/area.yaml", "--lang", "de"), "nb or en"),
    Case("lang-demo", ("demo", "run", "--lang", "de", "--out", "out"), "--lang"),
    Case("kind-typo-cli", ("layers", "info", "area/area.gpkg", "--kind", "grene"), "Unknown kind"),
    Case("encoding-cli", (*INFO, "--encoding", "rot13"), "unknown text encoding"),
    Case("encoding-check", (*PLAN, "--encoding", "rot13"), "unknown text encoding"),
    Case("scale-zero", ("demo", "build", "--scale", "0", "--out", "out"), "--scale"),
    Case(
        "weights-text",
        (
            "scenario",
            "compare",
            "area/scenario.yaml",
            "area/scenario.yaml",
            "--weights",
            "farmland=abc",
            "--out",
            "out",
        ),
        "not a number",
    ),
    Case(
        "weights-unknown",
        ("scenario", "compare", "area/scenario.yaml", "--weights", "farmlnd=1", "--out", "out"),
        "farmland",
    ),
    Case(
        "weights-alias-bomb",
        ("scenario", "compare", "area/scenario.yaml", "--weights", "area/w.yaml", "--out", "out"),
        "aliases",
        write(
            "w.yaml",
            "a: &a [1,1]\n" + "".join(f"b{i}: [{', '.join(['*a'] * 20)}]\n" for i in range(6)),
        ),
    ),
    Case(
        "compare-same-name-twice",
        ("scenario", "compare", "area/scenario.yaml", "area/scenario.yaml", "--out", "out"),
        "both named",
    ),
    Case("fetch-missing-kommune", ("fetch",), "--kommune"),
    *[
        Case(
            f"fetch-timeout-{v}",
            ("fetch", "--kommune", "3201", "--timeout", v, "--out", "out"),
            "--timeout",
        )
        for v in ("nan", "inf", "0", "abc")
    ],
    Case("scale-huge", ("demo", "build", "--scale", "100000", "--out", "out"), "--scale"),
    Case(
        "weights-yes",
        ("scenario", "compare", "area/scenario.yaml", "--weights", "area/w.yaml", "--out", "out"),
        "not a number",
        write("w.yaml", "farmland: yes\n"),
    ),
    Case(
        "rule-period-years-inf",
        CHECK,
        "period_years",
        rule_set(-1, params={"period_years": float("inf")}),
        no_read=True,
    ),
    Case(
        "layer-negative-jobs",
        METRICS,
        "negative jobs",
        both(
            write("work.csv", "x;y;jobs\n590350;6643550;-40\n"),
            layer_set("workplaces", path="work.csv", layer=None, crs="EPSG:25832"),
        ),
    ),
    Case(
        "layer-inf-bra",
        METRICS,
        "infinite",
        both(
            write("work.csv", "x;y;bra_m2\n590350;6643550;inf\n"),
            layer_set("workplaces", path="work.csv", layer=None, crs="EPSG:25832"),
        ),
    ),
    Case(
        "map-corrupt-gpkg",
        ("map", "area/bad.gpkg", "--out", "out.html"),
        "cannot be read",
        write("bad.gpkg", "garbage"),
    ),
    Case(
        "map-unknown-input",
        ("map", "area/notes.txt", "--out", "out.html"),
        "unknown input",
        write("notes.txt", "hi"),
    ),
    Case(
        "map-not-yaml-mapping",
        ("map", "area/list.yaml", "--out", "out.html"),
        "mapping",
        write("list.yaml", "- 1\n"),
    ),
    Case("info-directory", ("layers", "info", "area", "--kind", "green"), "area"),
    Case(
        "info-text-as-gpkg",
        ("layers", "info", "area/fake.gpkg", "--kind", "green"),
        "cannot read",
        write("fake.gpkg", "not a geopackage"),
    ),
    Case(
        "info-empty-file",
        ("layers", "info", "area/empty.geojson", "--kind", "green"),
        "empty",
        write("empty.geojson", ""),
    ),
    # outputs that are in the way
    Case(
        "out-is-file-metrics",
        ("metrics", "area/area.yaml", "--out", "area/area.gpkg"),
        "is a file",
        no_read=True,
    ),
    Case(
        "out-is-file-run",
        ("scenario", "run", "area/scenario.yaml", "--out", "area/area.gpkg"),
        "is a file",
        no_read=True,
    ),
    Case("out-is-file-check", (*CHECK[:-1], "area/rules.yaml"), "is a file", no_read=True),
    Case(
        "out-foreign-folder",
        ("metrics", "area/area.yaml", "--out", "area"),
        "did not write",
        no_read=True,
    ),
    Case("map-out-is-folder", ("map", "area/area.yaml", "--out", "area"), "folder"),
]


def _ids() -> list[str]:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return ids


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 150


@pytest.mark.parametrize("case", CASES, ids=_ids())
def test_bad_input_is_one_line_and_leaves_everything_as_it_was(
    case: Case,
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copytree(source, tmp_path / "area")
    if case.edit is not None:
        case.edit(tmp_path / "area")
    monkeypatch.chdir(tmp_path)
    if case.no_read:
        import pyogrio

        def refuse(*_a: Any, **_k: Any) -> None:
            raise AssertionError("a layer file was read before the input was checked")

        monkeypatch.setattr(pyogrio, "read_dataframe", refuse)
        monkeypatch.setattr("arealanalyse.layers.readers.read_source", refuse)
    before = snapshot(tmp_path)
    code = main(list(case.argv))
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert code == case.code, cap.err
    assert len(lines) == 1 and lines[0].startswith("error: "), cap.err
    assert case.phrase in lines[0]
    assert "Traceback" not in cap.err + cap.out
    assert snapshot(tmp_path) == before  # inputs byte-identical, no output, no stray file


# --- interruption and internal errors, in-process ------------------------------------------


def _interrupt_on_write(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Make the second file write of a run trigger ``action`` (a signal, an exception)."""
    import arealanalyse.io as aio

    real = aio.atomic_path
    calls = {"n": 0}

    def patched(path: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            action()
        return real(path)

    monkeypatch.setattr(aio, "atomic_path", patched)


def _kill_self(sig: int) -> Callable[[], None]:
    def action() -> None:
        os.kill(os.getpid(), sig)

    return action


def _raise_runtime() -> None:
    raise RuntimeError("injected fault")


INTERRUPTIONS = [
    (what, argv, action, code, previous)
    for argv in (METRICS, RUN, CHECK)
    for what, action, code, previous in (
        ("SIGTERM", _kill_self(signal.SIGTERM), 128 + signal.SIGTERM, True),
        ("SIGINT", _kill_self(signal.SIGINT), 128 + signal.SIGINT, False),
        ("fault", _raise_runtime, 3, False),
    )
]


@pytest.mark.parametrize(
    ("what", "argv", "action", "code", "previous"),
    INTERRUPTIONS,
    ids=[f"{' '.join(a[1][:2])}-{a[0]}{'-over-previous' if a[4] else ''}" for a in INTERRUPTIONS],
)
def test_interrupted_run_leaves_nothing_partial(
    what: str,
    argv: tuple[str, ...],
    action: Callable[[], None],
    code: int,
    previous: bool,
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    _crash_logs: Path,
) -> None:
    shutil.copytree(source, tmp_path / "area")
    monkeypatch.chdir(tmp_path)
    if previous:
        assert main(list(argv)) in (0, 1)  # check exits 1 when a rule fails
        assert (tmp_path / "out" / "manifest.json").is_file()
    capsys.readouterr()
    before = snapshot(tmp_path)
    _interrupt_on_write(monkeypatch, action)
    got = main(list(argv))
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert got == code, cap.err
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in cap.err
    assert snapshot(tmp_path) == before  # previous output intact (or none), no staging left
    if what == "fault":
        assert "internal error (RuntimeError: injected fault)" in lines[0]
        log = Path(lines[0].split("the traceback is in ")[1].split("; please")[0])
        assert log.parent == _crash_logs
        text = log.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" in text and "injected fault" in text
    else:
        assert f"interrupted ({what})" in lines[0]


def test_verbose_shows_the_traceback_of_an_internal_error(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    shutil.copytree(source, tmp_path / "area")
    monkeypatch.chdir(tmp_path)
    _interrupt_on_write(monkeypatch, _raise_runtime)
    assert main(["--verbose", *METRICS]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and err.strip().splitlines()[-1].startswith(
        "error: internal error"
    )


def test_latin1_layer_reads_with_the_encoding_option(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arealanalyse.layers.catalogue import load_catalogue

    shutil.copytree(source, tmp_path / "area")
    latin1_green(tmp_path / "area")
    layer_set("green", encoding="latin-1")(tmp_path / "area")
    green = load_catalogue(tmp_path / "area" / "area.yaml").layer("green")
    assert green["name"].tolist() == ["Bærumsparken øst"]
    cp = tmp_path / "shops.csv"
    cp.write_bytes("x;y;name\n590400;6643450;Kjøpmann\u2019s\n".encode("cp1252"))
    from arealanalyse.layers.readers import read_layer

    shops = read_layer(cp, "services", crs="EPSG:25832", values={"category": "grocery"},
                       encoding="cp1252")  # fmt: skip
    assert shops["name"].tolist() == ["Kjøpmann\u2019s"]


def test_area_names_close_together_are_one_area(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented merge rule: same-named parts within 200 m are one area."""
    from arealanalyse.layers.catalogue import load_catalogue

    shutil.copytree(source, tmp_path / "area")
    areas = area.layers()["areas"]
    extra = areas.iloc[[0]].copy()
    extra["geometry"] = extra.translate(350, 0)  # 50 m east of the first 'Sentrum'
    gpd.pd.concat([areas, extra]).to_file(tmp_path / "area" / "areas.geojson", driver="GeoJSON")
    cat(lambda c: c["layers"].update({"areas": {"path": "areas.geojson"}}))(tmp_path / "area")
    got = load_catalogue(tmp_path / "area" / "area.yaml").layer("areas")
    assert (got["name"] == "Sentrum").sum() == 2


def test_a_rule_where_selects_sites(source: Path) -> None:
    from arealanalyse.rules import evaluate, load_rules
    from arealanalyse.scenarios.evaluate import evaluate_scenario
    from arealanalyse.scenarios.load import load_scenario
    from arealanalyse.study import Study

    rules = copy.deepcopy(_yaml(source, "rules.yaml"))
    rule = rules["rules"][0]
    rule["applies_to"] = {"scope": "site", "where": "bra_m2 >= 5000"}
    rules["rules"] = [rule]
    p = source.parent / "where-rules.yaml"
    area.dump(p, rules)
    scenario = load_scenario(source / "scenario.yaml")
    assert scenario.catalogue is not None
    ev = evaluate(evaluate_scenario(Study.open(scenario.catalogue), scenario), load_rules(p))
    verdicts = dict(zip(ev.table["site_id"], ev.table["verdict"], strict=True))
    assert verdicts["b1"] == "not_applicable" and verdicts["k1"] != "not_applicable"


# --- the same guarantees on real files (../shared/data/real; derived files go to tmp_path) -----

KOMMUNER = "robhop-kommuner/kommuner_baerum_asker_oslo_M.geojson"
VY_STOPS = "vy-gtfs-stops-2019/stops_vy_2019_full_norway.txt"
SSB_GRID = "geoforum-ssb-grid/ru250m_2015_baerum_asker_raw.csv"


def _real_catalogue(real: Path, folder: Path, crs: str, **transit: Any) -> Path:
    data = {
        "schema_version": 1,
        "name": "baerum-real",
        "crs": crs,
        "layers": {
            "boundary": {"path": str(real / KOMMUNER), "where": "kommunenummer == '3201'"},
            "transit": {
                "path": str(real / VY_STOPS),
                "where": "vehicle_type == 100",
                "clip": {"to": "boundary", "tolerance_m": 300},
                **transit,
            },
            "homes": {"path": str(real / SSB_GRID), "clip": {"to": "boundary"}},
        },
    }
    return area.dump(folder / "real.yaml", data)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("crs", "code", "phrase"),
    [
        ("EPSG:25832", 0, ""),
        ("EPSG:25833", 0, ""),
        ("EPSG:25835", 2, "distorts distances by 1.0"),  # UTM 35N (Finnmark) over western Bærum
        ("EPSG:3857", 2, "distorts distances by 100"),
        ("EPSG:4326", 2, "geographic CRS"),
    ],
)
def test_real_baerum_working_crs(
    crs: str, code: int, phrase: str, real_data: Path, tmp_path: Path, capsys
) -> None:
    cat_path = _real_catalogue(real_data, tmp_path, crs)
    assert main(["layers", "check", str(cat_path), "--json"]) == code
    err = capsys.readouterr().err.strip()
    assert (err == "") if code == 0 else (len(err.splitlines()) == 1 and phrase in err)


@pytest.mark.realdata
@pytest.mark.parametrize("f", HOSTILE_FILTERS[:8])
def test_real_gtfs_hostile_filter_is_refused_before_reading(
    f: str, real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("arealanalyse.layers.readers.read_source", None)  # any read would crash
    argv = ["metrics", "share-within", "--homes", str(real_data / SSB_GRID),
            "--targets", str(real_data / VY_STOPS), "--targets-kind", "transit",
            "--euclidean", "--filter", f]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "filter" in err[0]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.realdata
def test_real_gtfs_in_latin1_needs_the_encoding_option(real_data: Path, tmp_path: Path) -> None:
    from arealanalyse.errors import LayerFileError
    from arealanalyse.layers.catalogue import load_catalogue

    latin1 = tmp_path / "stops.txt"
    latin1.write_bytes((real_data / VY_STOPS).read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(LayerFileError, match=r"not UTF-8 text .* encoding: option"):
        load_catalogue(_real_catalogue(real_data, tmp_path, "EPSG:25832", path=str(latin1))).layer(
            "transit"
        )
    names = load_catalogue(
        _real_catalogue(real_data, tmp_path, "EPSG:25832", path=str(latin1), encoding="latin-1")
    ).layer("transit")["name"]
    assert "Høvik stasjon" in set(names)  # the same stations as from the UTF-8 original


@pytest.mark.realdata
def test_real_gtfs_with_a_duplicated_or_broken_row(real_data: Path, tmp_path: Path) -> None:
    from arealanalyse.errors import CodeError
    from arealanalyse.layers.readers import read_layer

    lines = (real_data / VY_STOPS).read_text(encoding="utf-8").splitlines(keepends=True)
    dup = tmp_path / "dup_stops.txt"
    dup.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(CodeError, match=r"stop_id 'NSR:StopPlace:536' occurs 2 times"):
        read_layer(dup, "transit")
    broken = tmp_path / "broken_stops.txt"
    broken.write_text("".join([*lines[:2], lines[2].replace(",700\n", ",buss\n"), *lines[3:]]))
    with pytest.raises(
        CodeError, match=r"vehicle_type must hold whole numbers but row 3 has 'buss'"
    ):
        read_layer(broken, "transit")


def test_report_totals_with_inf_and_nan_do_not_crash() -> None:
    """A total that is not finite is shown as such, never a crash in round()."""
    from arealanalyse.report.review import _fmt_total

    assert _fmt_total(float("inf"), "en") == "not reached"
    assert _fmt_total(float("nan"), "nb") == "–"
    assert _fmt_total(12.5, "en") == "12.50"

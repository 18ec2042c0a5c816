"""Staged output folders: complete or absent, never a mix; what killed runs leave is cleaned up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from arealanalyse.errors import OutputError
from arealanalyse.io import Interrupted, atomic_path, handle_signals, staged_output


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_manifest_lists_every_file_with_its_hash(tmp_path: Path) -> None:
    import hashlib

    src = tmp_path / "input.txt"
    src.write_text("data")
    with staged_output(tmp_path / "out", command="test", inputs=[src]) as stage:
        (stage.path / "sub").mkdir()
        (stage.path / "sub" / "a.csv").write_text("a,b\n")
        assert not (tmp_path / "out").exists()  # nothing in place before the end
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["arealanalyse_output"] == "test"
    assert manifest["files"]["sub/a.csv"]["sha256"] == hashlib.sha256(b"a,b\n").hexdigest()
    assert manifest["inputs_sha256"] == {"input.txt": hashlib.sha256(b"data").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.txt", "out"]


def test_a_failed_run_keeps_the_previous_output(tmp_path: Path) -> None:
    with staged_output(tmp_path / "out", command="test") as stage:
        (stage.path / "a.txt").write_text("first")
    with pytest.raises(Interrupted), staged_output(tmp_path / "out", command="test") as stage:
        (stage.path / "a.txt").write_text("second, half")
        raise Interrupted(15)
    assert (tmp_path / "out" / "a.txt").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_library_manifest_is_kept_and_completed(tmp_path: Path) -> None:
    with staged_output(tmp_path / "out", command="test") as stage:
        (stage.path / "manifest.json").write_text(json.dumps({"scenario": "a"}))
        stage.inputs["catalogue:x.yaml"] = "00"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["scenario"] == "a" and manifest["inputs_sha256"] == {"catalogue:x.yaml": "00"}


def test_a_folder_of_other_files_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "thesis.docx").write_text("years of work")
    with (
        pytest.raises(OutputError, match=r"thesis\.docx"),
        staged_output(tmp_path / "out", command="test"),
    ):
        pass
    assert (tmp_path / "out" / "thesis.docx").read_text() == "years of work"
    # an older version's output (no manifest) is recognised by the names it holds
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "review.md").write_text("old")
    with staged_output(tmp_path / "old", command="check", owns={"review.md"}) as stage:
        (stage.path / "review.md").write_text("new")
    assert (tmp_path / "old" / "review.md").read_text() == "new"


def test_an_existing_file_is_not_an_output_folder(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with (
        pytest.raises(OutputError, match="is a file"),
        staged_output(tmp_path / "out", command="test"),
    ):
        pass


def test_leftovers_of_killed_runs_are_cleaned_and_an_old_output_restored(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = tmp_path / f".out.staging-{dead}-abcd1234"
    stale.mkdir()
    (stale / "half.csv").write_text("half")
    # killed between the two renames of a swap: the previous output waits under .old-*
    old = tmp_path / f".out.old-{dead}-abcd1234"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps({"arealanalyse_version": "0"}))
    (old / "a.txt").write_text("previous")
    temp = tmp_path / f".map.html.{dead}-x1.tmp.html"
    temp.write_text("half a map")
    live = tmp_path / f".out.staging-{os.getpid()}-ffff0000"  # a live run's: left alone
    live.mkdir()
    from arealanalyse.io import check_output_folder

    check_output_folder(tmp_path / "out")
    assert not stale.exists() and not old.exists() and live.exists()
    assert (tmp_path / "out" / "a.txt").read_text() == "previous"
    with atomic_path(tmp_path / "map.html") as tmp:
        tmp.write_text("a map")
    assert not temp.exists() and (tmp_path / "map.html").read_text() == "a map"


def test_handle_signals_turns_sigterm_into_interrupted() -> None:
    import signal

    with pytest.raises(Interrupted) as info, handle_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs between bytecodes
            pass
    assert info.value.exit_code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_main_job_result_moves_with_its_folder(tmp_path: Path) -> None:
    import pandas as pd

    from arealanalyse.workflow import MainJobResult, ScenarioOutcome

    a = tmp_path / ".stage"
    res = MainJobResult(
        out_dir=a,
        index=a / "index.html",
        baseline_summary=pd.DataFrame(),
        baseline_maps={"study": a / "baseline" / "kart.html"},
        scenarios=[
            ScenarioOutcome(
                "s",
                "S",
                "pass",
                [],
                {},
                a / "scenarios" / "s",
                {"md": a / "review" / "s" / "review.md"},
                a / "scenarios" / "s" / "k.html",
            )
        ],
        ranking=pd.DataFrame(),
        comparison={"map": a / "comparison" / "kart.html"},
        synthetic=True,
        seconds=1.0,
    )
    moved = res.moved_to(tmp_path / "output")
    out = tmp_path / "output"
    assert moved.index == out / "index.html"
    assert moved.baseline_maps["study"] == out / "baseline" / "kart.html"
    assert moved.scenarios[0].review["md"] == out / "review" / "s" / "review.md"
    assert moved.scenarios[0].map_path == out / "scenarios" / "s" / "k.html"
    assert moved.comparison["map"] == out / "comparison" / "kart.html"

"""SIGKILL at random moments never leaves an output folder with a manifest but missing files.

A fork server (one Python process that has imported arealanalyse once) forks a child per run, so
each of the many killed runs starts computing at once instead of paying for imports. The test
kills the child with SIGKILL after a random delay drawn over the length of a complete run, then
checks the output folder: absent, or complete (every file the manifest lists, with its sha256,
and nothing else); the inputs byte-identical; and that the next complete run cleans up what the
killed ones left (hidden staging folders).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import hostile_area as area

KILLS = 20  # per command (the acceptance asks for at least 20)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")

SERVER = r"""
import json, os, sys, time
import arealanalyse.cli, arealanalyse.metrics, arealanalyse.report, arealanalyse.rules
import arealanalyse.scenarios.evaluate, arealanalyse.network
from arealanalyse.cli import main
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            os.chdir(req["cwd"])
            null = os.open(os.devnull, os.O_RDWR)
            err = os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(null, 0); os.dup2(null, 1); os.dup2(err, 2)
            code = main(req["argv"])
        finally:
            os._exit(code)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": status, "seconds": time.perf_counter() - t0}), flush=True)
"""


class ForkServer:
    """Runs ``arealanalyse`` argv in forked children of one pre-imported process."""

    def __init__(self) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert json.loads(self._read())["ready"]

    def _read(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the fork server died")
        return line

    def run(self, argv: list[str], cwd: Path, *, kill_after: float | None = None) -> dict:
        """Run argv; with ``kill_after``, SIGKILL the child after that many seconds."""
        assert self.proc.stdin is not None
        req = {"argv": argv, "cwd": str(cwd), "stderr": str(cwd / "stderr.txt")}
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        pid = json.loads(self._read())["pid"]
        if kill_after is not None:
            time.sleep(kill_after)
            with contextlib.suppress(ProcessLookupError):  # already finished and reaped
                os.kill(pid, signal.SIGKILL)
        done = json.loads(self._read())
        status = done["status"]
        return {
            "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
            "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "seconds": done["seconds"],
        }

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    s = ForkServer()
    yield s
    s.close()


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _digest(p) for p in folder.rglob("*") if p.is_file()}


def assert_complete_or_absent(out: Path) -> bool:
    """The output folder is absent, or holds exactly the files its manifest lists."""
    if not out.exists():
        return False
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = manifest["files"]
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert present - {"manifest.json"} == set(listed), "files differ from the manifest"
    for rel, meta in listed.items():
        assert _digest(out / rel) == meta["sha256"], f"{rel} differs from its manifest entry"
    return True


COMMANDS = {
    "metrics": ["metrics", "area/area.yaml", "--out", "out"],
    "scenario-run": ["scenario", "run", "area/scenario.yaml", "--out", "out"],
    "check": ["check", "area/scenario.yaml", "--rules", "area/rules.yaml", "--out", "out"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_sigkill_at_random_moments(command: str, server: ForkServer, tmp_path: Path) -> None:
    argv = COMMANDS[command]
    area.build(tmp_path / "area")
    inputs = _snapshot(tmp_path / "area")
    ok_codes = (0, 1) if command == "check" else (0,)
    out = tmp_path / "out"
    first = server.run(argv, tmp_path)  # a complete run: its length sets the kill window
    assert first["code"] in ok_codes, (tmp_path / "stderr.txt").read_text()
    assert assert_complete_or_absent(out)
    full = first["seconds"]
    rng = random.Random(f"kill-{command}")
    kills = runs = complete_seen = 0
    while kills < KILLS:
        runs += 1
        assert runs < 6 * KILLS, f"only {kills} of {runs} runs were killed before finishing"
        if kills == KILLS // 2 and out.exists():  # half the kills over no output at all
            shutil.rmtree(out)
        res = server.run(argv, tmp_path, kill_after=rng.uniform(0.0, 1.1 * full))
        if res["killed"]:
            kills += 1
        else:  # finished first: the machine got faster; aim at the new length
            assert res["code"] in ok_codes, (tmp_path / "stderr.txt").read_text()
            full = res["seconds"]
        complete_seen += assert_complete_or_absent(out)
        assert _snapshot(tmp_path / "area") == inputs, "an input file changed"
    # a rerun over the interrupted runs starts clean and leaves nothing hidden behind
    res = server.run(argv, tmp_path)
    assert res["code"] in ok_codes, (tmp_path / "stderr.txt").read_text()
    assert assert_complete_or_absent(out)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [], f"left behind: {left}"
    assert _snapshot(tmp_path / "area") == inputs


def test_sigterm_and_sigint_clean_up_with_one_line(server: ForkServer, tmp_path: Path) -> None:
    argv = COMMANDS["metrics"]
    area.build(tmp_path / "area")
    first = server.run(argv, tmp_path)
    assert first["code"] == 0
    before = _snapshot(tmp_path / "out")
    rng = random.Random("signals")
    interrupted = set()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGTERM, signal.SIGINT):
        assert server.proc.stdin is not None
        req = {"argv": argv, "cwd": str(tmp_path), "stderr": str(tmp_path / "stderr.txt")}
        server.proc.stdin.write(json.dumps(req) + "\n")
        server.proc.stdin.flush()
        pid = json.loads(server._read())["pid"]
        time.sleep(rng.uniform(0.2, 0.8) * first["seconds"])
        with contextlib.suppress(ProcessLookupError):  # finished (and reaped) before the signal
            os.kill(pid, sig)
        status = json.loads(server._read())["status"]
        err = (tmp_path / "stderr.txt").read_text().strip().splitlines()
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 128 + sig:
            interrupted.add(sig)
            assert len(err) == 1 and f"interrupted ({signal.Signals(sig).name})" in err[0], err
            assert _snapshot(tmp_path / "out") == before  # the previous output, untouched
        else:  # finished before the signal arrived
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (status, err)
            assert_complete_or_absent(tmp_path / "out")
            before = _snapshot(tmp_path / "out")
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert interrupted, "no run was interrupted"

"""The documentation's examples run as tests.

Every fenced block in ``docs/*.md`` and ``README.md`` tagged ``console`` or ``python`` is run, in
the order it appears, against the demo study area:

* ``console``: each line starting with ``$ arealanalyse`` (a trailing ``\\`` continues it) is run
  through :func:`arealanalyse.cli.main`; lines without ``$`` are output and ignored. The exit code
  must be 0, or the one annotated with a trailing comment ``# exit N``. Globs are expanded as a
  shell would.
* ``python``: the blocks of one page run in one namespace (later blocks see earlier names).
* A block whose info string contains ``norun`` (```` ```python norun ````), and blocks tagged
  ``bash``, ``yaml``, ``text`` or nothing, are not run.
* ``<!-- write: PATH -->`` on the line before a block writes the block's text to ``PATH`` first
  (e.g. a scenario file the following commands use).

Everything runs in a temporary project folder: ``layers/`` is the demo study area (the project's
own ``layers/`` when the demo is built, else one generated once per session), ``scenarios/`` a
copy of the shipped files, so ``--out output/...`` never writes into the repository.
Commands that need a network (``fetch``), its output (``data/...``), or the reader's own files are
skipped with the reason, as are ``demo build``/``demo run`` (covered by their own tests).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REAL, ROOT
from test_notebooks import study_area  # noqa: F401  (the shared, built-once demo fixture)

DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
RUNNABLE = ("console", "python")

#: (pattern on the command, reason): examples that cannot run here.
SKIP = [
    (re.compile(r"^arealanalyse fetch\b"), "needs a network (fetch is tested on recorded answers)"),
    (re.compile(r"(^|\s)data/"), "uses the catalogue written by `arealanalyse fetch`"),
    (
        re.compile(r"^arealanalyse demo (build|run)\b"),
        "builds or runs the whole demo (tests/test_demo.py and the main-job tests)",
    ),
]
#: Example inputs that stand for the reader's own files.
PLACEHOLDERS = {"planforslag.gpkg", "planforslag.gml", "mine.yaml", "kpa.gml", "plan.gml"}

_FENCE = re.compile(r"^```(.*)$")
_WRITE = re.compile(r"^<!--\s*write:\s*(\S+)\s*-->$")
_EXIT = re.compile(r"#\s*exit\s+(\d+)\b")


@dataclass
class Block:
    doc: Path
    line: int
    info: str
    text: str
    write: str | None = None
    commands: list[tuple[int, str, int]] = field(default_factory=list)  # (line, cmd, exit)

    @property
    def lang(self) -> str:
        return self.info.split()[0] if self.info.split() else ""

    @property
    def runs(self) -> bool:
        return self.lang in RUNNABLE and "norun" not in self.info.split()[1:]

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


def parse(doc: Path) -> list[Block]:
    """Fenced blocks of a Markdown page, with console commands split out."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, info = i, m.group(1).strip()
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].rstrip() != "```":
            body.append(lines[i])
            i += 1
        i += 1
        prev = lines[start - 1].strip() if start > 0 else ""
        w = _WRITE.match(prev)
        block = Block(doc, start + 1, info, "\n".join(body) + "\n", w.group(1) if w else None)
        if block.lang == "console":
            k = 0
            while k < len(body):
                if body[k].startswith("$ "):
                    first, cmd = k, body[k][2:]
                    while cmd.rstrip().endswith("\\") and k + 1 < len(body):
                        k += 1
                        cmd = cmd.rstrip()[:-1].rstrip() + " " + body[k].strip()
                    ex = _EXIT.search(cmd)
                    block.commands.append((start + 2 + first, cmd, int(ex.group(1)) if ex else 0))
                k += 1
        blocks.append(block)
    return blocks


ALL = {doc: parse(doc) for doc in DOCS}
RUN_DOCS = [doc for doc, blocks in ALL.items() if any(b.runs or b.write for b in blocks)]


def _skip_reason(cmd: str) -> str | None:
    for pattern, reason in SKIP:
        if pattern.search(cmd):
            return reason
    for token in shlex.split(cmd, comments=True):
        if Path(token).name in PLACEHOLDERS:
            return f"{token} stands for the reader's own file"
    if "../shared/data/real/" in cmd and not REAL.is_dir():
        return f"uses the real data in {REAL}, absent here"
    return None


def test_blocks_are_well_formed():
    """Every console command is an arealanalyse command; every fence is closed and tagged."""
    for doc, blocks in ALL.items():
        for b in blocks:
            for line, cmd, _ in b.commands:
                assert cmd.startswith("arealanalyse "), f"{doc.name}:{line}: {cmd!r}"
            if b.lang == "console":
                assert b.commands, f"{b.where}: console block without a '$ arealanalyse' line"
            if b.lang in ("bash", "sh", "shell"):
                # runnable CLI examples belong in `console` blocks (the README's `make` block and
                # shell-only lines are fine in bash)
                cli = [ln for ln in b.text.splitlines() if ln.startswith("arealanalyse ")]
                assert not cli, f"{b.where}: tag CLI examples `console` with `$ ` prompts: {cli}"


def test_parser_reads_exit_annotations_continuations_and_write_markers(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- write: x.yaml -->\n```yaml\na: 1\n```\n\n```console\n"
        "$ arealanalyse check s.yaml \\\n    --out r   # exit 1\noutput line\n"
        "$ arealanalyse map x.yaml\n```\n```python norun\nraise SystemExit\n```\n",
        encoding="utf-8",
    )
    yaml_block, console, py = parse(page)
    assert yaml_block.write == "x.yaml" and yaml_block.text == "a: 1\n" and not yaml_block.runs
    assert console.runs and [(c, e) for _, c, e in console.commands] == [
        ("arealanalyse check s.yaml --out r   # exit 1", 1),
        ("arealanalyse map x.yaml", 0),
    ]
    assert py.lang == "python" and not py.runs
    assert _skip_reason("arealanalyse fetch --kommune 3201 --out data")
    assert _skip_reason("arealanalyse check planforslag.gpkg --period 2026-2040")
    assert _skip_reason("arealanalyse check scenarios/spredt.yaml") is None


@pytest.fixture
def project(study_area, tmp_path, monkeypatch):  # noqa: F811
    """A temporary project root: layers/ (the demo), scenarios/ (a copy); cwd is set to it."""
    catalogue, scenarios = study_area
    (tmp_path / "layers").symlink_to(catalogue.parent, target_is_directory=True)
    shutil.copytree(scenarios, tmp_path / "scenarios")
    # ../shared/data/real resolves from the temporary project as it does from a checkout
    shared = tmp_path.parent / "shared"
    if REAL.is_dir() and not shared.exists():
        with contextlib.suppress(FileExistsError):  # another worker made it first
            shared.symlink_to(REAL.parents[1], target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run_console(block: Block, capsys: pytest.CaptureFixture[str]) -> list[str]:
    from arealanalyse.cli import main

    skipped = []
    for line, cmd, expected in block.commands:
        reason = _skip_reason(cmd)
        if reason:
            skipped.append(f"{block.doc.name}:{line}: {reason}")
            continue
        args: list[str] = []
        for token in shlex.split(cmd, comments=True)[1:]:
            matches = sorted(glob.glob(token)) if any(c in token for c in "*?[") else []
            args.extend(matches or [token])
        code = main(args)
        out = capsys.readouterr()
        assert code == expected, (
            f"{block.doc.name}:{line}: `{cmd}` exited {code}, documented {expected}\n"
            f"{out.out[-1500:]}\n{out.err[-1500:]}"
        )
    return skipped


@pytest.mark.slow  # the whole CLI on the full demo study area: ~10-80 s per page
@pytest.mark.parametrize("doc", RUN_DOCS, ids=[d.name for d in RUN_DOCS])
def test_doc_examples_run(doc, project, capsys):
    namespace: dict[str, object] = {"__name__": f"docs_{doc.stem}"}
    skipped: list[str] = []
    ran = 0
    for block in ALL[doc]:
        if block.write:
            target = project / block.write
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
        if not block.runs:
            continue
        if block.lang == "console":
            skipped += _run_console(block, capsys)
            ran += len(block.commands)
        else:
            code = compile(block.text, block.where, "exec")
            try:
                exec(code, namespace)
            except Exception as exc:  # name the page and line, then show the real error
                raise AssertionError(f"{block.where}: python example failed: {exc!r}") from exc
            ran += 1
    # nothing was written into the repository's own folders
    assert not (ROOT / "scenarios" / "mitt-forslag.yaml").exists()
    assert os.path.realpath(Path.cwd()) == os.path.realpath(project)
    if skipped and ran == len(skipped):
        pytest.skip("; ".join(skipped))

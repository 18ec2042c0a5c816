"""Atomic output: every file and output folder arealanalyse writes appears whole or not at all.

Single files are written to a temporary file in the same folder and moved into place with
:func:`os.replace`, so an interrupted run never leaves a half-written GeoPackage or report, and
never clobbers a previous good output with a broken one.

Commands that write a folder of results use :func:`staged_output`, one call::

    with staged_output(out, command="metrics run", inputs=[catalogue]) as stage:
        result.write(stage.path)          # write everything into the staging folder

The files go to a hidden staging folder next to ``out``; ``manifest.json`` (input and output
hashes) is written last, and only then is the staging folder moved into place (the previous
output is replaced in two renames). An interrupted run (an exception, SIGINT or SIGTERM under
:func:`handle_signals`) removes its staging folder; a run killed outright leaves a hidden
staging folder that the next run over the same ``out`` removes before it starts. So ``out``
is always either the previous complete output or the new complete one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = [
    "MANIFEST",
    "Interrupted",
    "Stage",
    "atomic_path",
    "check_output_folder",
    "handle_signals",
    "sha256_file",
    "staged_output",
    "write_geopackage",
    "write_json",
    "write_table",
    "write_text",
]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it onto ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("hello")
    >>> (d / "a.txt").read_text()
    'hello'
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"{str(target)!r} is a folder, not a file; give a file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target)
    # keep the real suffix last: GDAL picks drivers (and warns) by extension; the pid lets a
    # later write remove what a killed process left
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}-", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers (GDAL) want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(path: str | os.PathLike[str], obj: object) -> Path:
    """Write ``obj`` as pretty, key-sorted UTF-8 JSON atomically (stable bytes for equal input)."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    return write_text(path, text)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a table as CSV, Parquet or JSON (by suffix) atomically.

    GeoDataFrames lose their geometry in CSV/JSON (use :func:`write_geopackage` for maps).
    """
    target = Path(path)
    frame = pd.DataFrame(df.drop(columns="geometry")) if "geometry" in df.columns else df
    with atomic_path(target) as tmp:
        suffix = target.suffix.lower()
        if suffix == ".csv":
            frame.to_csv(tmp, index=True, lineterminator="\n", float_format="%.6g")
        elif suffix == ".parquet":
            if isinstance(df, gpd.GeoDataFrame):
                df.to_parquet(tmp, index=True)
            else:
                frame.to_parquet(tmp, index=True)
        elif suffix == ".json":
            tmp.write_text(frame.to_json(orient="table", indent=2, double_precision=10) + "\n")
        else:
            raise ValueError(
                f"write_table: unsupported suffix {suffix!r} (use .csv, .parquet, .json)"
            )
    return target


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], path: str | os.PathLike[str]) -> Path:
    """Write several layers into one GeoPackage atomically (the whole file is replaced)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        for name, gdf in layers.items():
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    return target


# --- stale temporary files and folders of killed runs ----------------------------------------


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except OSError:  # pragma: no cover
        return False
    # a zombie (killed, not yet reaped) is dead for our purpose
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _remove_stale_temps(target: Path) -> None:
    """Remove ``.<name>.<pid>-*.tmp*`` files a killed process left next to ``target``."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)-.*\.tmp")
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for p in entries:
        m = pattern.match(p.name)
        if m and not _pid_alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                p.unlink()


# --- signals ---------------------------------------------------------------------------------


class Interrupted(BaseException):
    """Raised by :func:`handle_signals` when SIGINT or SIGTERM arrives.

    A ``BaseException`` like :class:`KeyboardInterrupt`, so ``except Exception`` does not
    swallow it and every ``with``/``finally`` on the way up cleans up.
    """

    def __init__(self, signum: int):
        self.signum = signum
        self.signame = signal.Signals(signum).name
        self.exit_code = 128 + signum
        super().__init__(self.signame)


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` inside the block (main thread only).

    After the first signal both are ignored until the block ends, so cleanup is not cut short.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = (signal.SIGINT, signal.SIGTERM)

    def handler(signum: int, _frame: FrameType | None) -> None:
        for sig in sigs:
            signal.signal(sig, signal.SIG_IGN)
        raise Interrupted(signum)

    old = {sig: signal.signal(sig, handler) for sig in sigs}
    try:
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


# --- staged output folders -------------------------------------------------------------------

#: Name of the manifest written last into every staged output folder.
MANIFEST = "manifest.json"


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Return the sha256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Stage:
    """A staging folder for one command's outputs (see :func:`staged_output`)."""

    path: Path
    target: Path
    command: str
    inputs: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add_input(self, path: str | os.PathLike[str], label: str | None = None) -> None:
        """Record the sha256 of an input file in the manifest (under ``label``)."""
        p = Path(path)
        self.inputs[label or p.name] = sha256_file(p)

    def final(self, path: str | os.PathLike[str]) -> Path:
        """Where ``path`` (inside the staging folder) will be once the output is in place."""
        return self.target / Path(path).relative_to(self.path)

    def _manifest(self) -> dict[str, Any]:
        from arealanalyse import __version__

        old = self.path / MANIFEST
        data: dict[str, Any] = {}
        if old.is_file():  # a library writer's own manifest: keep its keys
            with contextlib.suppress(ValueError, OSError):
                loaded = json.loads(old.read_text(encoding="utf-8"))
                data = loaded if isinstance(loaded, dict) else {}
        files = {}
        for p in sorted(self.path.rglob("*")):
            if p.is_file() and p.name != MANIFEST:
                files[p.relative_to(self.path).as_posix()] = {
                    "bytes": p.stat().st_size,
                    "sha256": sha256_file(p),
                }
        inputs = {**data.get("inputs_sha256", {}), **self.inputs}
        data.update(self.extra)
        data.update(
            {
                "arealanalyse_output": self.command,
                "arealanalyse_version": __version__,
                "inputs_sha256": dict(sorted(inputs.items())),
                "files": files,
            }
        )
        return data


def _is_ours(folder: Path, owns: Callable[[str], bool]) -> str | None:
    """Return the first entry of ``folder`` that arealanalyse did not write (None if none)."""
    manifest = folder / MANIFEST
    if manifest.is_file():
        with contextlib.suppress(ValueError, OSError):
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if isinstance(data, dict) and "arealanalyse_version" in data:
                return None
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") and (".tmp" in p.name or ".staging-" in p.name):
            continue
        if owns(p.name):
            continue
        if p.is_dir() and (p / MANIFEST).is_file() and _is_ours(p, lambda _n: False) is None:
            continue
        return p.name
    return None


def _prepare(target: Path, owns: Callable[[str], bool]) -> None:
    """Check that ``target`` may be replaced; clean what killed runs left next to it."""
    from arealanalyse.errors import OutputError

    if target.exists() and not target.is_dir():
        raise OutputError(
            f"Output {str(target)!r} is a file, not a folder; give --out a folder name "
            "(it is created)."
        )
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(staging|old)-(\d+)-[0-9a-f]+$")
    olds: list[Path] = []
    for p in sorted(parent.iterdir()):
        m = pattern.match(p.name)
        if m is None or _pid_alive(int(m.group(2))):
            continue
        if m.group(1) == "old":
            olds.append(p)
        else:
            shutil.rmtree(p, ignore_errors=True)
    for old in olds:  # killed between the two renames of a swap: put the old output back
        if not target.exists():
            os.rename(old, target)
        else:
            shutil.rmtree(old, ignore_errors=True)
    if target.is_dir():
        foreign = _is_ours(target, owns)
        if foreign is not None:
            raise OutputError(
                f"Output folder {str(target)!r} holds {foreign!r}, which arealanalyse did not "
                "write, and the folder would be replaced; give --out a new or empty folder."
            )


def _owned(owns: Iterable[str] | Callable[[str], bool]) -> Callable[[str], bool]:
    if callable(owns):
        return owns
    names = set(owns)
    return lambda n: n in names


def check_output_folder(
    out_dir: str | os.PathLike[str], /, *, owns: Iterable[str] | Callable[[str], bool] = ()
) -> None:
    """Fail early (before any heavy work) if :func:`staged_output` could not replace ``out_dir``."""
    _prepare(Path(out_dir), _owned(owns))


@contextlib.contextmanager
def staged_output(
    out_dir: str | os.PathLike[str],
    /,
    *,
    command: str,
    inputs: Iterable[str | os.PathLike[str]] | Mapping[str, str | os.PathLike[str]] = (),
    owns: Iterable[str] | Callable[[str], bool] = (),
) -> Iterator[Stage]:
    """Write a command's outputs into a staging folder; move it onto ``out_dir`` when complete.

    Parameters
    ----------
    out_dir
        The output folder. It is replaced as a whole: it must be absent, empty, a previous
        arealanalyse output (it has our ``manifest.json``), or hold only names in ``owns``.
    command
        The command, recorded in the manifest (e.g. ``"metrics run"``).
    inputs
        Input files whose sha256 go into the manifest (a mapping gives them labels); more can be
        added with :meth:`Stage.add_input` or ``stage.inputs[label] = digest``.
    owns
        Names (or a predicate) of entries this command writes, so an output folder of an older
        version without a manifest may be replaced.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_output(d / "out", command="demo") as stage:
    ...     _ = (stage.path / "a.txt").write_text("hello")
    >>> sorted(p.name for p in (d / "out").iterdir())
    ['a.txt', 'manifest.json']
    >>> json.loads((d / "out" / "manifest.json").read_text())["files"]["a.txt"]["bytes"]
    5
    >>> with staged_output(d / "out", command="demo") as stage:
    ...     _ = (stage.path / "b.txt").write_text("half")
    ...     raise RuntimeError("boom")
    Traceback (most recent call last):
    ...
    RuntimeError: boom
    >>> sorted(p.name for p in d.iterdir()), (d / "out" / "a.txt").read_text()
    (['out'], 'hello')
    """
    target = Path(out_dir)
    _prepare(target, _owned(owns))
    token = secrets.token_hex(4)
    staging = target.parent / f".{target.name}.staging-{os.getpid()}-{token}"
    staging.mkdir()
    stage = Stage(staging, target, command)
    try:
        items = inputs.items() if isinstance(inputs, Mapping) else ((None, p) for p in inputs)
        for label, p in items:
            stage.add_input(p, label)
        yield stage
        text = json.dumps(stage._manifest(), indent=2, ensure_ascii=False, sort_keys=True)
        write_text(staging / MANIFEST, text + "\n")  # last: its presence means complete
        _swap(staging, target, token)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, target: Path, token: str) -> None:
    """Move ``staging`` onto ``target`` (two renames; signals wait until both are done)."""
    blocked = {signal.SIGINT, signal.SIGTERM}
    can_block = threading.current_thread() is threading.main_thread()
    if can_block:
        signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if target.exists():
            old = target.parent / f".{target.name}.old-{os.getpid()}-{token}"
            os.rename(target, old)
            os.rename(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, target)
    finally:
        if can_block:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)

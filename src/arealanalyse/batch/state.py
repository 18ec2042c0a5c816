"""What a rerun may skip: content hashes of code and inputs, finished partitions, one run at a time.

A partition is *finished* when its folder (``partitions/<key>/``) holds a ``manifest.json``
(written last by :func:`arealanalyse.io.staged_output`, so a killed task never leaves a half
partition that looks finished) whose ``batch_hash`` equals the hash of the partition's inputs,
settings and the code (:func:`code_hash`), and whose status is ``ok`` or ``empty``. A rerun skips
finished partitions and computes the others (unfinished, failed, or with changed inputs).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from arealanalyse.errors import OutputError
from arealanalyse.io import MANIFEST

__all__ = [
    "FINISHED",
    "batch_hash",
    "batch_lock",
    "code_hash",
    "partition_state",
]

#: Statuses of a partition that a rerun keeps.
FINISHED = ("ok", "empty")


@functools.cache
def code_hash() -> str:
    """Return a sha256 of the arealanalyse package's source files and version.

    Examples
    --------
    >>> len(code_hash())
    64
    """
    from arealanalyse import __version__

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(__version__.encode())
    for p in sorted(root.rglob("*")):
        if (
            p.is_file()
            and p.suffix in (".py", ".j2", ".json", ".yaml")
            and "__pycache__" not in p.parts
        ):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def batch_hash(parts: Mapping[str, Any], /) -> str:
    """Return a sha256 of a partition's inputs, settings and code (JSON-able mapping).

    Examples
    --------
    >>> batch_hash({"a": 1}) == batch_hash({"a": 1}), batch_hash({"a": 1}) == batch_hash({"a": 2})
    (True, False)
    """
    text = json.dumps(dict(parts), sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def partition_state(folder: str | os.PathLike[str], /) -> dict[str, Any] | None:
    """Return the manifest of a partition's folder, or None when it has none (not finished)."""
    manifest = Path(folder) / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@contextlib.contextmanager
def batch_lock(out: str | os.PathLike[str], /) -> Iterator[None]:
    """Hold ``<out>/.batch.lock`` for the block: one batch at a time writes an output folder."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".batch.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"Output folder {str(folder)!r} is being written by another batch run; wait for "
                "it to finish or give --out another folder."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

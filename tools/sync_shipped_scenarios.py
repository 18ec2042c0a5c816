"""Copy the project's scenario and rule files into the package data, so the wheel ships them.

The project's ``scenarios/*.yaml`` and ``scenarios/rules/*.yaml`` are the files to edit; the
package carries identical copies under ``src/arealanalyse/data/scenarios/`` (an installed
arealanalyse has no source tree to read them from). Run ``python tools/sync_shipped_scenarios.py``
after editing them; ``--check`` only compares (exit 1 when they differ), as ``make lint`` and
``tests/test_packaging.py`` do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "scenarios"
TARGET = ROOT / "src" / "arealanalyse" / "data" / "scenarios"
PATTERNS = ("*.yaml", "rules/*.yaml")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for pattern in PATTERNS
        for p in sorted(folder.glob(pattern))
    }


def differences(source: Path = SOURCE, target: Path = TARGET) -> list[str]:
    """Relative paths that are missing, extra or different in ``target``."""
    want, have = _files(source), _files(target)
    return sorted(k for k in want.keys() | have.keys() if want.get(k) != have.get(k))


def sync(source: Path = SOURCE, target: Path = TARGET) -> list[str]:
    """Make ``target`` hold exactly the files of ``source``; return what changed."""
    changed = differences(source, target)
    want = _files(source)
    for rel in changed:
        dest = target / rel
        if rel in want:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(want[rel])
        else:
            dest.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    """Sync (or ``--check``); return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = differences()
        for rel in stale:
            print(
                f"src/arealanalyse/data/scenarios/{rel} differs from scenarios/{rel}: "
                "run `python tools/sync_shipped_scenarios.py`"
            )
        return 1 if stale else 0
    for rel in sync():
        print(f"updated src/arealanalyse/data/scenarios/{rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check that environment.yml and pyproject.toml pin the same version ranges."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _spec(line: str) -> tuple[str, str] | None:
    m = re.match(r"^\s*-\s*([A-Za-z0-9_.\-]+)\s*([<>=!].*)?$", line)
    if not m or m.group(1) in {"python", "pip"}:
        return None
    return m.group(1).lower().replace("_", "-"), (m.group(2) or "").split("--")[0].strip()


def main() -> int:
    """Print any mismatch and return 1 if there is one."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    py = {}
    for d in deps:
        m = re.match(r"^([A-Za-z0-9_.\-]+)(.*)$", d)
        assert m
        py[m.group(1).lower()] = m.group(2).strip()
    env = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        spec = _spec(line)
        if spec:
            env[spec[0]] = spec[1]
    problems = [
        f"{n}: pyproject {v!r} != environment.yml {env.get(n)!r}"
        for n, v in py.items()
        if env.get(n) != v
    ]
    for p in problems:
        print("environment.yml out of step:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Reading scenario files: the ``extends`` chain, whole-scenario checks, the files they name.

:func:`load_scenario` reads a scenario file and every file it depends on, up front: the
``extends`` chain (merged by :func:`merge_raw`), each file validated on its own and the merged
result checked as a whole (:func:`check_merged`), then the geometry files its entries name
(:func:`read_located_files`) and the sha256 of every input. After loading nothing reads a file
again: :mod:`~arealanalyse.scenarios.apply` only transforms. The schema is
:mod:`~arealanalyse.scenarios.model`.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from arealanalyse.errors import ArealanalyseError, ScenarioError
from arealanalyse.io import sha256_file
from arealanalyse.layers.readers import read_source
from arealanalyse.scenarios.messages import format_error
from arealanalyse.scenarios.model import Scenario, ScenarioValidationError
from arealanalyse.yamlfiles import read_yaml

__all__ = ["check_merged", "load_scenario", "merge_raw", "read_located_files"]

_PATH_KEYS = (("sites",), ("rezone",), ("green", "add"), ("services", "add"))

#: Manifest label of a geometry file, by the section that names it.
_FILE_LABELS = {
    "sites": "site_file",
    "rezone": "rezone_file",
    "green.add": "green_file",
    "services.add": "service_file",
}


def _errors(exc: ValidationError, label: str) -> list[str]:
    return [format_error(e, label, root=Scenario) for e in exc.errors()]


def _absolutize(raw: dict[str, Any], base: Path, label: str, problems: list[str]) -> None:
    """Turn relative paths in ``raw`` into absolute ones; record missing files."""
    cat = raw.get("catalogue")
    if isinstance(cat, str):
        p = (base / cat).resolve()
        if not p.is_file():
            problems.append(
                f"{label}: catalogue: file {cat!r} does not exist (looked in {base}); fix the "
                "path (relative to the scenario file)"
            )
        raw["catalogue"] = str(p)
    for keys in _PATH_KEYS:
        section: Any = raw
        for k in keys:
            section = section.get(k) if isinstance(section, dict) else None
        if not isinstance(section, list):
            continue
        for i, item in enumerate(section):
            if isinstance(item, dict) and isinstance(item.get("file"), str):
                p = (base / item["file"]).resolve()
                if not p.exists():
                    problems.append(
                        f"{label}: {'.'.join(keys)}[{i}].file: file {item['file']!r} does not "
                        f"exist (looked in {base}); fix the path (relative to the scenario file)"
                    )
                item["file"] = str(p)


def _item_id(item: Any) -> str | None:
    """Return the ``id`` of a list entry as text (None when absent or not a plain value)."""
    key = item.get("id") if isinstance(item, dict) else None
    return str(key) if isinstance(key, str | int | float) and key != "" else None


def _merge_by_id(parent: list[Any], child: list[Any]) -> list[Any]:
    out = list(parent)
    index = {_item_id(item): i for i, item in enumerate(out) if _item_id(item) is not None}
    for item in child:
        key = _item_id(item)
        if key is not None and key in index:
            out[index[key]] = item
        else:
            out.append(item)
    return out


def merge_raw(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Merge a child scenario onto its parent (the ``extends`` rules).

    * ``name``, ``title`` and ``description`` are the child's own (never inherited).
    * Mappings merge key by key (``period``, ``jobs_per_1000m2``, ``abc``, ``transit``, ...).
    * ``sites`` and ``rezone`` merge by ``id``: a child entry with a parent's id replaces it,
      others are appended.
    * Other lists (``transit.open``, ``green.add``, ...) are concatenated, parent first.
    * Any other value in the child replaces the parent's.

    Examples
    --------
    >>> p = {"name": "base", "title": "B", "sites": [{"id": "a", "bra_m2": 1}],
    ...      "transit": {"open": ["X"]}}
    >>> c = {"name": "c", "sites": [{"id": "a", "bra_m2": 2}, {"id": "b", "bra_m2": 3}],
    ...      "transit": {"open": ["Y"]}}
    >>> m = merge_raw(p, c)
    >>> m["name"], "title" in m, m["sites"], m["transit"]
    ('c', False, [{'id': 'a', 'bra_m2': 2}, {'id': 'b', 'bra_m2': 3}], {'open': ['X', 'Y']})
    """
    out = {k: copy.deepcopy(v) for k, v in parent.items() if k not in ("title", "description")}
    for key, value in child.items():
        if key == "extends":
            continue
        old = out.get(key)
        if key in ("sites", "rezone") and isinstance(old, list) and isinstance(value, list):
            out[key] = _merge_by_id(old, copy.deepcopy(value))
        elif isinstance(old, dict) and isinstance(value, dict):
            out[key] = merge_raw(old, value) if key != "jobs_per_1000m2" else {**old, **value}
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + copy.deepcopy(value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _load_chain(
    path: Path, seen: list[Path], problems: list[str]
) -> tuple[dict[str, Any] | None, list[Path], dict[tuple[str, str, int], tuple[Path, int]]]:
    path = path.resolve()
    if path in seen:
        cycle = " -> ".join(p.name for p in [*seen, path])
        problems.append(
            f"{seen[-1].name}: extends: cycle {cycle}; remove the extends that points back"
        )
        return None, [], {}
    label = path.name
    raw = read_yaml(path, error=ScenarioError, what="Scenario file")
    n_before = len(problems)
    try:
        Scenario.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_errors(exc, label))
    _absolutize(raw, path.parent, label, problems)
    origins: dict[tuple[str, str, int], tuple[Path, int]] = {}
    for section in ("sites", "rezone"):
        seen_ids: dict[str, int] = {}
        items = raw.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get("id") is not None:
                key = str(item["id"])
                nth = seen_ids.get(key, 0)
                seen_ids[key] = nth + 1
                origins[(section, key, nth)] = (path, i)
    parent_ref = raw.get("extends")
    if not isinstance(parent_ref, str):
        return (raw if len(problems) == n_before else None), [path], origins
    parent_path = (path.parent / parent_ref).resolve()
    if not parent_path.is_file() and parent_path not in seen:
        problems.append(
            f"{label}: extends: file {parent_ref!r} does not exist (looked in {path.parent}); "
            "fix the path (relative to the scenario file)"
        )
        return None, [path], origins
    parent_raw, chain, parent_origins = _load_chain(parent_path, [*seen, path], problems)
    if parent_raw is None or len(problems) > n_before:
        return None, [path, *chain], origins
    return merge_raw(parent_raw, raw), [path, *chain], {**parent_origins, **origins}


def load_scenario(path: str | os.PathLike[str], /) -> Scenario:
    """Load a scenario file, resolve ``extends`` and validate it (no layer is read).

    Raises
    ------
    ScenarioValidationError
        With one line per problem: file, key path, problem and fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cat.yaml").write_text("# a layer catalogue\\n")
    >>> _ = (d / "base.yaml").write_text("schema_version: 1\\nname: base\\ncatalogue: cat.yaml\\n"
    ...                                  "period: {start: 2026, end: 2040}\\n")
    >>> _ = (d / "a.yaml").write_text("schema_version: 1\\nname: a\\nextends: base.yaml\\n"
    ...     "sites:\\n  - {id: s1, use: kontor, bra_m2: 1000, geometry: "
    ...     "'POLYGON ((0 0, 10 0, 10 10, 0 0))'}\\n")
    >>> s = load_scenario(d / "a.yaml")
    >>> s.name, s.period.years, s.sites[0].bra_m2, [p.name for p in s.chain]
    ('a', 15, 1000.0, ['a.yaml', 'base.yaml'])
    >>> _ = (d / "bad.yaml").write_text("schema_version: 1\\nname: bad\\nsites:\\n"
    ...     "  - {id: s1, use: kontor, bra_m2: 10, are: Lysaker}\\n")
    >>> load_scenario(d / "bad.yaml")
    Traceback (most recent call last):
    ...
    arealanalyse.scenarios.model.ScenarioValidationError: bad.yaml: sites[0].are: unknown key ...
    """
    p = Path(path)
    problems: list[str] = []
    raw, chain, origins = _load_chain(p, [], problems)
    if problems or raw is None:
        raise ScenarioValidationError(problems or [f"{p.name}: could not be loaded"])
    label = f"{p.name} (after extends)" if len(chain) > 1 else p.name
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioValidationError(_errors(exc, label)) from None
    scenario._path = p.resolve()
    scenario._chain = chain
    scenario._origins = origins
    problems = check_merged(scenario, label)
    if problems:
        raise ScenarioValidationError(problems)
    problems = read_located_files(scenario)
    if problems:
        raise ScenarioValidationError(problems)
    inputs = {f"scenario:{f.name}": sha256_file(f) for f in chain}
    for section, _, item in scenario.located():
        if item.file is not None and Path(item.file).is_file():
            inputs[f"{_FILE_LABELS[section]}:{Path(item.file).name}"] = sha256_file(item.file)
    scenario._inputs = inputs
    return scenario


def read_located_files(scenario: Scenario, /) -> list[str]:
    """Read the geometry files a scenario's entries name (``file:``); one line per problem.

    Each file's features are kept in its own CRS (:attr:`Located.file_shapes`); a file without
    a CRS is a problem. Entries read before are not read again.
    """
    problems: list[str] = []
    for _, where, item in scenario.located():
        if item.file is None or item._shapes is not None:
            continue
        label = f"{where}.file"
        try:
            gdf = read_source(Path(item.file), name=label)
        except ArealanalyseError as exc:
            problems.append(f"{label}: {exc}")
            continue
        if gdf.crs is None:
            problems.append(
                f"{label}: file {Path(item.file).name!r} has no CRS; save it with one (EPSG:25832)"
            )
            continue
        item._shapes = gdf.geometry
    return problems


def check_merged(s: Scenario, label: str) -> list[str]:
    """Check a whole scenario (after ``extends``); return one line per problem."""
    problems: list[str] = []
    if s.catalogue is None:
        problems.append(
            f"{label}: catalogue: no layer catalogue named; add 'catalogue: "
            "../layers/<area>.yaml' to the baseline (or this file)"
        )
    seen: dict[str, int] = {}
    for i, site in enumerate(s.sites):
        if site.id in seen:
            problems.append(
                f"{s.origin('sites', i)}.id: duplicate site id {site.id!r} (also "
                f"sites[{seen[site.id]}]); give each site its own id"
            )
        seen[site.id] = i
        if (
            site.year is not None
            and s.period is not None
            and not (s.period.start <= site.year <= s.period.end)
        ):
            problems.append(
                f"{s.origin('sites', i)}.year: {site.year} is outside the period "
                f"{s.period.start}-{s.period.end}; move it inside or widen the period"
            )
        if site.use == "bolig" and site.bra_m2 > 0 and site.dwellings == 0:
            problems.append(
                f"{s.origin('sites', i)}.dwellings: a bolig site needs dwellings; add dwellings: N"
            )
    rez_ids = [r.id for r in s.rezone if r.id is not None]
    dupes = sorted({r for r in rez_ids if rez_ids.count(r) > 1})
    if dupes:
        problems.append(f"{label}: rezone: duplicate ids {dupes}; give each rezoning its own id")
    return problems

"""Multipolygon relations from the member ways an OSM file holds (clipped files lose some).

Rings are chained from the members' runs at their end points, nested by containment (even-odd,
as libosmium does: a ring at even depth is a shell, its direct children are holes), and every ring
that closes is used. An inner ring whose outer ring is missing is left out. Roles are only used
for that; the geometry decides the nesting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely

__all__ = ["assemble_multipolygon"]


def _geom_array(geoms: list[Any]) -> np.ndarray:
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    return arr


def _chain_rings(runs: list[tuple[np.ndarray, bool]]) -> tuple[list[tuple[np.ndarray, bool]], int]:
    """Chain runs end to end into closed rings; return (ring, inner role) and open chains."""
    rings: list[tuple[np.ndarray, bool]] = []
    open_runs: list[tuple[np.ndarray, bool]] = []
    for r, inner in runs:
        if len(r) >= 4 and (r[0] == r[-1]).all():
            rings.append((r, inner))
        else:
            open_runs.append((r, inner))
    ends: dict[tuple[float, float], list[int]] = {}
    for i, (r, _) in enumerate(open_runs):
        ends.setdefault(tuple(r[0]), []).append(i)
        ends.setdefault(tuple(r[-1]), []).append(i)
    used = [False] * len(open_runs)
    n_open = 0
    for i in range(len(open_runs)):
        if used[i]:
            continue
        used[i] = True
        first, inner = open_runs[i]
        parts = [first]
        head, tail = tuple(first[0]), tuple(first[-1])
        while head != tail:
            nxt = next((j for j in ends.get(tail, []) if not used[j]), None)
            if nxt is None:
                break
            used[nxt] = True
            r, r_inner = open_runs[nxt]
            inner = inner and r_inner
            r = r if tuple(r[0]) == tail else r[::-1]
            parts.append(r[1:])
            tail = tuple(r[-1])
        ring = np.concatenate(parts)
        if head == tail and len(ring) >= 4:
            rings.append((ring, inner))
        else:
            n_open += 1
    return rings, n_open


def _polygonal(geom: Any) -> Any:
    """Return the polygonal part of a geometry (``make_valid`` may add lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _polygon_from_rings(rings: list[tuple[np.ndarray, bool]]) -> tuple[Any, int]:
    """Nest rings by geometry (even-odd): a ring at even depth is a shell, its children holes.

    A ring at the top level whose role is ``inner`` has lost its outer ring (a member missing
    from the file); it is left out, with what it held nested anew. Returns the polygon (or
    None) and how many rings were left out.
    """
    shells_in = shapely.polygons(_geom_array([shapely.linearrings(r) for r, _ in rings]))
    polys = _geom_array([_polygonal(p) for p in shapely.make_valid(shells_in)])
    inner = np.array([i for _, i in rings], dtype=bool)
    ok = ~shapely.is_empty(polys)
    polys, inner = polys[ok], inner[ok]
    left_out = 0
    while len(polys):
        n = len(polys)
        inside = np.zeros((n, n), dtype=bool)  # inside[i, j]: ring i lies within ring j
        if n > 1:
            i_idx, j_idx = shapely.STRtree(polys).query(polys, predicate="within")
            inside[i_idx, j_idx] = True
            np.fill_diagonal(inside, False)
        depth = inside.sum(axis=1)
        orphan = (depth == 0) & inner
        if not orphan.any():
            break
        left_out += int(orphan.sum())
        polys, inner = polys[~orphan], inner[~orphan]
    if len(polys) == 0:
        return None, left_out
    shells = []
    for j in np.flatnonzero(depth % 2 == 0).tolist():
        holes = [i for i in np.flatnonzero(inside[:, j]).tolist() if depth[i] == depth[j] + 1]
        shell = polys[j]
        if holes:
            shell = shapely.difference(shell, shapely.union_all(polys[holes]))
        shells.append(shell)
    return shapely.union_all(shells), left_out


def assemble_multipolygon(
    members: list[tuple[str, int, str]], available: Mapping[int, tuple[Any, bool]]
) -> tuple[Any, str, str]:
    """Build a multipolygon relation from the members present: (geometry, issue, repair).

    ``available`` maps a way id to (its geometry: a line, or the runs of a cut way; whether it
    is whole). ``issue`` is ``"no_geometry"`` (no member present) or ``"multipolygon_open"``
    (no ring closes; the geometry is then the members' lines), else ``""``; ``repair`` is
    ``"multipolygon_partial"`` when members were missing or cut, a chain stayed open or an inner
    ring lost its outer ring.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> square = LineString([(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)])
    >>> hole = LineString([(1, 1), (2, 1), (2, 2), (1, 1)])
    >>> geom, issue, repair = assemble_multipolygon(
    ...     [("w", 1, "outer"), ("w", 2, "inner"), ("w", 3, "outer")],
    ...     {1: (square, True), 2: (hole, True)})
    >>> geom.area, issue, repair
    (15.5, '', 'multipolygon_partial')
    """
    runs: list[tuple[np.ndarray, bool]] = []
    missing = 0
    for t, ref, role in members:
        if t != "w":
            continue
        hit = available.get(ref)
        if hit is None or hit[0] is None:
            missing += 1
            continue
        geom, whole = hit
        if not whole:
            missing += 1
        for part in shapely.get_parts(geom):
            if part.geom_type == "LineString":
                runs.append((shapely.get_coordinates(part), role == "inner"))
    if not runs:
        return None, "no_geometry", ""
    rings, n_open = _chain_rings(runs)
    lines = shapely.multilinestrings([shapely.linestrings(r) for r, _ in runs])
    if not rings:
        return lines, "multipolygon_open", ""
    poly, left_out = _polygon_from_rings(rings)
    if poly is None or poly.is_empty:
        return lines, "multipolygon_open", ""
    repair = "multipolygon_partial" if (missing or n_open or left_out) else ""
    return poly, "", repair

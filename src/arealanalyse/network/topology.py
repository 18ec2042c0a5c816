"""Topology for any line source: node lines where they meet, merge endpoints by distance.

Real line data rarely arrives as a clean graph. OpenStreetMap ways meet at shared nodes, but an
extract can cut them; Elveg, FKB-Veg or NVDB exports often end a line *on* another line without a
shared vertex (a T-junction), or a few millimetres short of it; and lines cross at grade without a
vertex. :func:`node_lines` turns any set of lines into graph segments whose endpoints are the
junctions, in five vectorised steps:

1. **Endpoint merge.** Line ends closer than ``tolerance_m`` (on the same level) become one node,
   placed at the end shared by most lines (an existing junction does not move). Merging is by
   distance, not by a rounding grid: two ends 2 mm apart always merge, 0.6 m apart never do (at
   the default 0.5 m).
2. **Shared vertices.** A vertex that two lines (or one line twice) share exactly is a junction:
   the lines are split there. This is how OpenStreetMap ways meet at a shared node.
3. **T-junctions.** A line end lying on another line between its vertices, or within
   ``tolerance_m`` of it (an undershoot), splits that line there.
4. **Crossings.** Two lines whose interiors cross at a point that is a vertex of neither are
   split at the crossing.
5. Segments are rebuilt; their exact endpoints are the graph nodes.

Steps 3 and 4 never join lines that pass over each other: lines on different levels (OSM
``layer``, ``bridge``, ``tunnel``; ``level`` column of any source) or whose heights at the
meeting point differ by more than ``max_dz_m`` (3-D geometries, as in Elveg and NVDB) are kept
apart. A vertex shared exactly (step 2) is an explicit connection in OpenStreetMap (steps onto a
bridge) and is always joined, except in 3-D data when the heights differ.

Every step is counted in a :class:`TopologyReport`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from arealanalyse.network.nearest import Geometries

__all__ = ["NodedLines", "TopologyReport", "node_lines"]

_FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_IntArray = np.ndarray[Any, np.dtype[np.int64]]
_EPS = 1e-9  # metres: "the same point" after floating-point arithmetic


@dataclass
class TopologyReport:
    """What :func:`node_lines` did to the lines, by step."""

    tolerance_m: float
    lines_in: int = 0
    segments_out: int = 0
    zero_length_dropped: int = 0
    endpoints_merged: int = 0
    max_merge_m: float = 0.0
    shared_vertex_splits: int = 0
    t_junctions: int = 0
    crossings: int = 0
    kept_apart: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a plain, JSON-serialisable dict."""
        return asdict(self)

    def summary(self) -> str:
        """Return the report as one line for a terminal or a log.

        Examples
        --------
        >>> line = TopologyReport(0.5, lines_in=3, segments_out=5, t_junctions=1).summary()
        >>> line.split(";")[0], "T-junctions noded: 1" in line
        ('3 lines -> 5 segments', True)
        """
        return (
            f"{self.lines_in} lines -> {self.segments_out} segments; endpoints merged within "
            f"{self.tolerance_m:g} m: {self.endpoints_merged} (max {self.max_merge_m:.3f} m); "
            f"split at shared vertices: {self.shared_vertex_splits}; T-junctions noded: "
            f"{self.t_junctions}; crossings noded: {self.crossings}; kept apart "
            f"(bridge/tunnel/level): {self.kept_apart}; zero-length dropped: "
            f"{self.zero_length_dropped}"
        )


@dataclass(frozen=True)
class NodedLines:
    """Graph segments: geometry, the input line each came from, and its end nodes."""

    lines: np.ndarray
    source: _IntArray
    node_xy: _FloatArray
    u: _IntArray
    v: _IntArray
    report: TopologyReport


class _Lines:
    """Lines as flat coordinate arrays (x, y, optional z) with a line id per vertex."""

    def __init__(self, xy: _FloatArray, z: _FloatArray | None, lid: _IntArray, src: _IntArray):
        self.xy, self.z, self.lid, self.src = xy, z, lid, src

    @classmethod
    def from_geoms(cls, geoms: np.ndarray) -> _Lines:
        has_z = bool(len(geoms)) and bool(shapely.has_z(geoms).any())
        coords, lid = shapely.get_coordinates(geoms, include_z=has_z, return_index=True)
        z = coords[:, 2].copy() if has_z else None
        return cls(coords[:, :2].copy(), z, lid.astype(np.int64), np.arange(len(geoms)))

    @property
    def n(self) -> int:
        return len(self.src)

    def bounds(self) -> tuple[_IntArray, _IntArray]:
        """First and last vertex position of every line (lines must have >= 1 vertex)."""
        if len(self.lid) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy()
        start = np.flatnonzero(np.r_[True, self.lid[1:] != self.lid[:-1]]).astype(np.int64)
        end = np.r_[start[1:] - 1, len(self.lid) - 1].astype(np.int64)
        return start, end

    def clean(self) -> int:
        """Drop repeated consecutive vertices and lines left with < 2 vertices; return dropped."""
        if len(self.lid) == 0:
            return 0
        same = (self.lid[1:] == self.lid[:-1]) & (self.xy[1:] == self.xy[:-1]).all(axis=1)
        keep = np.r_[True, ~same]
        self.xy, self.lid = self.xy[keep], self.lid[keep]
        if self.z is not None:
            self.z = self.z[keep]
        counts = np.bincount(self.lid, minlength=self.n)
        good = counts >= 2
        if good.all():
            return 0
        vkeep = good[self.lid]
        self.xy, self.lid = self.xy[vkeep], self.lid[vkeep]
        if self.z is not None:
            self.z = self.z[vkeep]
        new_id = np.cumsum(good) - 1
        self.lid = new_id[self.lid]
        dropped = int((~good).sum())
        self.src = self.src[good]
        return dropped

    def geoms(self) -> np.ndarray:
        return shapely.linestrings(self.xy, indices=self.lid)


def _unique_rows(xy: _FloatArray) -> tuple[_FloatArray, _IntArray, _IntArray]:
    """Return unique coordinate pairs (exact), the inverse index and the count of each."""
    if len(xy) == 0:
        return xy, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    view = np.ascontiguousarray(xy, dtype=np.float64).view(np.complex128).ravel() + 0.0
    _, first, inv, counts = np.unique(view, return_index=True, return_inverse=True,
                                      return_counts=True)  # fmt: skip
    return xy[first], inv.astype(np.int64), counts.astype(np.int64)


def _merge_endpoints(L: _Lines, level: _IntArray, tol: float, report: TopologyReport) -> None:
    """Step 1: move line ends within ``tol`` of a busier end (same level) onto it."""
    start, end = L.bounds()
    pos = np.concatenate([start, end])
    ends = L.xy[pos]
    lev = level[L.src[L.lid[pos]]]
    pts, inv, counts = _unique_rows(ends)
    if tol <= 0 or len(pts) < 2:
        return
    # unique (point, level) pairs: only ends on a common level may merge
    key = inv * (int(lev.max()) - int(lev.min()) + 1) + (lev - lev.min())
    _, first = np.unique(key, return_index=True)
    p_of = inv[first]
    l_of = lev[first]
    tree = cKDTree(pts[p_of])
    pairs = tree.query_pairs(tol, output_type="ndarray")
    if len(pairs) == 0:
        return
    a, b = p_of[pairs[:, 0]], p_of[pairs[:, 1]]
    ok = (l_of[pairs[:, 0]] == l_of[pairs[:, 1]]) & (a != b)
    a, b = a[ok], b[ok]
    if len(a) == 0:
        return
    n = len(pts)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    ncomp, comp = connected_components(graph, directed=False)
    # representative of each component: the point shared by most line ends (ties: lowest id)
    order = np.lexsort((np.arange(n), -counts, comp))
    rep = np.empty(ncomp, dtype=np.int64)
    is_first = np.r_[True, comp[order][1:] != comp[order][:-1]]
    rep[comp[order][is_first]] = order[is_first]
    target = rep[comp]
    dist = np.hypot(*(pts - pts[target]).T)
    move = (target != np.arange(n)) & (dist <= tol)
    if not move.any():
        return
    moved_end = move[inv]
    L.xy[pos[moved_end]] = pts[target[inv[moved_end]]]
    report.endpoints_merged = int(moved_end.sum())
    report.max_merge_m = float(dist[move].max())


def _split_at_shared_vertices(L: _Lines, max_dz: float, report: TopologyReport) -> _Lines:
    """Step 2: split lines at interior vertices that occur more than once (exactly)."""
    if len(L.lid) == 0:
        return L
    start, end = L.bounds()
    interior = np.ones(len(L.lid), dtype=bool)
    interior[start] = False
    interior[end] = False
    _, inv, counts = _unique_rows(L.xy)
    split = interior & (counts[inv] >= 2)
    if L.z is not None and split.any():
        order = np.argsort(inv, kind="stable")
        zs = np.where(np.isfinite(L.z), L.z, np.nan)[order]
        bounds = np.r_[0, np.cumsum(np.bincount(inv, minlength=len(counts)))]
        nonempty = bounds[:-1] < bounds[1:]
        zmax = np.full(len(counts), np.nan)
        zmin = np.full(len(counts), np.nan)
        with np.errstate(invalid="ignore"):
            zmax[nonempty] = np.fmax.reduceat(zs, bounds[:-1][nonempty])
            zmin[nonempty] = np.fmin.reduceat(zs, bounds[:-1][nonempty])
        spread = zmax - zmin
        apart = split & (spread[inv] > max_dz)
        report.kept_apart += len(np.unique(inv[apart]))
        split &= ~apart
    report.shared_vertex_splits = int(split.sum())
    if not split.any():
        return L
    rep = 1 + split.astype(np.int64)
    xy = np.repeat(L.xy, rep, axis=0)
    z = np.repeat(L.z, rep) if L.z is not None else None
    lid = np.repeat(L.lid, rep)
    # a new piece starts at each line's first vertex and at the second copy of a split vertex
    new_start = np.zeros(len(lid), dtype=bool)
    first_copy = np.cumsum(rep) - rep
    new_start[first_copy[start]] = True
    new_start[first_copy[split] + 1] = True
    pid = np.cumsum(new_start) - 1
    src = L.src[lid[new_start]]
    return _Lines(xy, z, pid.astype(np.int64), src)


def _z_at(z: _FloatArray | None, xy: _FloatArray, cum: _FloatArray, s: float) -> float:
    if z is None:
        return float("nan")
    return float(np.interp(s, cum, z))


def _find_splits(
    L: _Lines, level: _IntArray, tol: float, max_dz: float, report: TopologyReport
) -> dict[int, list[tuple[float, float, float]]]:
    """Find where pieces must be split (steps 3 and 4): ``{piece: [(s, x, y)]}``."""
    geoms = L.geoms()
    start, end = L.bounds()
    lev = level[L.src]
    pts, inv, _ = _unique_rows(np.concatenate([L.xy[start], L.xy[end]]))
    n = L.n
    p_start, p_end = inv[:n], inv[n:]
    splits: dict[int, list[tuple[float, float, float]]] = {}
    tree = shapely.STRtree(geoms)
    cum_cache: dict[int, tuple[_FloatArray, _FloatArray | None]] = {}

    def piece(i: int) -> tuple[_FloatArray, _FloatArray | None]:
        if i not in cum_cache:
            xy = L.xy[start[i] : end[i] + 1]
            seg = np.hypot(*np.diff(xy, axis=0).T)
            z = L.z[start[i] : end[i] + 1] if L.z is not None else None
            cum_cache[i] = (np.r_[0.0, np.cumsum(seg)], z)
        return cum_cache[i]

    # levels present at each end point, as (point, level) keys
    span = int(lev.max()) - int(lev.min()) + 1 if n else 1
    end_keys = np.unique(np.concatenate([p_start, p_end]) * span + np.r_[lev, lev] - lev.min())
    # z at each end point (any line's end; NaN without z)
    end_z = np.full(len(pts), np.nan)
    if L.z is not None:
        end_z[p_start] = L.z[start]
        end_z[p_end] = L.z[end]

    # 3. line ends on (or within tol of) another piece's interior
    if len(pts):
        pi, li = tree.query(shapely.points(pts), predicate="dwithin", distance=max(tol, _EPS))
        own = (p_start[li] == pi) | (p_end[li] == pi)
        pi, li = pi[~own], li[~own]
        if len(pi):
            pt = shapely.points(pts[pi])
            s = shapely.line_locate_point(geoms[li], pt)
            length = shapely.length(geoms[li])
            interior = (s > _EPS) & (s < length - _EPS)
            same_level = np.isin(pi * span + lev[li] - lev.min(), end_keys)
            for k in np.flatnonzero(interior).tolist():
                i, p = int(li[k]), int(pi[k])
                if not same_level[k]:
                    report.kept_apart += 1
                    continue
                cum, z = piece(i)
                zi = _z_at(z, L.xy, cum, float(s[k]))
                if np.isfinite(zi) and np.isfinite(end_z[p]) and abs(zi - end_z[p]) > max_dz:
                    report.kept_apart += 1
                    continue
                px, py = float(pts[p, 0]), float(pts[p, 1])
                splits.setdefault(i, []).append((float(s[k]), px, py))
                report.t_junctions += 1

    # 4. interiors crossing at a point that is a vertex of neither (or of one only)
    ci, cj, cx, cy, si, sj, za, zb = _segment_crossings(L, start, end)
    for k in range(len(ci)):
        i, j = int(ci[k]), int(cj[k])
        if lev[i] != lev[j] or (
            np.isfinite(za[k]) and np.isfinite(zb[k]) and abs(za[k] - zb[k]) > max_dz
        ):
            report.kept_apart += 1
            continue
        x, y = float(cx[k]), float(cy[k])
        splits.setdefault(i, []).append((float(si[k]), x, y))
        splits.setdefault(j, []).append((float(sj[k]), x, y))
        report.crossings += 1
    return splits


def _segment_crossings(L: _Lines, start: _IntArray, end: _IntArray) -> tuple[np.ndarray, ...]:
    """Find where two pieces cross between their end points, on their straight segments.

    A bounding-box query over the segments gives candidate pairs; exact orientation tests in
    numpy keep the pairs whose interiors cross (or where a vertex of one lies on the other's
    interior). Segments that share an end point cannot cross elsewhere and are skipped, as are
    crossings at a piece's own end (T-junctions, step 3). Returns, per crossing, the two pieces,
    the point, its distance along each piece and the height of each there (NaN without z).
    """
    none = tuple(np.zeros(0) for _ in range(8))
    k = np.flatnonzero(L.lid[1:] == L.lid[:-1])  # segment k runs from vertex k to k + 1
    if len(k) < 2:
        return none
    p0, p1, piece = L.xy[k], L.xy[k + 1], L.lid[k]
    seglen = np.hypot(*(p1 - p0).T)
    cum = np.cumsum(np.r_[0.0, seglen])
    # distance along its piece of each segment's start
    first_seg = np.searchsorted(k, start[piece])
    along = cum[:-1] - cum[first_seg]
    segs = shapely.linestrings(np.stack([p0, p1], axis=1))
    i, j = shapely.STRtree(segs).query(segs)
    keep = i < j  # two segments of one piece may cross too (a line crossing itself)
    i, j = i[keep], j[keep]
    a0, a1, b0, b1 = p0[i], p1[i], p0[j], p1[j]
    shared = (
        (a0 == b0).all(axis=1) | (a0 == b1).all(axis=1) | (a1 == b0).all(axis=1)
        | (a1 == b1).all(axis=1)
    )  # fmt: skip
    i, j, a0, a1, b0, b1 = (
        i[~shared],
        j[~shared],
        a0[~shared],
        a1[~shared],
        b0[~shared],
        b1[~shared],
    )

    def orient(p: _FloatArray, q: _FloatArray, r: _FloatArray) -> _FloatArray:
        return np.asarray(
            (q[:, 0] - p[:, 0]) * (r[:, 1] - p[:, 1]) - (q[:, 1] - p[:, 1]) * (r[:, 0] - p[:, 0])
        )

    o1, o2 = orient(a0, a1, b0), orient(a0, a1, b1)
    o3, o4 = orient(b0, b1, a0), orient(b0, b1, a1)
    hit = (np.sign(o1) * np.sign(o2) <= 0) & (np.sign(o3) * np.sign(o4) <= 0)
    collinear = (o1 == 0) & (o2 == 0)  # overlapping or apart on one line: not a crossing
    hit &= ~collinear
    i, j, o1, o2, o3, o4 = i[hit], j[hit], o1[hit], o2[hit], o3[hit], o4[hit]
    t = o3 / (o3 - o4)  # along segment i
    u = o1 / (o1 - o2)  # along segment j
    px = p0[j, 0] + u * (p1[j, 0] - p0[j, 0])
    py = p0[j, 1] + u * (p1[j, 1] - p0[j, 1])
    # a vertex lying exactly on the other segment: use the vertex itself
    for w, idx, frac in ((o3 == 0, i, 0.0), (o4 == 0, i, 1.0)):
        px = np.where(w, p0[idx, 0] + frac * (p1[idx, 0] - p0[idx, 0]), px)
        py = np.where(w, p0[idx, 1] + frac * (p1[idx, 1] - p0[idx, 1]), py)
    for w, frac in ((o1 == 0, 0.0), (o2 == 0, 1.0)):
        px = np.where(w, p0[j, 0] + frac * (p1[j, 0] - p0[j, 0]), px)
        py = np.where(w, p0[j, 1] + frac * (p1[j, 1] - p0[j, 1]), py)
    si = along[i] + t * seglen[i]
    sj = along[j] + u * seglen[j]
    # at a piece's own end: a T-junction, which step 3 decides (with the tolerance)
    pi, pj = piece[i], piece[j]
    len_i = cum[np.searchsorted(k, end[pi] - 1) + 1] - cum[first_seg[i]]
    len_j = cum[np.searchsorted(k, end[pj] - 1) + 1] - cum[first_seg[j]]
    inner = (si > _EPS) & (si < len_i - _EPS) & (sj > _EPS) & (sj < len_j - _EPS)
    i, j, px, py, si, sj, t, u = (a[inner] for a in (i, j, px, py, si, sj, t, u))
    if L.z is not None:
        zi = L.z[k[i]] + t * (L.z[k[i] + 1] - L.z[k[i]])
        zj = L.z[k[j]] + u * (L.z[k[j] + 1] - L.z[k[j]])
    else:
        zi = zj = np.full(len(i), np.nan)
    return piece[i], piece[j], px, py, si, sj, zi, zj


def _apply_splits(L: _Lines, splits: dict[int, list[tuple[float, float, float]]]) -> _Lines:
    """Step 5: insert split points into their pieces and cut the pieces there."""
    if not splits:
        return L
    start, end = L.bounds()
    touched = np.zeros(L.n, dtype=bool)
    touched[list(splits)] = True
    out_xy: list[_FloatArray] = []
    out_z: list[_FloatArray] = []
    out_lid: list[_IntArray] = []
    out_src: list[int] = []
    # untouched pieces keep their coordinates
    keep_v = ~touched[L.lid]
    base_ids = np.cumsum(~touched) - 1
    out_xy.append(L.xy[keep_v])
    if L.z is not None:
        out_z.append(L.z[keep_v])
    out_lid.append(base_ids[L.lid[keep_v]])
    out_src.extend(L.src[~touched].tolist())
    next_id = int((~touched).sum())
    for i, pts in sorted(splits.items()):
        xy = L.xy[start[i] : end[i] + 1]
        z = L.z[start[i] : end[i] + 1] if L.z is not None else None
        seg = np.hypot(*np.diff(xy, axis=0).T)
        cum = np.r_[0.0, np.cumsum(seg)]
        # (vertex position k, fraction t within segment k..k+1, point)
        items: list[tuple[int, float, float, float, float]] = []
        for s, x, y in pts:
            k = int(np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1))
            t = 0.0 if seg[k] == 0 else (s - cum[k]) / seg[k]
            zz = float(z[k] + (z[k + 1] - z[k]) * min(max(t, 0.0), 1.0)) if z is not None else 0.0
            items.append((k, t, x, y, zz))
        items.sort()
        coords: list[tuple[float, float]] = [tuple(xy[0])]
        zs: list[float] = [float(z[0])] if z is not None else []
        cuts: list[int] = []
        k_done = 0
        for k, _t, x, y, zz in items:
            while k_done < k:
                k_done += 1
                coords.append(tuple(xy[k_done]))
                if z is not None:
                    zs.append(float(z[k_done]))
            if coords[-1] == (x, y):
                cuts.append(len(coords) - 1)
                continue
            nxt = tuple(xy[k + 1])
            if nxt == (x, y):
                k_done = k + 1
                coords.append(nxt)
                if z is not None:
                    zs.append(float(z[k + 1]))
                cuts.append(len(coords) - 1)
                continue
            coords.append((x, y))
            if z is not None:
                zs.append(zz)
            cuts.append(len(coords) - 1)
        while k_done < len(xy) - 1:
            k_done += 1
            coords.append(tuple(xy[k_done]))
            if z is not None:
                zs.append(float(z[k_done]))
        arr = np.asarray(coords, dtype=np.float64)
        zarr = np.asarray(zs, dtype=np.float64) if z is not None else None
        bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(arr) - 1)), len(arr) - 1]
        for c0, c1 in itertools.pairwise(bounds):
            out_xy.append(arr[c0 : c1 + 1])
            if zarr is not None:
                out_z.append(zarr[c0 : c1 + 1])
            out_lid.append(np.full(c1 - c0 + 1, next_id, dtype=np.int64))
            out_src.append(int(L.src[i]))
            next_id += 1
    xy_all = np.concatenate(out_xy)
    lid_all = np.concatenate(out_lid)
    z_all = np.concatenate(out_z) if L.z is not None else None
    order = np.argsort(lid_all, kind="stable")
    return _Lines(
        xy_all[order],
        z_all[order] if z_all is not None else None,
        lid_all[order],
        np.asarray(out_src, dtype=np.int64),
    )


def node_lines(
    lines: Geometries,
    /,
    *,
    level: np.ndarray | Sequence[str] | None = None,
    tolerance_m: float = 0.5,
    max_dz_m: float = 2.0,
) -> NodedLines:
    """Node a set of lines into graph segments (see the module docstring for the rules).

    Parameters
    ----------
    lines
        LineStrings (2-D or 3-D) in a projected CRS in metres; MultiLineStrings must be
        exploded first.
    level
        One value per line (any hashable: OSM layer, ``"bru"``...); lines on different levels
        are never joined where they cross or touch between vertices. ``None``: all level.
    tolerance_m
        Line ends closer than this merge; a line end this close to another line's interior
        makes a T-junction.
    max_dz_m
        3-D lines only: largest height difference at which lines meet.

    Returns
    -------
    NodedLines
        Segments (``lines``), the input line of each (``source``), node coordinates and the end
        nodes ``u``/``v`` of each segment, and the :class:`TopologyReport`.

    Examples
    --------
    A T-junction without a shared vertex, and a crossing:

    >>> from shapely.geometry import LineString
    >>> out = node_lines([LineString([(0, 0), (100, 0)]), LineString([(50, 0), (50, 40)]),
    ...                   LineString([(80, -10), (80, 10)])])
    >>> len(out.lines), len(out.node_xy), out.report.t_junctions, out.report.crossings
    (6, 7, 1, 1)

    The same crossing on a bridge (level 1) is not joined:

    >>> node_lines([LineString([(0, 0), (100, 0)]), LineString([(80, -10), (80, 10)])],
    ...            level=[0, 1]).report.kept_apart
    1
    """
    geoms = np.asarray(lines, dtype=object)
    report = TopologyReport(tolerance_m=float(tolerance_m), lines_in=len(geoms))
    if len(geoms) and not np.isin(shapely.get_type_id(geoms), (1,)).all():
        raise ValueError("node_lines needs LineStrings; explode MultiLineStrings first.")
    if level is None:
        codes = np.zeros(len(geoms), dtype=np.int64)
    else:
        values = np.asarray(level, dtype=object)
        _, codes_raw = np.unique(values.astype(str), return_inverse=True)
        codes = codes_raw.astype(np.int64)
    L = _Lines.from_geoms(geoms)
    report.zero_length_dropped += L.clean()
    _merge_endpoints(L, codes, float(tolerance_m), report)
    report.zero_length_dropped += L.clean()
    L = _split_at_shared_vertices(L, float(max_dz_m), report)
    if L.n:
        splits = _find_splits(L, codes, float(tolerance_m), float(max_dz_m), report)
        L = _apply_splits(L, splits)
    report.zero_length_dropped += L.clean()
    out_geoms = L.geoms() if L.n else np.zeros(0, dtype=object)
    if L.z is not None and L.n:
        out_geoms = shapely.linestrings(np.c_[L.xy, L.z], indices=L.lid)
    start, end = L.bounds() if L.n else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    ends = np.concatenate([L.xy[start], L.xy[end]]) if L.n else np.zeros((0, 2))
    node_xy, inv, _ = _unique_rows(ends)
    report.segments_out = L.n
    return NodedLines(
        lines=np.asarray(out_geoms, dtype=object),
        source=L.src.astype(np.int64),
        node_xy=node_xy,
        u=inv[: L.n].astype(np.int64),
        v=inv[L.n :].astype(np.int64),
        report=report,
    )

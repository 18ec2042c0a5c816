"""The SYNTHETIC walking network: a warped, thinned street lattice with barriers.

One square lattice (``spacing_m``) covers the study area. Each lattice point takes the *level* of
the land it lies on (see :mod:`arealanalyse.demo.fields`): in centres every lattice line is a
street, in urban areas every 2nd, in villa areas every 4th, on farmland every 8th (tracks) and in
Marka every 16th (paths). Because all levels share one lattice, streets of different levels meet at
shared lattice points: every junction is a node and segments never cross without one. A smooth
domain warp and a small jitter bend the streets; some segments are dropped (cul-de-sacs) and
diagonal footpaths cross some blocks. E18 and the railway are barriers: segments crossing them
are removed except one at each real crossing point (bridge/underpass). Coordinates are rounded to
the centimetre, so segment endpoints coincide exactly at junctions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from arealanalyse.demo.fields import LEVEL_CENTRE, LEVEL_FARM, LEVEL_MARKA, Grid

__all__ = ["Network", "build_network", "components"]


@dataclass(frozen=True)
class Network:
    """Nodes (x, y) and edges (u, v) of the walk network with per-edge attributes."""

    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    highway: np.ndarray
    level: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.x)

    def lines(self) -> np.ndarray:
        """Edges as shapely LineStrings."""
        coords = np.stack(
            [
                np.column_stack([self.x[self.u], self.y[self.u]]),
                np.column_stack([self.x[self.v], self.y[self.v]]),
            ],
            axis=1,
        )
        return shapely.linestrings(coords)


def _hash01(*keys: np.ndarray, seed: int) -> np.ndarray:
    """Deterministic uniform [0, 1) values from integer keys (splitmix64-style mixing)."""
    h = np.full(np.broadcast(*keys).shape, np.uint64(seed * 2654435761 % 2**63), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in keys:
            h ^= np.asarray(k).astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
            h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            h ^= h >> np.uint64(31)
    return (h >> np.uint64(11)).astype(np.float64) / float(2**53)


def components(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes."""
    m = coo_matrix((np.ones(len(u), dtype=np.int8), (u, v)), shape=(n, n))
    return connected_components(m, directed=False)[1]


def build_network(
    grid: Grid,
    level: np.ndarray,
    outline: shapely.Geometry,
    barriers: Sequence[tuple[shapely.Geometry, Sequence[tuple[float, float]]]],
    *,
    seed: int,
    spacing_m: float = 32.0,
    min_component: int = 25,
) -> Network:
    """Build the walk network over ``outline``.

    Parameters
    ----------
    grid, level
        The land grid and its lattice level (0 = outside).
    outline
        Study area polygon; lattice points outside it are dropped.
    barriers
        ``(line, crossing_points)``: segments crossing ``line`` are removed except the one
        nearest to each crossing point.
    seed
        Seed of the warp, jitter and thinning.
    spacing_m
        Lattice spacing in metres.
    min_component
        Components with fewer nodes are removed (clipping debris at the coast).
    """
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = outline.bounds
    s = spacing_m
    xs = np.arange(np.floor((minx - 400) / s) * s, maxx + 400, s)
    ys = np.arange(np.floor((miny - 400) / s) * s, maxy + 400, s)
    nx, ny = len(xs), len(ys)
    jj2, ii2 = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    ii, jj = ii2.ravel(), jj2.ravel()
    px, py = xs[ii], ys[jj]
    # Smooth domain warp (|gradient| < 0.35, so the map stays one-to-one) plus a small jitter.
    ph = rng.uniform(0, 2 * np.pi, 6)
    wl = rng.uniform(1300, 2600, 6)
    wx = (
        px
        + 38 * np.sin(2 * np.pi * py / wl[0] + ph[0])
        + 22 * np.sin(2 * np.pi * (px + py) / wl[1] + ph[1])
        + 12 * np.sin(2 * np.pi * px / wl[2] + ph[2])
    )
    wy = (
        py
        + 38 * np.sin(2 * np.pi * px / wl[3] + ph[3])
        + 22 * np.sin(2 * np.pi * (px - py) / wl[4] + ph[4])
        + 12 * np.sin(2 * np.pi * py / wl[5] + ph[5])
    )
    wx = np.round(wx + rng.uniform(-3.5, 3.5, wx.shape), 2)
    wy = np.round(wy + rng.uniform(-3.5, 3.5, wy.shape), 2)
    lev = grid.sample(level, wx, wy)
    lev[~shapely.contains_xy(outline, wx, wy)] = 0
    lev2 = lev.reshape(ny, nx)

    def pid(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return j * nx + i

    edges_u, edges_v, e_hw, e_lev = [], [], [], []
    for horizontal in (True, False):
        if horizontal:
            j, i = np.meshgrid(np.arange(ny), np.arange(nx - 1), indexing="ij")
            a, b = lev2[:, :-1].ravel(), lev2[:, 1:].ravel()
            line, along = j.ravel(), i.ravel()
            ua, ub = pid(i.ravel(), j.ravel()), pid(i.ravel() + 1, j.ravel())
        else:
            j, i = np.meshgrid(np.arange(ny - 1), np.arange(nx), indexing="ij")
            a, b = lev2[:-1, :].ravel(), lev2[1:, :].ravel()
            line, along = i.ravel(), j.ravel()
            ua, ub = pid(i.ravel(), j.ravel()), pid(i.ravel(), j.ravel() + 1)
        m = np.minimum(a, b)
        ok = (a > 0) & (b > 0)
        m = np.where(ok, m, 1)
        keep = ok & (line % m == 0)
        # Thinning: whole coarse segments in Marka/farmland, single segments in built areas.
        bond = _hash01(line, along // m, m, np.full_like(line, int(horizontal)), seed=seed)
        single = _hash01(line, along, np.full_like(line, 7 + int(horizontal)), seed=seed)
        coarse = m >= LEVEL_FARM
        drop = np.where(
            coarse,
            bond < np.where(m >= LEVEL_MARKA, 0.28, 0.18),
            (single < np.where(m == LEVEL_CENTRE, 0.06, 0.045)) & (line % 8 != 0),
        )
        keep &= ~drop
        hw = np.where(
            m >= LEVEL_MARKA,
            "path",
            np.where(
                m >= LEVEL_FARM,
                "track",
                np.where(
                    line % 8 == 0, "tertiary", np.where(line % 2 == 0, "residential", "pedestrian")
                ),
            ),
        )
        edges_u.append(ua[keep])
        edges_v.append(ub[keep])
        e_hw.append(hw[keep])
        e_lev.append(m[keep])
    u = np.concatenate(edges_u)
    v = np.concatenate(edges_v)
    hw = np.concatenate(e_hw).astype(object)
    elev = np.concatenate(e_lev)

    # Diagonal footpaths across some blocks of built levels: from block corner to corner through
    # lattice points that lie on no street of that block (so nothing is crossed without a node).
    deg = np.bincount(np.concatenate([u, v]), minlength=nx * ny)
    du, dv, dlev = [], [], []
    for mm, prob in ((1, 0.04), (2, 0.22), (4, 0.3)):
        gj, gi = np.meshgrid(np.arange(0, ny - mm, mm), np.arange(0, nx - mm, mm), indexing="ij")
        bi, bj = gi.ravel(), gj.ravel()
        sel = _hash01(bi, bj, np.full_like(bi, 100 + mm), seed=seed) < prob
        anti = _hash01(bi, bj, np.full_like(bi, 200 + mm), seed=seed) < 0.5
        bi, bj, anti = bi[sel], bj[sel], anti[sel]
        steps = np.arange(mm + 1)
        ci = bi[:, None] + steps[None, :]
        cj = np.where(
            anti[:, None], bj[:, None] + mm - steps[None, :], bj[:, None] + steps[None, :]
        )
        ids = pid(ci, cj)
        ends_ok = (deg[ids[:, 0]] > 0) & (deg[ids[:, -1]] > 0)
        inner_ok = (lev[ids[:, 1:-1]] == mm).all(axis=1) if mm > 1 else np.ones(len(ids), bool)
        all_lev = lev[ids]
        ok = ends_ok & inner_ok & (all_lev > 0).all(axis=1) & (all_lev <= mm).all(axis=1)
        ids = ids[ok]
        du.append(ids[:, :-1].ravel())
        dv.append(ids[:, 1:].ravel())
        dlev.append(np.full(ids[:, 1:].size, mm))
    u = np.concatenate([u, *du])
    v = np.concatenate([v, *dv])
    hw = np.concatenate([hw, np.full(sum(len(d) for d in du), "footway", dtype=object)])
    elev = np.concatenate([elev, *dlev])

    # Segments must stay on land (no crossing of bays).
    mx, my = (wx[u] + wx[v]) / 2, (wy[u] + wy[v]) / 2
    on_land = shapely.contains_xy(outline, mx, my)
    u, v, hw, elev = u[on_land], v[on_land], hw[on_land], elev[on_land]

    # Barriers: E18 and the railway, crossable only at their real crossing points.
    lines = shapely.linestrings(
        np.stack([np.column_stack([wx[u], wy[u]]), np.column_stack([wx[v], wy[v]])], axis=1)
    )
    tree = shapely.STRtree(lines)
    drop = np.zeros(len(u), dtype=bool)
    bridge = np.zeros(len(u), dtype=bool)
    for barrier, points in barriers:
        hits = tree.query(barrier, predicate="intersects")
        hits = np.sort(hits)
        if len(hits) == 0:
            continue
        keep_idx = set()
        for x, y in points:
            d = shapely.distance(lines[hits], shapely.Point(x, y))
            if d.min() < 150:
                keep_idx.add(int(hits[int(np.argmin(d))]))
        for h in hits:
            if int(h) in keep_idx:
                bridge[h] = True
            else:
                drop[h] = True
    drop &= ~bridge
    hw = np.where(bridge, "footway", hw)
    u, v, hw, elev = u[~drop], v[~drop], hw[~drop], elev[~drop]

    # Renumber nodes, remove duplicates and clipping debris.
    key = np.minimum(u, v) * (nx * ny) + np.maximum(u, v)
    _, first = np.unique(key, return_index=True)
    first = np.sort(first)
    u, v, hw, elev = u[first], v[first], hw[first], elev[first]
    used, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    u, v = inv[: len(u)], inv[len(u) :]
    labels = components(u, v, len(used))
    sizes = np.bincount(labels)
    good = sizes[labels] >= min_component
    keep_e = good[u]
    used2, inv2 = np.unique(np.concatenate([u[keep_e], v[keep_e]]), return_inverse=True)
    n_e = int(keep_e.sum())
    return Network(
        x=wx[used][used2],
        y=wy[used][used2],
        u=inv2[:n_e],
        v=inv2[n_e:],
        highway=hw[keep_e],
        level=elev[keep_e],
    )

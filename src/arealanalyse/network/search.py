"""Bounded multi-source shortest paths on the walk graph's sparse adjacency.

The graph is stored once as a symmetric :class:`scipy.sparse.csr_matrix` with one spare row (see
:attr:`arealanalyse.network.WalkNetwork.csgraph`); a search attaches virtual sources there, so a
bounded multi-source search costs one call to :func:`scipy.sparse.csgraph.dijkstra`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

__all__ = ["group_fields", "node_field"]

_FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_IntArray = np.ndarray[Any, np.dtype[np.int64]]


def node_field(
    csgraph: csr_matrix, node: _IntArray, cost: _FloatArray, /, *, limit: float
) -> _FloatArray:
    """Distance from the nearest of several sources to every node, bounded by ``limit``.

    ``csgraph`` has one spare, empty last row, where the virtual source is attached. See
    :meth:`arealanalyse.network.WalkNetwork.node_field`.
    """
    n = csgraph.shape[0] - 1
    best = np.full(n, np.inf)
    np.minimum.at(best, np.asarray(node, dtype=np.int64), np.asarray(cost, dtype=np.float64))
    sel = np.flatnonzero(best <= limit)
    if len(sel) == 0:
        return np.full(n, np.inf)
    base = csgraph
    indptr = base.indptr.copy()
    indptr[-1] += len(sel)
    g = csr_matrix(
        (
            np.concatenate([base.data, best[sel]]),
            np.concatenate([base.indices, sel.astype(base.indices.dtype)]),
            indptr,
        ),
        shape=base.shape,
    )
    d = dijkstra(g, directed=True, indices=n, limit=limit)
    return np.asarray(d[:n], dtype=np.float64)


def group_fields(
    csgraph: csr_matrix,
    node_xy: np.ndarray,
    group: _IntArray,
    node: _IntArray,
    cost: _FloatArray,
    /,
    *,
    n_groups: int,
    limit: float,
    chunk: int = 16,
) -> Iterator[tuple[_IntArray, _IntArray, np.ndarray]]:
    """Yield per-group bounded distance fields, a few spatially close groups at a time.

    See :meth:`arealanalyse.network.WalkNetwork.group_fields`; ``node_xy`` are the node
    coordinates that order the groups and bound each chunk's subgraph.
    """
    n = len(node_xy)
    core = csgraph[:n, :n].tocsr()
    group = np.asarray(group, dtype=np.int64)
    node = np.asarray(node, dtype=np.int64)
    cost = np.asarray(cost, dtype=np.float64)
    keep = cost <= limit
    group, node, cost = group[keep], node[keep], cost[keep]
    if len(group) == 0:
        return
    order = np.lexsort((node, group))
    group, node, cost = group[order], node[order], cost[order]
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)])
    present = np.flatnonzero(counts)
    # spatial order of the groups (by their first source) so that chunks are compact
    first_xy = node_xy[node[starts[present]]]
    cell = max(limit, 1.0)
    gx = np.floor((first_xy[:, 0] - first_xy[:, 0].min()) / cell).astype(np.int64)
    gy = np.floor((first_xy[:, 1] - first_xy[:, 1].min()) / cell).astype(np.int64)
    snake = np.where(gy % 2 == 0, gx, gx.max() - gx)
    present = present[np.lexsort((snake, gy))]
    x, y = node_xy[:, 0], node_xy[:, 1]
    for c0 in range(0, len(present), chunk):
        ids = np.sort(present[c0 : c0 + chunk])
        rows = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in ids])
        sx, sy = node_xy[node[rows], 0], node_xy[node[rows], 1]
        box = (
            (x >= sx.min() - limit)
            & (x <= sx.max() + limit)
            & (y >= sy.min() - limit)
            & (y <= sy.max() + limit)
        )
        sub = np.flatnonzero(box)
        m = len(sub)
        g_sub = core[sub][:, sub].tocsr()
        local = np.searchsorted(sub, node[rows])
        which = np.searchsorted(ids, group[rows])
        cnt = np.bincount(which, minlength=len(ids))
        extra_ptr = g_sub.indptr[-1] + np.cumsum(cnt)
        indptr = np.concatenate([g_sub.indptr, extra_ptr])
        size = m + len(ids)
        g = csr_matrix(
            (
                np.concatenate([g_sub.data, cost[rows]]),
                np.concatenate([g_sub.indices, local.astype(g_sub.indices.dtype)]),
                indptr,
            ),
            shape=(size, size),
        )
        d = dijkstra(g, directed=True, indices=m + np.arange(len(ids)), limit=limit)
        yield ids, sub.astype(np.int64), np.asarray(d[:, :m])

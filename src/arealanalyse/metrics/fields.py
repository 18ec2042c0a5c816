"""Distance fields from target sets over the walk network's nodes, memoised in the cache.

A field does not depend on the homes: it is computed once per target set (keyed by its
preparation) and bound (``limit``), and reused by every :class:`~arealanalyse.metrics.
Accessibility` on the same network that shares the :class:`~arealanalyse.metrics.AccessCache`.

* :func:`nearest_field`: the distance from the nearest target to every node (one bounded
  multi-source search);
* :func:`target_fields`: one bounded field per target (a sparse nodes x targets matrix), each
  memoised by a signature of that target's entry points, so a layer with one target added or
  moved searches only from that target.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csc_matrix

from arealanalyse.metrics.cache import AccessCache
from arealanalyse.metrics.keys import digest
from arealanalyse.metrics.targets import TargetSet, entry_signatures
from arealanalyse.network import WalkNetwork

__all__ = ["nearest_field", "target_fields"]


def nearest_field(
    net: WalkNetwork, cache: AccessCache, ts: TargetSet, /, *, limit: float
) -> np.ndarray:
    """Bounded distance from the nearest target to every network node (memoised)."""
    fkey = digest("field", ts.key)
    hit = cache.get(cache.fields, fkey)
    if hit is not None and hit[0] >= limit:
        field = hit[1]
        return np.where(field <= limit, field, np.inf) if hit[0] > limit else field
    e = ts.entry_edge
    node = np.concatenate([net.u[e], net.v[e]])
    cost = np.concatenate(
        [
            ts.entry_access_m + ts.entry_pos_m,
            ts.entry_access_m + net.length[e] - ts.entry_pos_m,
        ]
    )
    field = net.node_field(node, cost, limit=limit)
    field.setflags(write=False)
    cache.put(cache.fields, fkey, (limit, field))
    return field


def target_fields(
    net: WalkNetwork, cache: AccessCache, ts: TargetSet, /, *, limit: float
) -> csc_matrix:
    """Sparse (nodes x targets) matrix of bounded per-target node distances (memoised).

    Stored entries are reachable distances; zero distances are stored as a tiny epsilon.
    """
    fkey = digest("groups", ts.key)
    hit = cache.get(cache.group_fields, fkey)
    if hit is not None and hit[0] >= limit:
        mat = hit[1]
        if hit[0] > limit:
            mat = mat.copy()
            mat.data[mat.data > limit + 1e-9] = 0.0
            mat.eliminate_zeros()
        return mat
    # per-target fields are memoised by a signature of that target's entry points, so a
    # layer with one target added or moved only searches from that target
    sig = entry_signatures(ts)
    store = cache.target_fields
    need = np.array([(int(k), limit) not in store for k in sig.tolist()], dtype=bool)
    if need.any():
        sel = need[ts.entry_group]
        e = ts.entry_edge[sel]
        grp = ts.entry_group[sel]
        acc, pos = ts.entry_access_m[sel], ts.entry_pos_m[sel]
        group = np.concatenate([grp, grp])
        node = np.concatenate([net.u[e], net.v[e]])
        cost = np.concatenate([acc + pos, acc + net.length[e] - pos])
        found: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for ids, sub, block in net.group_fields(group, node, cost, n_groups=ts.n, limit=limit):
            for j, gid in enumerate(ids.tolist()):
                r = np.flatnonzero(np.isfinite(block[j]))
                found[gid] = (sub[r], np.maximum(block[j, r], 1e-9))
        if len(store) > 200_000:
            store.clear()
        empty = (np.zeros(0, np.int64), np.zeros(0))
        for gid in np.flatnonzero(need).tolist():
            store[(int(sig[gid]), limit)] = found.get(gid, empty)
    parts = [store[(int(k), limit)] for k in sig.tolist()]
    lengths = np.array([len(p[0]) for p in parts], dtype=np.int64)
    rows_all = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    vals_all = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0)
    cols_all = np.repeat(np.arange(ts.n, dtype=np.int64), lengths)
    mat = csc_matrix((vals_all, (rows_all, cols_all)), shape=(net.n_nodes, ts.n)).tocsr()
    cache.put(cache.group_fields, fkey, (limit, mat))
    return mat

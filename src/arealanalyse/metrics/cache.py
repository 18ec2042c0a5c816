"""Memo of snapped layers, prepared targets and distance fields, shared between runs.

Everything is keyed by hashes of the inputs (geometry, parameters, the network), so a stale entry
can never be returned. Per-home results are also stored by the exact coordinates of each home
("rows"), so a layer with a few homes added or moved recomputes only those homes.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd
from scipy.sparse import csc_matrix

from arealanalyse.network import Snap, WalkNetwork

if TYPE_CHECKING:
    from arealanalyse.metrics.targets import TargetSet

__all__ = ["AccessCache"]

V = TypeVar("V")


class AccessCache:
    """Memo of snapped layers, prepared targets and distance fields on one network.

    Share one cache between :class:`Accessibility` objects (and :func:`run_suite` calls) on the
    same :class:`~arealanalyse.network.WalkNetwork`; entries are keyed by hashes of the inputs, so
    a stale entry can never be returned. At most ``max_entries`` of each kind are kept.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self.net_key = ""
        self.snaps: OrderedDict[str, Snap] = OrderedDict()
        self.targets: OrderedDict[str, TargetSet] = OrderedDict()
        self.fields: OrderedDict[str, tuple[float, np.ndarray]] = OrderedDict()
        self.group_fields: OrderedDict[str, tuple[float, csc_matrix]] = OrderedDict()
        self.results: OrderedDict[str, Any] = OrderedDict()
        self.rows: OrderedDict[str, Any] = OrderedDict()
        self.target_fields: dict[tuple[int, float], tuple[np.ndarray, np.ndarray]] = {}
        self.hits = 0
        self.misses = 0

    def bind(self, net: WalkNetwork) -> None:
        """Tie the cache to ``net``; clears it when a different network is used."""
        if self.net_key != net.key:
            self.snaps.clear()
            self.targets.clear()
            self.fields.clear()
            self.group_fields.clear()
            self.results.clear()
            self.rows.clear()
            self.target_fields.clear()
            self.net_key = net.key

    def get(self, store: OrderedDict[str, V], key: str) -> V | None:
        """Return a memoised value or ``None`` (and count the hit or miss)."""
        value = store.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            store.move_to_end(key)
        return value

    def put(self, store: OrderedDict[str, V], key: str, value: V) -> None:
        """Memoise ``value`` under ``key``, evicting the oldest entries beyond the limit."""
        store[key] = value
        while len(store) > self.max_entries:
            store.popitem(last=False)


def _rows_lookup(
    cache: AccessCache, name: str, keys: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]] | None:
    """Per-point results stored under ``name``: (hit mask, positions, stored arrays)."""
    store = cache.rows.get(name)
    if store is None or keys is None or len(keys) == 0:
        return None
    stored_keys, arrays = store
    pos = np.minimum(np.searchsorted(stored_keys, keys), len(stored_keys) - 1)
    hit = stored_keys[pos] == keys
    return hit, pos, arrays


def _rows_store(
    cache: AccessCache,
    name: str,
    keys: np.ndarray,
    arrays: tuple[np.ndarray, ...],
    *,
    hit: np.ndarray | None = None,
) -> None:
    """Remember per-point results (keys are exact coordinates).

    ``hit`` marks points whose results came from the store already; only the others are added
    (inserted in key order, without re-sorting what is stored).
    """
    store = cache.rows.get(name)
    if store is not None and hit is not None and len(store[0]) < 4 * len(keys):
        new = ~hit
        if not new.any():
            return
        add_keys, first = np.unique(keys[new], return_index=True)
        at = np.searchsorted(store[0], add_keys)
        merged = np.insert(store[0], at, add_keys)
        arrays = tuple(
            np.insert(old, at, a[new][first], axis=0)
            for a, old in zip(arrays, store[1], strict=True)
        )
        cache.put(cache.rows, name, (merged, arrays))
        return
    uniq, first = np.unique(keys, return_index=True)
    cache.put(cache.rows, name, (uniq, tuple(np.array(a[first]) for a in arrays)))


def _pairs_store(
    cache: AccessCache,
    name: str,
    keys: np.ndarray,
    frame: pd.DataFrame,
    *,
    hit: np.ndarray | None = None,
) -> None:
    """Remember pairs by home coordinates; with ``hit``, only homes not stored yet are added."""
    store = cache.rows.get(name)
    if store is not None and hit is not None and len(store[0]) < 4 * len(keys):
        new = ~hit
        if not new.any():
            return
        homes = frame["home"].to_numpy()
        rows = frame.loc[new[homes]].assign(key=keys[homes[new[homes]]])
        rows = pd.concat([store[1], rows[["key", "target", "distance_m"]]], ignore_index=True)
        rows = rows.drop_duplicates(["key", "target"])
        all_keys = np.union1d(store[0], keys[new])
    else:
        rows = frame.assign(key=keys[frame["home"].to_numpy()])[["key", "target", "distance_m"]]
        rows = rows.drop_duplicates(["key", "target"])
        all_keys = np.unique(keys)
    rows = rows.sort_values(["key", "target"], kind="stable").reset_index(drop=True)
    cache.put(cache.rows, name, (all_keys, rows))

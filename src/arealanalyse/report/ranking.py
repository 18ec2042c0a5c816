"""The ranking of scenarios as ``ranking.md``, ``ranking.csv`` and ``ranking.json``.

:func:`arealanalyse.scenarios.compare.rank` computes the table; this module only writes it, in
bokmål (the default) or English, with the numbers of :mod:`arealanalyse.i18n`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from arealanalyse.i18n import check_lang, fmt_number, fmt_quantity, fmt_share, msg
from arealanalyse.io import write_json, write_table, write_text
from arealanalyse.scenarios.compare import CRITERIA, parse_weights

__all__ = ["RANKING_FILES", "ranking_markdown", "write_ranking"]

#: The files :func:`write_ranking` writes.
RANKING_FILES: frozenset[str] = frozenset({"ranking.md", "ranking.csv", "ranking.json"})


def _value(value: Any, unit: str, lang: str) -> str:
    if unit == "share":
        return fmt_share(value, lang)
    return fmt_quantity(value, unit, lang)


def _weights(table: pd.DataFrame) -> Mapping[str, float]:
    return table.attrs.get("weights") or parse_weights(None)


def ranking_markdown(table: pd.DataFrame, /, *, lang: str = "nb") -> str:
    """Render a :func:`~arealanalyse.scenarios.compare.rank` table as Markdown.

    Examples
    --------
    >>> from arealanalyse.scenarios.compare import rank
    >>> t = rank({"a": {"farmland": 0.0}, "b": {"farmland": 40.0}})
    >>> print(ranking_markdown(t, lang="en").splitlines()[0])
    # Ranking of scenarios
    >>> [line for line in ranking_markdown(t).splitlines() if line.startswith("| 2 ")][0][:33]
    '| 2 | b | 0,350 | – | 40,00 daa |'
    """
    lang = check_lang(lang)
    weights = _weights(table)
    lines = [
        f"# {msg('ranking.title', lang)}",
        "",
        msg("ranking.intro", lang),
        "",
        "| "
        + " | ".join(msg(f"ranking.{c}", lang) for c in ("rank", "scenario", "score"))
        + " | "
        + " | ".join(CRITERIA)
        + " |",
        "|---:|---|---:|" + "---:|" * len(CRITERIA),
    ]
    for name, row in table.iterrows():
        cells = [_value(row[key], crit.unit, lang) for key, crit in CRITERIA.items()]
        lines.append(
            f"| {int(row['rank'])} | {name} | {fmt_number(row['score'], lang, 3)} | "
            + " | ".join(cells)
            + " |"
        )
    heads = ("criterion", "direction", "weight", "description")
    lines += [
        "",
        "| " + " | ".join(msg(f"ranking.{h}", lang) for h in heads) + " |",
        "|---|---|---:|---|",
    ]
    for key, crit in CRITERIA.items():
        sign = "+" if crit.direction > 0 else "\u2212"
        weight = fmt_number(weights[key], lang)
        lines.append(f"| {key} | {sign} | {weight} | {msg(f'ranking.criterion.{key}', lang)} |")
    return "\n".join(lines) + "\n"


def write_ranking(
    table: pd.DataFrame, out_dir: str | os.PathLike[str], /, *, lang: str = "nb"
) -> list[Path]:
    """Write ``ranking.md`` (in ``lang``), ``ranking.csv`` and ``ranking.json`` (atomic)."""
    out = Path(out_dir)
    weights = _weights(table)
    records = table.reset_index().to_dict("records")
    clean = [
        {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
        for r in records
    ]
    return [
        write_text(out / "ranking.md", ranking_markdown(table, lang=lang)),
        write_table(table, out / "ranking.csv"),
        write_json(out / "ranking.json", {"weights": dict(weights), "ranking": clean}),
    ]

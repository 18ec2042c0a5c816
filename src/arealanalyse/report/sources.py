"""Data sources as reports and maps list them: name (attribution, licence)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arealanalyse.layers.catalogue import SourceLike

__all__ = ["source_dict", "source_text"]

_FIELDS = ("name", "licence", "attribution", "url")


def source_dict(src: SourceLike, /) -> dict[str, str]:
    """Return a data source (a catalogue's entry, a mapping or a line of text) as a dict.

    Examples
    --------
    >>> source_dict({"name": "Kartverket", "licence": "CC BY 4.0"})
    {'name': 'Kartverket', 'licence': 'CC BY 4.0'}
    >>> source_dict("SSB")
    {'name': 'SSB'}
    """
    if isinstance(src, str):
        return {"name": src} if src else {}
    if isinstance(src, Mapping):
        return {str(k): str(v) for k, v in src.items()}
    return {k: str(getattr(src, k, "")) for k in _FIELDS if getattr(src, k, "")}


def source_text(src: SourceLike, /) -> str:
    """Return one line naming a data source: ``name (attribution, licence)``.

    Examples
    --------
    >>> source_text({"name": "N50", "attribution": "© Kartverket", "licence": "CC BY 4.0"})
    'N50 (© Kartverket, CC BY 4.0)'
    """
    d = source_dict(src)
    extra = ", ".join(d[k] for k in ("attribution", "licence") if d.get(k))
    return d.get("name", "") + (f" ({extra})" if extra else "")

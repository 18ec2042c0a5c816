"""Text encodings of layer files: UTF-8 unless a layer says otherwise, never a silent guess.

A file that is not valid in its encoding is refused with one line naming the ``encoding:``
option of the catalogue (``--encoding`` on the command line), instead of being read as garbled
names.

Examples
--------
>>> decode_text("Bærum".encode("latin-1"), name="x", path="a.csv", encoding="latin-1")
'Bærum'
>>> decode_text("Bærum".encode("latin-1"), name="x", path="a.csv")
Traceback (most recent call last):
...
arealanalyse.errors.LayerFileError: Layer 'x': a.csv is not UTF-8 text (byte 0xe6 at offset 1); \
give its encoding with the encoding: option of the layer in the catalogue (latin-1 or cp1252 for \
most Norwegian files; --encoding on the command line).
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from arealanalyse.errors import LayerFileError

__all__ = ["ENCODINGS", "check_encoding", "decode_text", "encoding_hint"]

#: Text encodings a layer may declare with ``encoding:`` (Python codec names); UTF-8 is the default.
ENCODINGS = ("utf-8", "latin-1", "cp1252", "iso8859-15", "cp865", "utf-16")


def check_encoding(value: str) -> str:
    """Return ``value`` if it names one of :data:`ENCODINGS` (any spelling Python knows).

    Examples
    --------
    >>> check_encoding("Latin1"), check_encoding("windows-1252")
    ('Latin1', 'windows-1252')
    """
    try:
        known = codecs.lookup(value).name
    except (LookupError, TypeError):
        known = ""
    if known not in {codecs.lookup(e).name for e in ENCODINGS}:
        raise ValueError(f"unknown text encoding {value!r}; use one of {', '.join(ENCODINGS)}")
    return value


def encoding_hint() -> str:
    """Return the fix that every encoding error names."""
    return (
        "give its encoding with the encoding: option of the layer in the catalogue (latin-1 or "
        "cp1252 for most Norwegian files; --encoding on the command line)."
    )


def decode_text(
    raw: bytes, /, *, name: str, path: str | os.PathLike[str], encoding: str | None = None
) -> str:
    """Decode a text file: UTF-8 (a BOM allowed) unless ``encoding`` says otherwise."""
    try:
        return raw.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LayerFileError(
            f"Layer {name!r}: {Path(path).name} is not {encoding or 'UTF-8'} text (byte "
            f"0x{raw[exc.start]:02x} at offset {exc.start}); {encoding_hint()}"
        ) from None

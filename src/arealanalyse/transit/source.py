"""A feed on disk: a zip file or a folder, read member by member without extracting anything.

Zip members are streamed from the archive (nothing is written next to the user's file); members
whose declared size is implausible for their compressed size (a "zip bomb") are refused.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from arealanalyse.errors import TimetableError

__all__ = ["FeedSource", "open_source"]

#: Largest uncompressed member accepted (bytes): far above any national feed's stop_times.txt.
MAX_MEMBER_BYTES = 32 * 1024**3
#: Largest compression ratio accepted for members above 64 MB (text compresses ~10-30x).
MAX_RATIO = 400


class FeedSource:
    """Members of a feed, by base name (``stops.txt``) or suffix, from a zip or a folder."""

    def __init__(self, path: Path, *, label: str) -> None:
        self.path = path
        self.label = label
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file():
                    self._add(p.relative_to(path).as_posix())
        elif zipfile.is_zipfile(path):
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise TimetableError(f"{label}: cannot open the zip file ({exc}).") from None
            for info in self._zip.infolist():
                if info.is_dir():
                    continue
                big = info.file_size > 64 * 1024**2
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_MEMBER_BYTES or (big and ratio > MAX_RATIO):
                    raise TimetableError(
                        f"{label}: member {info.filename!r} would unpack to "
                        f"{info.file_size / 1024**3:.1f} GB from {info.compress_size:,} bytes; "
                        "this is not a plausible timetable file, check the download."
                    )
                self._add(info.filename)
        elif path.is_file():
            self._add(path.name, direct=True)
        else:
            raise TimetableError(f"{label}: {str(path)!r} does not exist; check the path.")

    def _add(self, member: str, *, direct: bool = False) -> None:
        base = member.rsplit("/", 1)[-1]
        if base.startswith((".", "__MACOSX")) or "__MACOSX/" in member:
            return
        key = base.lower()
        if key in self._members and not direct:
            other = self._members[key]
            raise TimetableError(
                f"{self.label}: two files named {base!r} ({other!r} and {member!r}); "
                "give one feed per zip file or folder."
            )
        self._members[key] = member

    @property
    def names(self) -> list[str]:
        """Base names of the members (lower case)."""
        return sorted(self._members)

    def has(self, name: str) -> bool:
        """Whether the feed has a member with this base name."""
        return name.lower() in self._members

    def member(self, name: str) -> str:
        """Return the member's path inside the feed."""
        return self._members[name.lower()]

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        """Open a member for reading bytes."""
        member = self._members[name.lower()]
        if self._zip is not None:
            with self._zip.open(member) as fh:
                yield fh
        elif self.path.is_dir():
            with (self.path / member).open("rb") as fh:
                yield fh
        else:
            with self.path.open("rb") as fh:
                yield fh

    def size(self, name: str) -> int:
        """Uncompressed size of a member in bytes."""
        member = self._members[name.lower()]
        if self._zip is not None:
            return self._zip.getinfo(member).file_size
        return (self.path / member if self.path.is_dir() else self.path).stat().st_size

    def close(self) -> None:
        """Close the zip file (if any)."""
        if self._zip is not None:
            self._zip.close()


@contextmanager
def open_source(path: str | Path, /, *, label: str | None = None) -> Iterator[FeedSource]:
    """Open a feed (zip, folder or single file) for reading; closes it afterwards."""
    p = Path(path)
    src = FeedSource(p, label=label or f"Timetable {p.name!r}")
    try:
        yield src
    finally:
        src.close()

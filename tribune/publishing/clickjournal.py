"""The link server's click journal: one append-only file per process, so that a click
whose 302 has been sent survives the process being killed before its batch is written.

Files live in ``settings.TRIBUNE_LINK_JOURNAL_DIR`` (``--journal-dir``):

- ``<owner>.lock`` — held with ``flock`` for the life of the process; the kernel drops the
  lock when the process dies (``kill -9`` included), which is how another process tells
  a dead owner's files from a live one's (a pid could be reused, a lock cannot lie);
- ``<owner>.<n>.clicks`` — segments, one line per click. The flusher starts a new segment
  each time it takes a batch, and deletes the old ones once the batch is committed.

Lines are written with ``os.write`` and never fsync'd: they survive a killed process
(the data is in the kernel's page cache), not a power cut or a kernel crash.

A line: ``token, id, link id, brand id, time (µs), agent, referrer host``, tab-separated.
``id`` is empty for a click taken while no reserved id was left (database down for long);
such a click has a token, and is written again with the same token once it gets an id,
so a replay keeps one copy of it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger("tribune.linkserver")


@dataclass(slots=True)
class Click:
    token: str  # "" when the click had an id from the start (the id is then its key)
    id: int | None
    link_id: int
    brand_id: int
    at_us: int  # Unix time in microseconds
    agent: str
    referrer_host: str

    @property
    def key(self) -> str:
        return self.token or str(self.id)

    def line(self) -> bytes:
        host = self.referrer_host
        if any(c in host for c in '\t\n\r"\\') or not host.isprintable():
            host = json.dumps(host)
        pk = "" if self.id is None else self.id
        return (
            f"{self.token}\t{pk}\t{self.link_id}\t{self.brand_id}\t{self.at_us}\t"
            f"{self.agent}\t{host}\n"
        ).encode()

    @classmethod
    def parse(cls, raw: bytes) -> Click:
        token, pk, link_id, brand_id, at_us, agent, host = raw.decode().split("\t")
        if host.startswith('"'):
            host = json.loads(host)
        return cls(
            token, int(pk) if pk else None, int(link_id), int(brand_id), int(at_us), agent, host
        )


class Journal:
    """This process's segments, and the adoption of dead processes' ones."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self._lock_fd = os.open(directory / f"{self.owner}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._seq = 0
        self.path = self._segment(0)
        self._fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        self.written = False

    def _segment(self, seq: int) -> Path:
        return self.directory / f"{self.owner}.{seq:08d}.clicks"

    def append(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        self.written = True

    def rotate(self) -> Path:
        """Start a new segment; returns the finished one (whose clicks the caller took)."""
        finished = self.path
        os.close(self._fd)
        self._seq += 1
        self.path = self._segment(self._seq)
        self._fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        self.written = False
        return finished

    def close(self, *, remove: bool) -> None:
        """At a clean stop: the current segment goes if nothing waits in it (``remove``),
        and the lock file with it; otherwise both stay for the next process to replay."""
        os.close(self._fd)
        if remove:
            self.path.unlink(missing_ok=True)
            (self.directory / f"{self.owner}.lock").unlink(missing_ok=True)
        os.close(self._lock_fd)

    def adopt_dead(self) -> tuple[list[Click], list[Path], list[int]]:
        """The clicks left by dead processes (their lock free, or gone), the files to
        delete once they are committed, and the lock descriptors now held for them."""
        owners = {p.name.split(".", 1)[0] for p in self.directory.glob("*.clicks")}
        owners.discard(self.owner)
        clicks: list[Click] = []
        files: list[Path] = []
        locks: list[int] = []
        for owner in sorted(owners):
            lock_path = self.directory / f"{owner}.lock"
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a live process
                os.close(fd)
                continue
            segments = sorted(self.directory.glob(f"{owner}.*.clicks"))
            for segment in segments:
                clicks += read_segment(segment)
            files += [*segments, lock_path]
            locks.append(fd)
        return clicks, files, locks


def read_segment(path: Path) -> list[Click]:
    clicks = []
    with contextlib.suppress(FileNotFoundError), open(path, "rb") as lines:
        for number, raw in enumerate(lines, 1):
            try:
                clicks.append(Click.parse(raw.rstrip(b"\n")))
            except (ValueError, UnicodeDecodeError):
                # Only a line cut by a full disk could look like this.
                logger.warning("linkserver: unreadable journal line %s:%d", path.name, number)
    return clicks


def dedupe(clicks: list[Click]) -> list[Click]:
    """One click per key, the copy with an id preferred (see the module docstring)."""
    kept: dict[str, Click] = {}
    for click in clicks:
        seen = kept.get(click.key)
        if seen is None or (seen.id is None and click.id is not None):
            kept[click.key] = click
    return list(kept.values())

"""Clicks of the link server: ids reserved ahead, journaled, written in batches.

The event loop calls :meth:`ClickStore.record` (no database round trip: the click's id
comes from a block reserved from the ``LinkClick`` id sequence); a flusher thread writes
what was buffered every ``interval`` seconds or ``batch`` clicks, in one statement per
batch (:data:`_FLUSH_SQL`): the clicks inserted with their ids ``ON CONFLICT (id) DO
NOTHING``, and each link's counter raised by the non-bot clicks actually inserted, so
that replaying a journal never counts a click twice. PostgreSQL only.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils import timezone

from tribune.publishing.clickjournal import Click, Journal, dedupe
from tribune.publishing.models import LinkClick, LinkServerBeat, TrackedLink

logger = logging.getLogger("tribune.linkserver")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_FLUSH_SQL = """
WITH batch AS (
  SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::timestamptz[],
                       %s::text[], %s::text[])
    AS b (id, link_id, brand_id, at, referrer_host, agent)
), live AS (
  -- A link deleted since its click was taken loses that click (its rows would go
  -- with it anyway); the share lock keeps it from going away during the insert.
  SELECT id FROM {links} WHERE id IN (SELECT link_id FROM batch) FOR KEY SHARE
), inserted AS (
  INSERT INTO {clicks} (id, {link}, {brand}, {at}, {referrer_host}, {agent})
  SELECT b.id, b.link_id, b.brand_id, b.at, b.referrer_host, b.agent
  FROM batch b WHERE b.link_id IN (SELECT id FROM live)
  ON CONFLICT (id) DO NOTHING
  RETURNING {link} AS link_id, {agent} AS agent
), counted AS (
  UPDATE {links} SET clicks = {links}.clicks + c.n
  FROM (SELECT link_id, count(*) AS n FROM inserted WHERE agent <> 'bot' GROUP BY link_id) c
  WHERE {links}.id = c.link_id
  RETURNING {links}.id
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM counted)
"""


_flush_statement: str | None = None


def _flush_sql() -> str:
    global _flush_statement
    if _flush_statement is not None:
        return _flush_statement
    quote = connection.ops.quote_name
    names = {
        "links": quote(TrackedLink._meta.db_table),
        "clicks": quote(LinkClick._meta.db_table),
        **{
            name: quote(str(LinkClick._meta.get_field(name).column))  # type: ignore[union-attr]
            for name in ("link", "brand", "at", "referrer_host", "agent")
        },
    }
    sql = _FLUSH_SQL
    for name, quoted in names.items():
        sql = sql.replace("{" + name + "}", quoted)
    _flush_statement = sql
    return sql


def _close_connection() -> None:
    with contextlib.suppress(DatabaseError):
        connection.close()


class ClickStore:
    """Owned by one link-server process: ``record`` on the event loop, the rest on the
    flusher thread (``start``/``stop`` from the main thread)."""

    def __init__(
        self,
        journal_dir: Path,
        *,
        interval: float = 0.05,
        batch: int = 500,
        reserve: int = 1000,
        adopt_every: float = 5.0,
        beat_every: float = 5.0,
    ) -> None:
        self.journal = Journal(journal_dir)
        self.interval, self.batch, self.reserve, self.adopt_every = (
            interval,
            batch,
            reserve,
            adopt_every,
        )
        self.ids: deque[int] = deque()
        self._lock = threading.Lock()  # the buffer and the current segment go together
        self._buffer: list[Click] = []
        self._tokens = itertools.count(1)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._pending: list[Click] = []  # taken, not yet committed
        self._files: list[Path] = []  # to delete once nothing is pending
        self._adopted_locks: list[int] = []
        self.flushed = 0  # rows inserted since start (for the logs and tests)
        self.beat_every = beat_every
        self.started_at = timezone.now()
        self.server_id = f"{socket.gethostname()}/{self.journal.owner}"[:100]
        self.healthy = True
        self._thread = threading.Thread(target=self._run, name="linkserver-flusher", daemon=True)

    # --- event loop side ---------------------------------------------------------------------
    def record(self, link_id: int, brand_id: int, agent: str, referrer_host: str) -> int | None:
        """Journal one click and buffer it; its id (None if the reserve ran dry)."""
        try:
            pk: int | None = self.ids.popleft()
        except IndexError:
            pk = None
        token = "" if pk is not None else f"{self.journal.owner}:{next(self._tokens)}"
        click = Click(token, pk, link_id, brand_id, time.time_ns() // 1000, agent, referrer_host)
        line = click.line()
        with self._lock:
            self.journal.append(line)
            self._buffer.append(click)
            size = len(self._buffer)
        if size >= self.batch:
            self._wake.set()
        return pk

    @property
    def buffered(self) -> int:
        return len(self._buffer) + len(self._pending)

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Reserve the first ids and adopt dead journals before serving (a database
        down at start is not fatal: the flusher keeps trying)."""
        self._adopt()
        try:
            self._top_up()
        except DatabaseError as exc:
            logger.warning("linkserver: no click ids reserved at start (%s)", exc)
            _close_connection()
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """Flush what is left (for up to ``timeout`` s). True when nothing is left behind;
        otherwise the journal stays on disk for the next start to replay."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout)
        clean = not self._thread.is_alive() and not self.buffered
        with self._lock:
            self.journal.close(remove=clean)
        return clean

    # --- flusher thread ----------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._loop()
        finally:
            _close_connection()  # this thread's own

    def _loop(self) -> None:
        backoff = 0.0
        next_adopt = time.monotonic() + self.adopt_every
        deadline: float | None = None
        next_beat = time.monotonic()
        while True:
            if backoff and self._stopping.is_set():
                time.sleep(min(backoff, 1.0))
            elif backoff:
                self._stopping.wait(backoff)
            else:
                self._wake.wait(self.interval)
            self._wake.clear()
            if self._stopping.is_set() and deadline is None:
                deadline = time.monotonic() + 8.0
            self._take()
            if time.monotonic() >= next_adopt:
                next_adopt = time.monotonic() + self.adopt_every
                self._adopt()
            try:
                self._top_up()
                self._write_pending()
                if time.monotonic() >= next_beat:
                    next_beat = time.monotonic() + self.beat_every
                    self._beat()
                backoff = 0.0
                if not self.healthy:
                    logger.info("linkserver: database back, %d clicks written", self.flushed)
                self.healthy = True
            except Exception as exc:  # noqa: BLE001 - the flusher must outlive any batch
                _close_connection()
                backoff = min(max(backoff * 2, 0.1), 5.0)
                if self.healthy:
                    logger.log(
                        logging.WARNING if isinstance(exc, DatabaseError) else logging.ERROR,
                        "linkserver: clicks not written, %d kept (journal %s), retrying: %s",
                        self.buffered,
                        self.journal.directory,
                        exc,
                        exc_info=not isinstance(exc, DatabaseError),
                    )
                self.healthy = False
            if deadline is not None and (not self.buffered or time.monotonic() > deadline):
                if not self.buffered:  # stopped cleanly: no longer a running server
                    with contextlib.suppress(DatabaseError):
                        LinkServerBeat.objects.filter(server_id=self.server_id).delete()
                return

    def _beat(self) -> None:
        """This process's row for ``/metrics``: written only after a write reached the
        database, so a flusher that stopped writing shows as a row growing old. Rows of
        processes gone for a day (killed, never stopped) are removed."""
        now = timezone.now()
        LinkServerBeat.objects.update_or_create(
            server_id=self.server_id,
            defaults={
                "hostname": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": now,
                "clicks_written": self.flushed,
                "clicks_buffered": self.buffered,
            },
        )
        LinkServerBeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()

    def _take(self) -> None:
        with self._lock:
            if not self._buffer:
                return
            taken, self._buffer = self._buffer, []
            self._files.append(self.journal.rotate())
        self._pending += taken

    def _adopt(self) -> None:
        try:
            clicks, files, locks = self.journal.adopt_dead()
        except OSError as exc:
            logger.error("linkserver: cannot read dead journals: %s", exc)
            return
        if clicks or files:
            logger.info(
                "linkserver: replaying %d clicks from %d dead journal files",
                len(clicks),
                len(files),
            )
        self._pending = dedupe(self._pending + clicks)
        self._files += files
        self._adopted_locks += locks

    def _top_up(self) -> None:
        if len(self.ids) >= self.reserve // 2:
            return
        self.ids.extend(self._reserve(self.reserve))

    def _reserve(self, count: int) -> list[int]:
        table = LinkClick._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, LinkClick._meta.pk.column, count],  # type: ignore[union-attr]
            )
            return [row[0] for row in cursor.fetchall()]

    def _write_pending(self) -> None:
        missing = [click for click in self._pending if click.id is None]
        if missing:
            # Ids for the clicks taken while the reserve was dry, journaled again with
            # them before the insert, so that a replay inserts each at most once.
            for click, pk in zip(missing, self._reserve(len(missing)), strict=True):
                click.id = pk
            with self._lock:
                self.journal.append(b"".join(click.line() for click in missing))
        while self._pending:
            chunk = self._pending[:5000]
            self._insert(chunk)
            del self._pending[: len(chunk)]
            self.flushed += len(chunk)
        for path in self._files:
            path.unlink(missing_ok=True)
        self._files = []
        for fd in self._adopted_locks:
            os.close(fd)
        self._adopted_locks = []

    def _insert(self, clicks: list[Click]) -> None:
        columns: list[list[object]] = [[], [], [], [], [], []]
        for c in clicks:
            values = (
                c.id,
                c.link_id,
                c.brand_id,
                _EPOCH + timedelta(microseconds=c.at_us),
                c.referrer_host,
                c.agent,
            )
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        with connection.cursor() as cursor:
            cursor.execute(_flush_sql(), columns)

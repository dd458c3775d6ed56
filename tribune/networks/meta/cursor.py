"""A time cursor for networks that can only be polled by date: it never repeats an item.

The cursor is the time of the last item handed out plus short hashes of the items handed
out at exactly that time (ties are real: comments imported in bulk share a second), so
ties are neither lost nor repeated. Used by the Meta, LinkedIn and YouTube connectors,
whose comment lists have no "since this id" parameter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")


def item_hash(item_id: str) -> str:
    return hashlib.sha256(item_id.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class TimeCursor:
    after: datetime | None = None
    seen: frozenset[str] = frozenset()

    @classmethod
    def decode(cls, text: str) -> TimeCursor:
        if not text:
            return cls()
        stamp, _, hashes = text.partition("~")
        try:
            after = datetime.fromisoformat(stamp)
        except ValueError:
            return cls()  # not ours: start again from the newest items
        return cls(after, frozenset(h for h in hashes.split(",") if h))

    def encode(self) -> str:
        if self.after is None:
            return ""
        return self.after.isoformat() + "~" + ",".join(sorted(self.seen))

    def is_new(self, at: datetime, item_id: str) -> bool:
        if self.after is None:
            return True
        return at > self.after or (at == self.after and item_hash(item_id) not in self.seen)

    def take(
        self, items: Iterable[T], key: Callable[[T], tuple[datetime, str]], limit: int
    ) -> tuple[list[T], TimeCursor]:
        """The items newer than the cursor, oldest first, at most ``limit``, and the cursor
        just past the last one taken."""
        newer = sorted((i for i in items if self.is_new(*key(i))), key=key)
        after, seen = self.after, set(self.seen)
        taken = newer[: max(0, limit)]
        for item in taken:
            at, item_id = key(item)
            if at != after:
                after, seen = at, set()
            seen.add(item_hash(item_id))
        return taken, TimeCursor(after, frozenset(seen))

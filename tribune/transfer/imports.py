"""Imports: network archives become an account's published history; a CSV of posts
becomes drafts in the calendar.

Every file is parsed and every row checked before anything is written. A single wrong
row fails the whole import with a report of every problem (row, field, message); the
writes happen in one transaction, so nothing is ever half-imported. Items already
imported (same account and network id) are skipped, so importing a newer archive of
the same account adds only what is new.

Formats (written from the public descriptions of each export):

- X: ``data/tweets.js`` of the account archive — ``window.YTD.tweets.part0 = [ … ]``, a
  JavaScript assignment of a JSON array of ``{"tweet": {id_str, full_text, created_at,
  favorite_count, retweet_count, …}}`` (older archives: ``tweet.js``, no wrapper);
  the archive .zip itself is accepted too. Retweets ("RT @…") are not our content.
  The archive has no bookmark or view counts: saves and video views stay None (unknown).
- Mastodon: ``outbox.json`` of the account archive — an ActivityStreams
  ``OrderedCollection`` whose ``orderedItems`` are ``Create`` activities of ``Note``
  objects (``content`` is HTML) and ``Announce`` (boosts, skipped); only public and
  unlisted notes are imported (never followers-only or direct messages).
- Bluesky: the repository export (``com.atproto.sync.getRepo``), a CAR file read with
  atproto's CAR reader; the commit's Merkle search tree is walked for
  ``app.bsky.feed.post`` records.
- CSV of posts: columns ``text`` (required), ``scheduled_at``, ``accounts``, ``title``,
  ``sponsored``, ``language``; comma or semicolon separated, UTF-8.
- CSV of members: ``name`` (required), ``email``, ``phone``, ``network`` + ``handle``,
  ``consent`` (yes/no) and ``consent_source``, ``location``, ``company``, ``tags``; people
  already known by one of these identities are skipped.
- CSV of conversions: the analytics area's own import (``tribune.analytics.csvimport``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.accounts.roles import Cap
from tribune.core.audit import record_audit
from tribune.networks.models import SocialAccount
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, Variant

MAX_BYTES = 50 * 1024 * 1024
MAX_CSV_ROWS = 5000
KINDS = ("x", "mastodon", "bluesky", "csv", "members", "conversions")
# The capability each kind needs on the brand (checked by the edges: API, screen).
KIND_CAPS = {"members": Cap.COMMUNITY, "conversions": Cap.STRATEGY}
DEFAULT_CAP = Cap.DRAFT
ARCHIVE_NETWORK = {"x": "x", "mastodon": "mastodon", "bluesky": "bluesky"}


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    kind: str
    ok: bool = False
    created: int = 0
    skipped: int = 0
    error: str = ""
    row_errors: list[RowError] = field(default_factory=list)
    post_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "created": self.created,
            "skipped": self.skipped,
            "error": self.error,
            "row_errors": [e.__dict__ for e in self.row_errors],
            "post_ids": self.post_ids,
        }


class ImportFailed(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.error)
        self.report = report


@dataclass
class ArchivedPost:
    row: int
    remote_id: str
    text: str
    published_at: datetime
    url: str = ""
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None


def _fail(report: ImportReport, message: str) -> ImportFailed:
    report.error = message
    return ImportFailed(report)


def _read(upload: IO[bytes] | bytes) -> bytes:
    data = upload if isinstance(upload, bytes) else upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(_("The file is larger than 50 MB."))
    return data


def _from_zip(data: bytes, names: tuple[str, ...]) -> list[bytes]:
    """The members of a zip whose file name is one of ``names`` (any folder)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = [
            archive.read(info)
            for info in archive.infolist()
            if info.filename.rsplit("/", 1)[-1] in names and info.file_size <= MAX_BYTES
        ]
    return found


# --- X -------------------------------------------------------------------------------
_YTD = re.compile(rb"^\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*", re.ASCII)
X_DATE = "%a %b %d %H:%M:%S %z %Y"


def _x_entries(data: bytes, report: ImportReport) -> list[Any]:
    if data[:2] == b"PK":
        parts = _from_zip(
            data, ("tweets.js", "tweet.js", *(f"tweets-part{i}.js" for i in range(1, 50)))
        )
        if not parts:
            raise _fail(report, _("This zip holds no data/tweets.js: is it an X archive?"))
    else:
        parts = [data]
    entries: list[Any] = []
    for part in parts:
        match = _YTD.match(part)
        if match is None:
            raise _fail(
                report,
                _("This is not an X archive: tweets.js starts with “window.YTD.tweets.part0 =”."),
            )
        body = part[match.end() :].strip().rstrip(b";")
        try:
            value = json.loads(body)
        except ValueError as exc:
            raise _fail(
                report, _("The tweets file is damaged (invalid JSON: %(e)s).") % {"e": exc}
            ) from None
        if not isinstance(value, list):
            raise _fail(report, _("The tweets file should hold a list of tweets."))
        entries += value
    return entries


def _count(value: Any) -> int | None:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return None


def parse_x(data: bytes, handle: str, report: ImportReport) -> list[ArchivedPost]:
    items = []
    for index, entry in enumerate(_x_entries(data, report), start=1):
        tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
        if not isinstance(tweet, dict):
            report.row_errors.append(RowError(index, "tweet", _("Not a tweet object.")))
            continue
        remote_id = str(tweet.get("id_str") or tweet.get("id") or "")
        text = tweet.get("full_text") or tweet.get("text")
        if not remote_id.isdigit():
            report.row_errors.append(RowError(index, "id_str", _("Missing or invalid tweet id.")))
            continue
        if not isinstance(text, str) or "\x00" in text:
            report.row_errors.append(RowError(index, "full_text", _("Missing text.")))
            continue
        try:
            when = datetime.strptime(str(tweet.get("created_at", "")), X_DATE)
        except ValueError:
            report.row_errors.append(
                RowError(
                    index,
                    "created_at",
                    _("Unreadable date (expected e.g. “Wed Oct 10 20:19:24 +0000 2018”)."),
                )
            )
            continue
        if text.startswith("RT @"):
            report.skipped += 1
            continue
        items.append(
            ArchivedPost(
                row=index,
                remote_id=remote_id,
                text=html.unescape(text),  # the archive keeps &amp; &lt; &gt;
                published_at=when.astimezone(UTC),
                url=f"https://x.com/{handle}/status/{remote_id}",
                likes=_count(tweet.get("favorite_count")),
                reposts=_count(tweet.get("retweet_count")),
            )
        )
    return items


# --- Mastodon ----------------------------------------------------------------------------
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARA = re.compile(r"</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(value: str) -> str:
    value = _PARA.sub("\n\n", _BREAK.sub("\n", value))
    return html.unescape(_TAG.sub("", value)).strip()


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def parse_mastodon(data: bytes, report: ImportReport) -> list[ArchivedPost]:
    if data[:2] == b"PK":
        parts = _from_zip(data, ("outbox.json",))
        if not parts:
            raise _fail(report, _("This zip holds no outbox.json: is it a Mastodon archive?"))
        data = parts[0]
    try:
        outbox = json.loads(data)
    except ValueError as exc:
        raise _fail(
            report, _("outbox.json is damaged (invalid JSON: %(e)s).") % {"e": exc}
        ) from None
    if (
        not isinstance(outbox, dict)
        or outbox.get("type") != "OrderedCollection"
        or not isinstance(outbox.get("orderedItems"), list)
    ):
        raise _fail(
            report,
            _("This is not a Mastodon outbox: expected an OrderedCollection with orderedItems."),
        )
    items = []
    for index, activity in enumerate(outbox["orderedItems"], start=1):
        if not isinstance(activity, dict):
            report.row_errors.append(RowError(index, "orderedItems", _("Not an activity.")))
            continue
        if activity.get("type") != "Create" or not isinstance(activity.get("object"), dict):
            report.skipped += 1  # boosts (Announce), edits, deletions
            continue
        note = activity["object"]
        audience = _as_list(note.get("to")) + _as_list(note.get("cc"))
        if PUBLIC not in audience:
            report.skipped += 1  # followers-only and direct messages stay private
            continue
        object_id = note.get("id")
        content = note.get("content")
        if not isinstance(object_id, str) or not object_id:
            report.row_errors.append(RowError(index, "object.id", _("Missing id.")))
            continue
        if not isinstance(content, str) or "\x00" in content + str(note.get("summary") or ""):
            report.row_errors.append(RowError(index, "object.content", _("Missing content.")))
            continue
        try:
            when = datetime.fromisoformat(str(note.get("published") or activity.get("published")))
            if when.tzinfo is None:
                raise ValueError
        except ValueError:
            report.row_errors.append(
                RowError(
                    index, "published", _("Unreadable date (expected ISO 8601 with time zone).")
                )
            )
            continue
        text = html_to_text(content)
        if note.get("summary"):
            text = f"{note['summary']}\n\n{text}"  # content warning first, as shown
        url = note.get("url") if isinstance(note.get("url"), str) else object_id
        items.append(
            ArchivedPost(
                row=index,
                remote_id=object_id.rstrip("/").rsplit("/", 1)[-1],
                text=text,
                published_at=when.astimezone(UTC),
                url=url,
            )
        )
    return items


# --- Bluesky -----------------------------------------------------------------------------
def _walk_mst(blocks: dict[Any, Any], cid: Any, out: list[tuple[str, Any]]) -> None:
    node = blocks.get(cid)
    if not isinstance(node, dict) or "e" not in node:
        raise ValueError("not an MST node")
    if node.get("l") is not None:
        _walk_mst(blocks, _cid(node["l"]), out)
    previous = b""
    for entry in node["e"]:
        key = previous[: entry["p"]] + entry["k"]
        previous = key
        out.append((key.decode(), _cid(entry["v"])))
        if entry.get("t") is not None:
            _walk_mst(blocks, _cid(entry["t"]), out)


def _cid(value: Any) -> Any:
    from atproto_core.cid import CID

    if isinstance(value, CID):
        return value
    if isinstance(value, bytes):
        return CID.from_decoded_bytes(value)
    return CID.decode(str(value))


def parse_bluesky(data: bytes, handle: str, report: ImportReport) -> list[ArchivedPost]:
    from atproto_core.car import CAR

    try:
        car = CAR.from_bytes(data)
        blocks = car.blocks
        commit = blocks[car.root]
        did = str(commit["did"])
        entries: list[tuple[str, Any]] = []
        _walk_mst(blocks, _cid(commit["data"]), entries)
    except Exception as exc:  # noqa: BLE001  (any decoding failure means a bad file)
        raise _fail(
            report,
            _("This is not a Bluesky repository export (CAR file): %(e)s") % {"e": exc},
        ) from None
    items = []
    for index, (key, value_cid) in enumerate(entries, start=1):
        collection, _sep, rkey = key.partition("/")
        if collection != "app.bsky.feed.post":
            continue
        record = blocks.get(value_cid)
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("text"), str)
            or ("\x00" in record["text"])
        ):
            report.row_errors.append(RowError(index, key, _("Post record without text.")))
            continue
        try:
            when = datetime.fromisoformat(str(record.get("createdAt")).replace("Z", "+00:00"))
            if when.tzinfo is None:
                raise ValueError
        except ValueError:
            report.row_errors.append(RowError(index, f"{key} createdAt", _("Unreadable date.")))
            continue
        items.append(
            ArchivedPost(
                row=index,
                remote_id=f"at://{did}/app.bsky.feed.post/{rkey}",
                text=record["text"],
                published_at=when.astimezone(UTC),
                url=f"https://bsky.app/profile/{handle or did}/post/{rkey}",
            )
        )
    return items


# --- writing archives ----------------------------------------------------------------------
def _store_history(
    brand: Brand,
    actor: User | None,
    account: SocialAccount,
    items: list[ArchivedPost],
    report: ImportReport,
) -> None:
    seen = set(
        Variant.objects.filter(
            account=account, remote_id__in=[i.remote_id for i in items]
        ).values_list("remote_id", flat=True)
    )
    now = timezone.now()
    for item in sorted(items, key=lambda i: i.published_at):
        if item.remote_id in seen:
            report.skipped += 1
            continue
        seen.add(item.remote_id)
        post = Post.objects.create(
            brand=brand,
            author=actor,
            text=item.text,
            status=PostStatus.PUBLISHED,
            scheduled_at=item.published_at,
            approved_at=item.published_at,
        )
        variant = Variant.objects.create(
            post=post,
            brand=brand,
            account=account,
            status=PostStatus.PUBLISHED,
            remote_id=item.remote_id,
            remote_url=item.url[:500],
            published_at=item.published_at,
            rendered_text=item.text,
        )
        if item.likes is not None or item.reposts is not None:
            PostMetricSnapshot.objects.create(
                variant=variant,
                brand=brand,
                at=now,
                likes=item.likes,
                reposts=item.reposts,
                replies=item.replies,
            )
        report.created += 1
        report.post_ids.append(post.pk)


# --- CSV ---------------------------------------------------------------------------------
TRUE = {"1", "yes", "y", "true", "oui", "o", "vrai", "x"}
FALSE = {"", "0", "no", "n", "false", "non", "faux"}
LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")


def parse_when(value: str, tz: ZoneInfo) -> datetime:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    except ValueError:
        pass
    for fmt in LOCAL_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=tz).astimezone(UTC)
        except ValueError:
            continue
    raise ValueError(value)


def _csv_reader(text: str, report: ImportReport) -> tuple[set[str], Iterator[dict[Any, Any]]]:
    """The header's columns (lower-case) and the rows; a line the csv module cannot read
    fails the import (``ImportFailed``) instead of escaping as ``csv.Error``."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # newline="": a lone "\r" ends a line, as the csv module expects.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)

    def unreadable(exc: csv.Error) -> ImportFailed:
        return _fail(
            report,
            _("The CSV file cannot be read at line %(n)d: %(e)s")
            % {"n": reader.line_num + 1, "e": exc},  # the line being read
        )

    try:
        columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    except csv.Error as exc:
        raise unreadable(exc) from None

    def rows() -> Iterator[dict[Any, Any]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise unreadable(exc) from None

    return columns, rows()


@dataclass
class CsvPost:
    row: int
    text: str
    accounts: list[SocialAccount]
    scheduled_at: datetime | None
    title: str
    sponsored: bool
    language: str


def parse_csv(
    data: bytes, brand: Brand, default_account: SocialAccount | None, report: ImportReport
) -> list[CsvPost]:
    from tribune.publishing.checks import check_text

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(report, _("The CSV file must be saved as UTF-8.")) from None
    if "\x00" in text:
        raise _fail(report, _("The CSV file holds NUL characters: is it really a text file?"))
    columns, reader = _csv_reader(text, report)
    if "text" not in columns:
        raise _fail(
            report,
            _("The CSV needs a header line with at least a “text” column (found: %(c)s).")
            % {"c": ", ".join(sorted(columns)) or "—"},
        )
    accounts = list(SocialAccount.objects.filter(brand=brand))
    by_handle = {a.handle.lower().lstrip("@"): a for a in accounts}
    by_handle.update({f"{a.network}:{a.handle.lower().lstrip('@')}": a for a in accounts})
    now = timezone.now()
    items = []
    for number, raw in enumerate(reader, start=2):  # line 1 is the header
        if number - 1 > MAX_CSV_ROWS:
            raise _fail(report, _("At most %(n)d rows per file.") % {"n": MAX_CSV_ROWS})
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        errors_before = len(report.row_errors)
        body = row.get("text", "")
        if not body:
            report.row_errors.append(RowError(number, "text", _("The text is empty.")))
        when = None
        if row.get("scheduled_at"):
            try:
                when = parse_when(row["scheduled_at"], brand.tz)
                if when <= now:
                    report.row_errors.append(
                        RowError(number, "scheduled_at", _("This time is in the past."))
                    )
            except ValueError:
                report.row_errors.append(
                    RowError(
                        number,
                        "scheduled_at",
                        _("Unreadable date: write 2026-05-04 09:30 (brand time) or ISO 8601."),
                    )
                )
        chosen: list[SocialAccount] = []
        for name in row.get("accounts", "").replace(",", " ").split():
            account = by_handle.get(name.lower().lstrip("@"))
            if account is None:
                report.row_errors.append(
                    RowError(
                        number, "accounts", _("No account “%(a)s” on this brand.") % {"a": name}
                    )
                )
            elif account not in chosen:
                chosen.append(account)
        if not row.get("accounts") and default_account is not None:
            chosen = [default_account]
        if not chosen and not row.get("accounts"):
            report.row_errors.append(
                RowError(
                    number, "accounts", _("Name the accounts, or choose one for the whole file.")
                )
            )
        sponsored_raw = row.get("sponsored", "").lower()
        if sponsored_raw not in TRUE | FALSE:
            report.row_errors.append(RowError(number, "sponsored", _("Write yes or no.")))
        if len(row.get("title", "")) > 200:
            report.row_errors.append(RowError(number, "title", _("At most 200 characters.")))
        language = row.get("language", "")[:8]
        if body:
            for account in chosen:
                result = check_text(
                    brand,
                    account.network,
                    body,
                    sponsored=sponsored_raw in TRUE,
                    language=language or account.language,
                    account=account.handle,
                )
                for problem in result["problems"]:
                    if problem.blocking:
                        report.row_errors.append(
                            RowError(number, f"text (@{account.handle})", str(problem.message))
                        )
        if len(report.row_errors) == errors_before:
            items.append(
                CsvPost(
                    row=number,
                    text=body,
                    accounts=chosen,
                    scheduled_at=when,
                    title=row.get("title", ""),
                    sponsored=sponsored_raw in TRUE,
                    language=language,
                )
            )
    return items


def _store_csv(brand: Brand, actor: User, items: list[CsvPost], report: ImportReport) -> None:
    from tribune.publishing import workflow

    for item in items:
        post = workflow.do_save_post(
            brand,
            actor,
            text=item.text,
            accounts=item.accounts,
            scheduled_at=item.scheduled_at,
            title=item.title,
            sponsored=item.sponsored,
            language=item.language,
        )
        report.created += 1
        report.post_ids.append(post.pk)


# --- CSV of members ---------------------------------------------------------------------
@dataclass
class CsvMember:
    row: int
    name: str
    email: str
    phone: str
    network: str
    handle: str
    consent: bool
    consent_source: str
    location: str
    company: str
    tags: list[str]


def _csv_rows(data: bytes, report: ImportReport, required: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(report, _("The CSV file must be saved as UTF-8.")) from None
    if "\x00" in text:
        raise _fail(report, _("The CSV file holds NUL characters: is it really a text file?"))
    columns, reader = _csv_reader(text, report)
    if required not in columns:
        raise _fail(
            report,
            _("The CSV needs a header line with at least a “%(col)s” column (found: %(c)s).")
            % {"col": required, "c": ", ".join(sorted(columns)) or "—"},
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_CSV_ROWS:
            raise _fail(report, _("At most %(n)d rows per file.") % {"n": MAX_CSV_ROWS})
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if any(row.values()):
            rows.append((number, row))
    return rows


def parse_members_csv(data: bytes, report: ImportReport) -> list[CsvMember]:
    from tribune.community.services.members import find_identity, normalize_handle

    items, seen = [], set()
    for number, row in _csv_rows(data, report, "name"):
        errors_before = len(report.row_errors)
        name = row.get("name", "")
        if not name:
            report.row_errors.append(RowError(number, "name", _("The name is empty.")))
        if len(name) > 200:
            report.row_errors.append(RowError(number, "name", _("At most 200 characters.")))
        email = row.get("email", "").lower()
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            report.row_errors.append(RowError(number, "email", _("Not a valid email address.")))
        network, handle = row.get("network", "").lower(), row.get("handle", "")
        if bool(network) != bool(handle):
            report.row_errors.append(
                RowError(number, "handle", _("Give both the network and the handle, or neither."))
            )
        consent_raw = row.get("consent", "").lower()
        if consent_raw not in TRUE | FALSE:
            report.row_errors.append(RowError(number, "consent", _("Write yes or no.")))
        keys = [("email", email)] if email else []
        if network and handle:
            keys.append((network, normalize_handle(network, handle)))
        if any(k in seen for k in keys):
            report.row_errors.append(
                RowError(number, "email", _("The same person appears twice in the file."))
            )
        seen.update(keys)
        if len(report.row_errors) > errors_before:
            continue
        if any(find_identity(net, value) is not None for net, value in keys):
            report.skipped += 1  # already a member: importing again adds nothing
            continue
        items.append(
            CsvMember(
                row=number,
                name=name,
                email=email,
                phone=row.get("phone", ""),
                network=network,
                handle=handle,
                consent=consent_raw in TRUE,
                consent_source=row.get("consent_source", ""),
                location=row.get("location", "")[:200],
                company=row.get("company", "")[:200],
                tags=[t for t in re.split(r"[|,]", row.get("tags", "")) if t.strip()],
            )
        )
    return items


def _store_members(brand: Brand, actor: User, items: list[CsvMember], report: ImportReport) -> None:
    from tribune.community.models import Member
    from tribune.community.services.members import CommunityError, do_create_member

    for item in items:
        try:
            member = do_create_member(
                brand,
                actor,
                display_name=item.name,
                email=item.email,
                phone=item.phone,
                network=item.network,
                handle=item.handle,
                consent=item.consent,
                consent_source=item.consent_source or _("CSV import"),
            )
        except CommunityError as exc:
            report.row_errors.append(RowError(item.row, "", str(exc)))
            raise _fail(
                report, _("Row %(row)d was refused: %(e)s") % {"row": item.row, "e": exc}
            ) from None
        Member.objects.filter(pk=member.pk).update(
            location=item.location, company=item.company, tags=[t.strip() for t in item.tags]
        )
        report.created += 1


def _import_conversions(brand: Brand, actor: User, data: bytes, report: ImportReport) -> None:
    from tribune.analytics.conversions import ConversionError
    from tribune.analytics.csvimport import import_csv

    try:
        result = import_csv(brand, data, actor)
    except ConversionError as exc:
        raise _fail(report, str(exc)) from None
    if result.errors:
        report.row_errors = [RowError(line, "", message) for line, message in result.errors]
        raise _fail(
            report,
            _("%(n)d rows have problems; fix them and import the file again.")
            % {"n": len(result.errors)},
        )
    report.created, report.skipped = result.created, result.already


# --- entry point -----------------------------------------------------------------------------
def run_import(
    brand: Brand,
    actor: User,
    kind: str,
    upload: IO[bytes] | bytes,
    *,
    account: SocialAccount | None = None,
) -> ImportReport:
    """Parse, check every row, then write everything in one transaction. Raises
    ``ImportFailed`` (with the report) and writes nothing when anything is wrong.
    Call inside the brand's scope."""
    report = ImportReport(kind=kind)
    if kind not in KINDS:
        raise _fail(report, _("Unknown import kind “%(k)s”.") % {"k": kind})
    try:
        data = _read(upload)
    except ValueError as exc:
        raise _fail(report, str(exc)) from None
    if not data.strip():
        raise _fail(report, _("The file is empty."))
    if account is not None and account.brand_id != brand.pk:
        raise _fail(report, _("This account is not one of this brand's."))
    if kind in ARCHIVE_NETWORK:
        if account is None:
            raise _fail(report, _("Choose the account this archive belongs to."))
        if account.network != ARCHIVE_NETWORK[kind]:
            raise _fail(
                report,
                _("This is a %(kind)s archive but @%(handle)s is a %(network)s account.")
                % {
                    "kind": kind,
                    "handle": account.handle,
                    "network": account.get_network_display(),
                },
            )
    if kind == "conversions":  # the analytics area's own all-or-nothing import
        _import_conversions(brand, actor, data, report)
        report.ok = True
        return report
    try:
        if kind == "x":
            items: list[Any] = parse_x(data, account.handle, report)  # type: ignore[union-attr]
        elif kind == "mastodon":
            items = parse_mastodon(data, report)
        elif kind == "bluesky":
            items = parse_bluesky(data, account.handle, report)  # type: ignore[union-attr]
        elif kind == "members":
            items = parse_members_csv(data, report)
        else:
            items = parse_csv(data, brand, account, report)
    except zipfile.BadZipFile:
        raise _fail(report, _("The zip file is damaged.")) from None
    if report.row_errors:
        report.skipped = 0
        raise _fail(
            report,
            _("%(n)d rows have problems; fix them and import the file again.")
            % {"n": len(report.row_errors)},
        )
    if not items and not report.skipped:
        raise _fail(report, _("The file holds nothing to import."))
    with transaction.atomic():
        if kind == "csv":
            _store_csv(brand, actor, items, report)
        elif kind == "members":
            _store_members(brand, actor, items, report)
        else:
            _store_history(brand, actor, account, items, report)  # type: ignore[arg-type]
        record_audit(
            "import.completed",
            actor=actor,
            brand=brand,
            after={
                "kind": kind,
                "account": account.handle if account else None,
                "created": report.created,
                "skipped": report.skipped,
            },
        )
    report.ok = True
    return report

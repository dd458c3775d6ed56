"""Inbox: 1,000,000 messages on PostgreSQL; the queue's first page and its filters.

Seeds an agency with 3 brands, 12 accounts, 50,000 authors, 1,000,000 messages in
≈ 250,000 conversations over a year (COPY, in one pass per table), then times, over 50
requests each, the first page of the brand inbox through Django's test ``Client`` (the
whole view: access check, filters form, query, template) and through the query
function the view uses (``tribune.inbox.queries.page``), unfiltered-by-default (open
conversations), filtered by status + assignee, and a few other filters.
Target (issue 5): first page and status + assignee filter, p95 < 150 ms.

    python -m benchmarks bench_inbox                  # 1,000,000 messages
    BENCH_MESSAGES=100000 python -m benchmarks bench_inbox
"""

from __future__ import annotations

import os
import random
import time
import uuid
from datetime import timedelta

from benchmarks.common import drop_database, fresh_database, migrate, percentile, write_section

DB = "tribune_bench_inbox"
REQUESTS = 50
TEXTS = [
    "{h} ma commande n'est toujours pas arrivée, 3 semaines d'attente…",
    "Franchement {h}, votre produit est top, je recommande !",
    "{h} est-ce que le produit est disponible en Belgique ?",
    "{h} votre service client ne répond jamais, c'est pénible",
    "Loving my new order from {h}, great job!",
    "{h} does it work with single sign-on?",
    "Merci {h} pour l'accueil au magasin hier, équipe adorable 😊",
    "{h} bande d'escrocs, vous êtes vraiment des nuls",
]


def seed(total: int) -> dict:  # type: ignore[type-arg]
    from django.db import connection
    from django.utils import timezone

    from tribune.accounts.models import User
    from tribune.accounts.services import (
        do_create_brand,
        do_create_workspace,
        do_grant_brand_role,
    )
    from tribune.core.scope import brand_scope
    from tribune.inbox.models import Tag
    from tribune.networks.base import Credentials
    from tribune.networks.services import do_connect_account

    rng = random.Random(5)
    owner = User.objects.create_user("bench@example.test", "bench-password-123")
    workspace = do_create_workspace("Bench", "bench", "agency", owner)
    brands = [do_create_brand(workspace, owner, name=f"B{i}", slug=f"b{i}") for i in range(3)]
    cms = []
    for i in range(6):
        cm = User.objects.create_user(f"cm{i}@example.test", "bench-password-123")
        for brand in brands:
            do_grant_brand_role(brand, cm, "community_manager", owner)
        cms.append(cm)
    accounts = []
    tags: list[int] = []
    for brand in brands:
        with brand_scope(brand):
            for n in range(4):
                handle = f"{brand.slug}-{n}.box"
                accounts.append(
                    do_connect_account(brand, "sandbox", Credentials(handle=handle), owner)
                )
            tags.append(Tag.objects.create(brand=brand, name="livraison").pk)
    now = timezone.now()
    year = 365 * 86400
    authors_per_brand = 50_000 // len(brands)
    threads_total = max(1, total // 4)
    t0 = time.monotonic()
    position = {brand.pk: i for i, brand in enumerate(brands)}
    raw = connection.connection
    with raw.cursor() as cur:
        with cur.copy(
            "COPY inbox_identity (id, brand_id, network, remote_id, handle, display_name,"
            " followers, avatar_url, lang, blocked, message_count, first_seen_at, last_seen_at)"
            " FROM STDIN"
        ) as copy:
            for b, brand in enumerate(brands):
                for a in range(authors_per_brand):
                    pk = b * authors_per_brand + a + 1
                    followers = int(rng.paretovariate(1.2) * 40)
                    copy.write_row(
                        (
                            pk,
                            brand.pk,
                            "sandbox",
                            f"p{pk}",
                            f"person{pk}",
                            f"Person {pk}",
                            followers,
                            "",
                            "fr",
                            False,
                            0,
                            now,
                            now,
                        )
                    )
        thread_rows = []
        with cur.copy(
            "COPY inbox_thread (id, brand_id, account_id, network, key, kind, author_id, status,"
            " assignee_id, flagged, last_text, last_author_label, last_activity_at, language,"
            " sentiment, toxicity, has_question, message_count, awaiting_since, sla_due_at,"
            " created_at) FROM STDIN"
        ) as copy:
            for pk in range(1, threads_total + 1):
                account = accounts[rng.randrange(len(accounts))]
                b = position[account.brand_id]
                author = b * authors_per_brand + rng.randrange(authors_per_brand) + 1
                last = now - timedelta(seconds=rng.random() ** 2 * year)
                status = rng.choices(["open", "pending", "closed"], [20, 10, 70])[0]
                assignee = None if rng.random() < 0.3 else rng.choice(cms).pk
                text = rng.choice(TEXTS).format(h=f"@{account.handle}")
                waiting = status == "open" and rng.random() < 0.5
                thread_rows.append((pk, account.brand_id, account.pk, author, last))
                copy.write_row(
                    (
                        pk,
                        account.brand_id,
                        account.pk,
                        "sandbox",
                        f"k{pk}",
                        "public",
                        author,
                        status,
                        assignee,
                        rng.random() < 0.02,
                        text,
                        f"Person {author}",
                        last,
                        rng.choice(["fr", "fr", "fr", "en"]),
                        rng.choice(["negative", "neutral", "positive"]),
                        rng.random() * 0.3,
                        rng.random() < 0.2,
                        4,
                        last if waiting else None,
                        last + timedelta(hours=2) if waiting else None,
                        last - timedelta(days=1),
                    )
                )
        with cur.copy("COPY inbox_thread_tags (thread_id, tag_id) FROM STDIN") as copy:
            for pk, brand_id, _account, _author, _last in thread_rows:
                if rng.random() < 0.05:
                    copy.write_row((pk, tags[position[brand_id]]))
        with cur.copy(
            "COPY inbox_message (id, brand_id, account_id, thread_id, remote_id, direction, kind,"
            " author_id, text, url, created_at, received_at, in_reply_to, root_id, language,"
            " sentiment, toxicity, toxic, is_question, analysis_engine, hidden, flagged,"
            " delivery, idempotency_key, error) FROM STDIN"
        ) as copy:
            for pk in range(1, total + 1):
                thread_pk, brand_id, account_id, author, last = thread_rows[
                    (pk - 1) % threads_total
                ]
                at = last - timedelta(minutes=(pk - 1) // threads_total * 7)
                text = rng.choice(TEXTS).format(h="@brand")
                copy.write_row(
                    (
                        pk,
                        brand_id,
                        account_id,
                        thread_pk,
                        f"r{pk}",
                        "in",
                        "reply",
                        author,
                        text,
                        "",
                        at,
                        at,
                        "",
                        "",
                        "fr",
                        "neutral",
                        0.0,
                        False,
                        "?" in text,
                        "lexicon",
                        False,
                        False,
                        "",
                        uuid.uuid4(),
                        "",
                    )
                )
        for table in ("inbox_identity", "inbox_thread", "inbox_message", "inbox_thread_tags"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cur.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")  # noqa: S608
    raw.commit()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE inbox_identity")
        cur.execute("VACUUM ANALYZE inbox_thread")
        cur.execute("VACUUM ANALYZE inbox_message")
        cur.execute("VACUUM ANALYZE inbox_thread_tags")
    return {
        "brands": brands,
        "cms": cms,
        "owner": owner,
        "threads": threads_total,
        "seed_seconds": time.monotonic() - t0,
    }


def _time(call, n: int = REQUESTS) -> list[float]:  # type: ignore[no-untyped-def]
    call()  # warm caches and connections once
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    total = int(os.environ.get("BENCH_MESSAGES", "1000000"))
    url = fresh_database(DB)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TRIBUNE_LOG_LEVEL", "WARNING")
    migrate(url)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
    django.setup()
    from django.db import connection
    from django.test import Client

    from tribune.core.scope import brand_scope
    from tribune.inbox.models import Tag
    from tribune.inbox.queries import QueueFilters, page, queue

    data = seed(total)
    brand, cm = data["brands"][0], data["cms"][0]
    with brand_scope(brand):
        tag = Tag.objects.get(brand=brand)
    client = Client()
    client.force_login(cm)
    base = f"/b/{brand.slug}/inbox/"

    def http(params: dict):  # type: ignore[no-untyped-def,type-arg]
        def call() -> None:
            response = client.get(base, params)
            assert response.status_code == 200, response.status_code

        return call

    def query(filters: QueueFilters):  # type: ignore[no-untyped-def]
        def call() -> None:
            with brand_scope(brand):
                page(filters, cm.pk)

        return call

    cases = [
        ("first page (open)", {}, QueueFilters(), True),
        (
            "status + assignee",
            {"status": "open", "assignee": cm.pk},
            QueueFilters(status="open", assignee=str(cm.pk)),
            True,
        ),
        ("all statuses", {"status": "all"}, QueueFilters(status=""), False),
        (
            "negative sentiment",
            {"sentiment": "negative"},
            QueueFilters(sentiment="negative"),
            False,
        ),
        ("unanswered question", {"question": "on"}, QueueFilters(question=True), False),
        ("tag", {"tag": tag.pk}, QueueFilters(tag_id=tag.pk), False),
    ]
    rows = []
    plans = []
    met = True
    for label, params, filters, target in cases:
        if target:
            with brand_scope(brand):
                plan = queue(filters, cm.pk).select_related("author")[:51].explain(analyze=True)
            used = [line.strip() for line in plan.splitlines() if "Index" in line][:1]
            plans.append(f"- {label}: `{used[0] if used else plan.splitlines()[0]}`")
        queries: list[str] = []

        def count(run, sql, *args, seen=queries):  # type: ignore[no-untyped-def]
            seen.append(sql)
            return run(sql, *args)

        with connection.execute_wrapper(count):
            http(params)()
        web = _time(http(params))
        fn = _time(query(filters))
        web95 = percentile(web, 95)
        if target:
            met = met and web95 < 150
        rows.append(
            f"| {label}{' (target)' if target else ''} | {percentile(web, 50):.1f} | {web95:.1f} "
            f"| {percentile(fn, 50):.1f} | {percentile(fn, 95):.1f} | {len(queries)} |"
        )
    # The agency inbox: every brand of the workspace at once.
    agency = Client()
    agency.force_login(data["owner"])
    everything = _time(lambda: agency.get("/inbox/"))
    rows.append(
        f"| agency inbox, 3 brands | {percentile(everything, 50):.1f} | "
        f"{percentile(everything, 95):.1f} | — | — | — |"
    )
    body = (
        "## Inbox: the queue over 1,000,000 messages\n\n"
        f"`python -m benchmarks bench_inbox` — {total:,} messages in {data['threads']:,} "
        "conversations (3 brands, 12 accounts, 50,000 authors, one year; 20 % open), seeded "
        f"with COPY in {data['seed_seconds']:.0f} s, PostgreSQL on the same machine. "
        f"{REQUESTS} requests per line after one warm-up, logged in as a community manager; "
        "“page” is the whole HTTP request through Django's test `Client` (access check, "
        "filters form, query, template), “query” is `tribune.inbox.queries.page`, the "
        "function the view uses.\n\n"
        "| queue | page p50 ms | page p95 ms | query p50 ms | query p95 ms | SQL queries |\n"
        "| --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows) + "\n\n"
        f"Load average during the timings: {os.getloadavg()[1]:.1f} (5 min; other jobs "
        "shared the machine).\n\n"
        "Target p95 < 150 ms for the first page and the status + assignee filter: "
        + ("met." if met else "**not met**.")
        + "\n\nPlans (`EXPLAIN ANALYZE` of the query function):\n\n"
        + "\n".join(plans)
    )
    print(body)
    write_section("inbox", body)
    connection.close()
    drop_database(DB)

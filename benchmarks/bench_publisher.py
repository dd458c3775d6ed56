"""Publisher: N posts due in the same minute, 2 `tribune worker` processes, PostgreSQL.

Records p50/p95/p99 lateness (publication time on the sandbox network minus the due
time), duplicates and losses. Target (issue 4): p99 < 5 s, zero duplicates, zero losses.

    python -m benchmarks bench_publisher          # 10,000 posts
    BENCH_POSTS=2000 python -m benchmarks bench_publisher
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

from benchmarks.common import (
    ROOT,
    drop_database,
    fresh_database,
    migrate,
    percentile,
    write_section,
)

DB = "tribune_bench_publisher"


def seed(total: int, accounts: int, due_in: float):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from tribune.accounts.models import User
    from tribune.accounts.services import do_create_brand, do_create_workspace
    from tribune.core.scope import unscoped
    from tribune.networks.base import Credentials
    from tribune.networks.sandbox import simulator
    from tribune.networks.services import do_connect_account
    from tribune.publishing.models import Post, PostStatus, Variant

    owner = User.objects.create_user("bench@example.test", "bench-password-123")
    brand = do_create_brand(
        do_create_workspace("Bench", "bench", "agency", owner), owner, name="Bench", slug="bench"
    )
    start = timezone.now() - timedelta(hours=1)
    with unscoped():
        targets = []
        for i in range(accounts):
            handle = f"bench{i}.sandbox"
            simulator.ensure_brand_profile(
                handle, handle, "fr", seed=1, start=start, products=["x"]
            )
            targets.append(do_connect_account(brand, "sandbox", Credentials(handle=handle), owner))
        due = timezone.now() + timedelta(seconds=due_in)
        posts = Post.objects.bulk_create(
            [
                Post(
                    brand=brand,
                    author=owner,
                    text=f"Publication de test numéro {n}",
                    status=PostStatus.SCHEDULED,
                    scheduled_at=due,
                )
                for n in range(total)
            ]
        )
        Variant.objects.bulk_create(
            [
                Variant(
                    post=p,
                    brand=brand,
                    account=targets[n % accounts],
                    status=PostStatus.SCHEDULED,
                    due_at=due,
                )
                for n, p in enumerate(posts)
            ],
            batch_size=2000,
        )
    return due


def main() -> None:
    total = int(os.environ.get("BENCH_POSTS", "10000"))
    accounts = int(os.environ.get("BENCH_ACCOUNTS", "50"))
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    url = fresh_database(DB)
    os.environ["DATABASE_URL"] = url
    migrate(url)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
    django.setup()
    from django.db.models import Count

    from tribune.core.scope import unscoped
    from tribune.networks.sandbox.models import Post as NetworkPost
    from tribune.publishing.models import PostStatus, Variant

    due = seed(total, accounts, due_in=20)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TRIBUNE_SCHEDULER_TICK": "0.2",
        "TRIBUNE_LOG_LEVEL": "WARNING",
    }
    procs = [
        subprocess.Popen([sys.executable, "-m", "tribune.cli", "worker"], cwd=ROOT, env=env)
        for _ in range(workers)
    ]
    deadline = time.monotonic() + 20 + max(120, total / 20)
    try:
        with unscoped():
            while time.monotonic() < deadline:
                left = Variant.objects.exclude(status=PostStatus.PUBLISHED).count()
                if left == 0:
                    break
                time.sleep(1)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    with unscoped():
        published = list(
            Variant.objects.filter(status=PostStatus.PUBLISHED).values_list(
                "published_at", flat=True
            )
        )
        lost = total - len(published)
        duplicates = (
            NetworkPost.objects.exclude(idempotency_key="")
            .values("idempotency_key")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
    lateness = [(p - due).total_seconds() for p in published]
    p50, p95, p99 = (percentile(lateness, q) for q in (50, 95, 99))
    span = max(lateness) if lateness else float("nan")
    body = (
        "## Publisher: posts due in the same minute\n\n"
        f"`BENCH_POSTS={total} python -m benchmarks bench_publisher` — {total} posts due at the "
        f"same instant on {accounts} sandbox accounts, {workers} `tribune worker` processes, "
        "PostgreSQL 15 on the same machine.\n\n"
        "| posts | published | lost | duplicates | p50 lateness | p95 | p99 | last |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        f"| {total} | {len(published)} | {lost} | {duplicates} | {p50:.1f} s | {p95:.1f} s | "
        f"{p99:.1f} s | {span:.1f} s |\n\n"
        f"Throughput: {len(published) / span if span and span > 0 else 0:.0f} posts/s. "
        "Target p99 < 5 s: " + ("met." if p99 < 5 else "**not met** (see the notes below).")
    )
    print(body)
    write_section("publisher", body)
    drop_database(DB)

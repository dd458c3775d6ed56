"""Publisher: N posts due in the same instant, 2 `tribune worker` processes, PostgreSQL.

The workers are started first and left to settle (as in production, where posts are
scheduled ahead of time); then N approved posts are created, all due at the same
instant ``BENCH_DUE_IN`` seconds later. Records p50/p95/p99 lateness (publication time
on the sandbox network minus the due time), throughput, duplicates and losses, with the
machine's load. Target (issue 4): p99 < 5 s, zero duplicates, zero losses.

    python -m benchmarks bench_publisher          # 10,000 posts
    BENCH_POSTS=2000 python -m benchmarks bench_publisher
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.common import (
    ROOT,
    drop_database,
    fresh_database,
    migrate,
    percentile,
    write_section,
)

DB = "tribune_bench_publisher"


def load() -> str:
    try:
        one, five, _ = Path("/proc/loadavg").read_text().split()[:3]
    except (OSError, ValueError):
        return "unknown"
    return f"{one} (1 min) / {five} (5 min)"


def seed_accounts(accounts: int):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from tribune.accounts.models import User
    from tribune.accounts.services import do_create_brand, do_create_workspace
    from tribune.core.scope import unscoped
    from tribune.networks.base import Credentials
    from tribune.networks.sandbox import simulator
    from tribune.networks.services import do_connect_account

    owner = User.objects.create_user("bench@example.test", "bench-password-123")
    brand = do_create_brand(
        do_create_workspace("Bench", "bench", "agency", owner), owner, name="Bench", slug="bench"
    )
    start = timezone.now() - timedelta(hours=1)
    targets = []
    with unscoped():
        for i in range(accounts):
            handle = f"bench{i}.sandbox"
            simulator.ensure_brand_profile(
                handle, handle, "fr", seed=1, start=start, products=["x"]
            )
            targets.append(do_connect_account(brand, "sandbox", Credentials(handle=handle), owner))
    return owner, brand, targets


def seed_posts(owner, brand, targets, total: int, due_in: float):  # type: ignore[no-untyped-def]
    """``total`` approved posts, all due at one instant ``due_in`` seconds after they are
    all in the database (created for next week, then moved to that instant at once, as a
    person dragging them in the calendar would)."""
    from django.utils import timezone

    from tribune.core.scope import unscoped
    from tribune.publishing.models import Post, PostStatus, Variant

    due = timezone.now() + timedelta(days=7)
    with unscoped():
        posts = Post.objects.bulk_create(
            [
                Post(
                    brand=brand,
                    author=owner,
                    text=f"Publication de test numéro {n}",
                    status=PostStatus.SCHEDULED,
                    scheduled_at=due,
                    approved_by=owner,
                    approved_at=timezone.now(),
                )
                for n in range(total)
            ],
            batch_size=2000,
        )
        Variant.objects.bulk_create(
            [
                Variant(
                    post=p,
                    brand=brand,
                    account=targets[n % len(targets)],
                    status=PostStatus.SCHEDULED,
                    due_at=due,
                )
                for n, p in enumerate(posts)
            ],
            batch_size=2000,
        )
        due = timezone.now() + timedelta(seconds=due_in)
        Post.objects.filter(brand=brand).update(scheduled_at=due)
        Variant.objects.filter(brand=brand).update(due_at=due)
    return due


def wait_for_workers(count: int, timeout: float = 120) -> None:
    from tribune.worker.models import Heartbeat

    deadline = time.monotonic() + timeout
    while Heartbeat.objects.count() < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not start")
        time.sleep(0.5)
    time.sleep(3)  # let them finish their first round of periodic jobs


def main() -> None:
    total = int(os.environ.get("BENCH_POSTS", "10000"))
    accounts = int(os.environ.get("BENCH_ACCOUNTS", "50"))
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    due_in = float(os.environ.get("BENCH_DUE_IN", "15"))
    url = fresh_database(DB)
    os.environ["DATABASE_URL"] = url
    migrate(url)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
    django.setup()
    from django.conf import settings
    from django.db.models import Count

    from tribune.core.scope import unscoped
    from tribune.networks.sandbox.models import Post as NetworkPost
    from tribune.publishing.models import Attempt, PostStatus, Variant

    owner, brand, targets = seed_accounts(accounts)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TRIBUNE_LOG_LEVEL": os.environ.get("TRIBUNE_LOG_LEVEL", "WARNING"),
    }
    procs = [
        subprocess.Popen([sys.executable, "-m", "tribune.cli", "worker"], cwd=ROOT, env=env)
        for _ in range(workers)
    ]
    try:
        wait_for_workers(workers)
        load_before = load()
        due = seed_posts(owner, brand, targets, total, due_in)
        deadline = time.monotonic() + due_in + max(120, total / 20)
        with unscoped():
            while time.monotonic() < deadline:
                left = Variant.objects.exclude(status=PostStatus.PUBLISHED).count()
                if left == 0:
                    break
                time.sleep(1)
        load_after = load()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
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
        attempts = Attempt.objects.count()
    lateness = [(p - due).total_seconds() for p in published]
    p50, p95, p99 = (percentile(lateness, q) for q in (50, 95, 99))
    first = min(lateness) if lateness else float("nan")
    span = max(lateness) if lateness else float("nan")
    rate = len(published) / max(span, 1e-3) if lateness else 0
    command = f"BENCH_POSTS={total} python -m benchmarks bench_publisher"
    body = (
        "## Publisher: posts due in the same instant\n\n"
        f"`{command}` — {total} approved posts due at the same instant on {accounts} "
        f"sandbox accounts, {workers} `tribune worker` processes already running (publisher "
        f"lanes: look-ahead {settings.TRIBUNE_PUBLISH_LOOKAHEAD_SECONDS} s, "
        f"{settings.TRIBUNE_PUBLISH_CONCURRENCY} threads each), PostgreSQL on the same "
        "machine. Lateness = time of the post on the sandbox network − due time.\n\n"
        "| posts | published | lost | duplicates | attempts | first | p50 | p95 | p99 | last |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        f"| {total} | {len(published)} | {lost} | {duplicates} | {attempts} | {first:.2f} s | "
        f"{p50:.2f} s | {p95:.2f} s | {p99:.2f} s | {span:.2f} s |\n\n"
        f"Throughput from the due instant to the last post: {rate:.0f} posts/s. "
        f"Load average (`/proc/loadavg`) before the posts were created: {load_before}; "
        f"after: {load_after} (the machine is shared with other jobs).\n\n"
        "Target p99 < 5 s, zero duplicates, zero losses: "
        + ("**met**." if p99 < 5 and lost == 0 and duplicates == 0 else "**not met**.")
    )
    print(body)
    if os.environ.get("BENCH_WRITE", "1") == "1":
        write_section("publisher", body)
    drop_database(DB)

"""Fault scenarios on real processes: workers killed mid-publish, and the database
connection cut under running workers (PostgreSQL: ``pg_terminate_backend`` on the
workers' sessions, which is what a server restart looks like to a client; SQLite: the
database held locked past the busy timeout)."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.processes import env, log_tail, processes
from tests.publishing.conftest import sandbox_posts, set_faults
from tests.reliability.faultlib import (
    SETTLED,
    check_publishing_invariants,
    schedule_posts,
    variants,
)
from tribune.worker.models import Heartbeat

pytestmark = [pytest.mark.fault, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {"TRIBUNE_PUBLISH_STUCK_SECONDS": "4", "TRIBUNE_SCHEDULER_TICK": "0.2"}


def _wait(predicate, timeout: float, what: str, log_dir) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{log_tail(log_dir)}")
        time.sleep(0.2)


def _on_network(accounts):  # type: ignore[no-untyped-def]
    def count(variant) -> int:  # type: ignore[no-untyped-def]
        handle = "alpha.sandbox" if variant.account_id == accounts[0].pk else "alpha-en.sandbox"
        return sandbox_posts(handle).filter(text=variant.outgoing_text.strip()).count()

    return count


def _all_settled(ids) -> bool:  # type: ignore[no-untyped-def]
    return all(v.status in SETTLED for v in variants(ids))


def test_two_workers_killed_mid_publish_then_one_restarted(tenants, accounts, tmp_path, invariants):
    ids = schedule_posts(tenants, list(accounts), 6, at=timezone.now() + timedelta(seconds=1))
    # The French account's network accepts the first post, then never answers.
    set_faults("alpha.sandbox", "hang_after_accept:120")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    with processes([["worker"], ["worker"]], env(**WORKER_ENV), first) as procs:
        _wait(lambda: sandbox_posts("alpha.sandbox").exists(), 90, "a post in flight", first)
        time.sleep(0.5)
        for proc in procs:  # SIGKILL: no cleanup, no goodbye
            os.killpg(proc.pid, signal.SIGKILL)
        for proc in procs:
            proc.wait(timeout=10)
    in_flight = [v for v in variants(ids) if v.status == "publishing"]
    invariants.check(
        "a publish was cut in the middle", in_flight, [v.status for v in variants(ids)]
    )
    with processes([["worker"]], env(**WORKER_ENV), second):
        _wait(lambda: _all_settled(ids), 120, "every post settled", second)
    check_publishing_invariants(invariants, ids, _on_network(accounts))


def _cut_connections(stop: threading.Event, vendor: str, name: str, cuts: list[int]) -> None:
    """Cut the workers' database sessions every half second until ``stop``."""
    if vendor == "postgresql":
        import psycopg

        from tests.processes import database_url

        with psycopg.connect(database_url(), autocommit=True) as admin:
            while not stop.is_set():
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND application_name <> 'pytest-main'"
                ).fetchall()
                cuts.append(sum(1 for (ok,) in rows if ok))
                stop.wait(0.5)
    else:
        # SQLite: hold the write lock past the workers' 10 s busy timeout, once.
        lock = sqlite3.connect(name, timeout=30, isolation_level=None)
        try:
            lock.execute("BEGIN EXCLUSIVE")
            cuts.append(1)
            stop.wait(11)
            lock.execute("ROLLBACK")
        finally:
            lock.close()


def test_database_connections_cut_while_publishing(tenants, accounts, tmp_path, invariants):
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:  # spare the test's own session
            cursor.execute("SET application_name = 'pytest-main'")
    ids = schedule_posts(tenants, list(accounts), 10, at=timezone.now() + timedelta(seconds=2))
    # Slow the network a little so publishes are in flight when the cuts come.
    for handle in ("alpha.sandbox", "alpha-en.sandbox"):
        set_faults(handle, "unavailable", "timeout_after_accept", "unavailable")
    stop, cuts = threading.Event(), []
    cutter = threading.Thread(
        target=_cut_connections,
        args=(stop, vendor, connection.settings_dict["NAME"], cuts),
        daemon=True,
    )
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    with processes([["worker"], ["worker"]], env(**WORKER_ENV), log_dir) as procs:
        _wait(lambda: Heartbeat.objects.count() >= 2, 60, "two workers", log_dir)
        cutter.start()
        time.sleep(6)
        stop.set()
        cutter.join(timeout=20)
        # Backoffs after the simulated outages are up to a minute: bring them forward.
        from tribune.core.scope import unscoped
        from tribune.publishing.models import Variant

        deadline = time.monotonic() + 150
        while not _all_settled(ids) and time.monotonic() < deadline:
            with unscoped():
                Variant.objects.filter(pk__in=ids, status="scheduled").update(due_at=timezone.now())
            time.sleep(1)
        invariants.check("connections were cut", sum(cuts) >= 1, cuts)
        invariants.check(
            "the workers survived the cuts", all(p.poll() is None for p in procs), log_tail(log_dir)
        )
        _wait(
            lambda: (
                Heartbeat.objects.filter(
                    seen_at__gte=timezone.now() - timedelta(seconds=20)
                ).count()
                >= 2
            ),
            30,
            "fresh heartbeats",
            log_dir,
        )
        invariants.check("the workers beat again after the cuts", True)
    check_publishing_invariants(invariants, ids, _on_network(accounts))
